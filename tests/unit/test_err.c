/* test_err.c: the error convention's lists of several errors (err.h):
 * their text for check-config and the cut that fits them into a terr. */
#include <stdarg.h>
#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "err.h"

static void
test_terrs_text_lists_every_error(void **state)
{
	struct terrs	 e = { NULL, 0 };
	char		*s;

	(void)state;
	assert_null(terrs_text(&e, "a.yml"));
	assert_int_equal(terrs_add(&e, "a.yml:1:1: one"), 0);
	assert_non_null(s = terrs_text(&e, "a.yml"));
	assert_string_equal(s, "a.yml:1:1: one");
	free(s);
	assert_int_equal(terrs_add(&e, "a.yml:2:3: two"), 0);
	assert_non_null(s = terrs_text(&e, "a.yml"));
	assert_string_equal(s, "a.yml: 2 errors:\n  a.yml:1:1: one\n  a.yml:2:3: two");
	free(s);
	terrs_clear(&e);
	assert_int_equal(e.n, 0);
	assert_null(e.msg);
}

/* What does not fit into a terr ends in a count of what is left, at a line
 * boundary, and never overflows. */
static void
test_terrs_set_cuts_at_a_line(void **state)
{
	struct terrs	 e = { NULL, 0 };
	struct terr	 err;
	char		 line[64], *last;
	size_t		 i, shown = 0;

	(void)state;
	assert_int_equal(terrs_add(&e, "only"), 0);
	assert_int_equal(terrs_set(&err, &e, "f.yml"), -1);
	assert_string_equal(err.msg, "only");
	for (i = 1; i < 40; i++) {
		snprintf(line, sizeof(line), "f.yml:%zu:1: unknown field x%zu in route",
		    i, i);
		assert_int_equal(terrs_add(&e, line), 0);
	}
	assert_int_equal(terrs_set(&err, &e, "f.yml"), -1);
	assert_true(strlen(err.msg) < sizeof(err.msg));
	assert_true(strncmp(err.msg, "f.yml: 40 errors:\n  only\n", 25) == 0);
	for (i = 0; err.msg[i] != '\0'; i++)
		shown += strncmp(err.msg + i, "\n  f.yml:", 9) == 0;
	last = strrchr(err.msg, '\n');
	snprintf(line, sizeof(line), "\n  ... and %zu more", 39 - shown);
	assert_string_equal(last, line);
	assert_true(shown > 5);
	terrs_clear(&e);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_terrs_text_lists_every_error),
		cmocka_unit_test(test_terrs_set_cuts_at_a_line),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
