/* fuzz_pushover.c: libFuzzer target for the reading of Pushover's answers
 * (a message's, a receipt poll's). Whatever the body, the errors and the
 * request id are one line of printable, valid UTF-8 that fits, a receipt
 * is only of Pushover's alphabet, and a body that is no JSON object leaves
 * nothing behind. */
#include <stdint.h>
#include <string.h>

#include "sender_pushover.h"

#define FUZZ_NAME "fuzz_pushover"
#include "fuzz_check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
one_line(const char *s, size_t cap)
{
	size_t n = strnlen(s, cap);

	check(n < cap, "unterminated");
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		check(*p >= 0x20 && *p != 0x7f, "control byte");
	check(valid_utf8(s), "invalid UTF-8");
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pushover_answer	 a;
	int			 rc;

	rc = pushover_answer_parse((const char *)data, size, &a);
	one_line(a.errors, sizeof(a.errors));
	one_line(a.request, sizeof(a.request));
	one_line(a.acknowledged_by_device, sizeof(a.acknowledged_by_device));
	check(strnlen(a.receipt, sizeof(a.receipt)) < sizeof(a.receipt),
	    "receipt unterminated");
	check(strspn(a.receipt, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	    "0123456789") == strlen(a.receipt), "receipt outside [A-Za-z0-9]");
	if (rc == -1)
		check(a.status == -1 && a.errors[0] == '\0' && a.receipt[0] == '\0' &&
		    a.acknowledged == 0, "a refused body left something");
	return 0;
}
