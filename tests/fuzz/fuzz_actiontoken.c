/* fuzz_actiontoken.c: libFuzzer target for the token of an action link
 * (action_token_verify), which anyone can send to /action/<token>.
 * Whatever the bytes: no crash or leak, and a token that verifies signs
 * back to the same bytes (one spelling per token). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "actiontoken.h"

#define FUZZ_NAME "fuzz_actiontoken"
#include "fuzz_check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct action_key	 k;
	struct action_token	 t;
	struct terr		 err;
	enum action_verdict	 v;
	char			 again[ACTION_TOKEN_MAX], *s;

	for (size_t i = 0; i < ACTION_KEY_LEN; i++)
		k.bytes[i] = (unsigned char)i;
	if ((s = malloc(size + 1)) == NULL)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	v = action_token_verify(&k, s, 0, &t);
	if (v == ACTION_TOKEN_BAD)
		check(t.id[0] == '\0', "refused token left an id");
	else {
		check(action_token_sign(&k, &t, again, sizeof(again), &err) == 0,
		    "verified token does not sign");
		check(strcmp(again, s) == 0, "token does not sign back");
	}
	free(s);
	return 0;
}
