/* fuzz_jsonr.c: libFuzzer target holding the arena JSON reader to jansson,
 * whose refusals and messages the intake has always answered with: both
 * must take the same texts, and read them to the same values in the same
 * order. Texts with a NUL byte are left out, as payload.c refuses them
 * before either reader sees them. */
#include <stdint.h>
#include <string.h>

#include <jansson.h>

#include "jsonr.h"

#define FUZZ_NAME "fuzz_jsonr"
#include "fuzz_check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int
same(const struct jr_value *a, const struct jr_value *b)
{
	if (a->type != b->type || a->n != b->n)
		return 0;
	switch (a->type) {
	case JR_INTEGER:
		return a->u.i == b->u.i;
	case JR_REAL:
		return memcmp(&a->u.r, &b->u.r, sizeof(a->u.r)) == 0;
	case JR_STRING:
		return memcmp(a->u.s, b->u.s, a->n + 1) == 0 &&
		    strlen(a->u.s) == a->n;
	case JR_ARRAY:
		for (size_t i = 0; i < a->n; i++)
			if (!same(&a->u.v[i], &b->u.v[i]))
				return 0;
		return 1;
	case JR_OBJECT:
		for (size_t i = 0; i < a->n; i++)
			if (a->u.m[i].keylen != b->u.m[i].keylen ||
			    memcmp(a->u.m[i].key, b->u.m[i].key,
			    a->u.m[i].keylen + 1) != 0 ||
			    !same(&a->u.m[i].v, &b->u.m[i].v) ||
			    jr_get(a, a->u.m[i].key) != &a->u.m[i].v)
				return 0;
		return 1;
	default:
		return 1;
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct jr_doc	 mine, theirs;
	json_t		*root;
	json_error_t	 je;
	int		 rc;

	if (memchr(data, '\0', size) != NULL)
		return 0;
	rc = jr_parse(&mine, (const char *)data, size, JR_MAX_DEPTH);
	root = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES, &je);
	if (rc == -1 && root != NULL)
		check(0, "refused a text jansson takes");
	if (rc == 0 && root == NULL) {
		fprintf(stderr, "jansson: %s\n", je.text);
		check(0, "took a text jansson refuses");
	}
	if (root != NULL) {
		check(jr_from_jansson(&theirs, root) == 0, "jr_from_jansson failed");
		check(same(&mine.root, &theirs.root), "read different values");
		jr_free(&theirs);
		json_decref(root);
	}
	jr_free(&mine);
	return 0;
}
