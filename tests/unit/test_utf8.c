/* test_utf8.c: UTF-8 decoding as Go's utf8.DecodeRune judges it, and the
 * runes kept out of one-line messages. */
#include <stdarg.h>
#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "utf8.h"

static size_t
dec(const char *s, size_t len, uint32_t *r)
{
	*r = 0xdeadbeef;
	return utf8_decode((const unsigned char *)s, len, r);
}

static void
test_utf8_decode_valid_lengths(void **state)
{
	uint32_t	r;

	(void)state;
	assert_int_equal(dec("A", 1, &r), 1);
	assert_int_equal(r, 0x41);
	assert_int_equal(dec("\xc3\xa9x", 3, &r), 2);		/* é */
	assert_int_equal(r, 0xe9);
	assert_int_equal(dec("\xe2\x82\xac", 3, &r), 3);	/* € */
	assert_int_equal(r, 0x20ac);
	assert_int_equal(dec("\xf0\x9f\x94\xa5", 4, &r), 4);	/* U+1F525 */
	assert_int_equal(r, 0x1f525);
	assert_int_equal(dec("\xf4\x8f\xbf\xbf", 4, &r), 4);	/* U+10FFFF */
	assert_int_equal(r, 0x10ffff);
}

static void
test_utf8_decode_rejects_what_go_rejects(void **state)
{
	uint32_t	r;

	(void)state;
	assert_int_equal(dec("", 0, &r), 0);
	assert_int_equal(dec("\x80", 1, &r), 0);		/* continuation */
	assert_int_equal(dec("\xc0\xaf", 2, &r), 0);		/* overlong '/' */
	assert_int_equal(dec("\xe0\x80\xaf", 3, &r), 0);	/* overlong */
	assert_int_equal(dec("\xf0\x80\x80\xaf", 4, &r), 0);	/* overlong */
	assert_int_equal(dec("\xed\xa0\x80", 3, &r), 0);	/* U+D800 */
	assert_int_equal(dec("\xf4\x90\x80\x80", 4, &r), 0);	/* past U+10FFFF */
	assert_int_equal(dec("\xf5\x80\x80\x80", 4, &r), 0);
	assert_int_equal(dec("\xe2\x82", 2, &r), 0);		/* truncated */
	assert_int_equal(dec("\xe2\x82\xac", 2, &r), 0);	/* cut by len */
	assert_int_equal(dec("\xe2(\xac", 3, &r), 0);		/* bad follower */
	assert_int_equal(r, 0xdeadbeef);			/* untouched */
}

static void
test_utf8_rune_unsafe_set(void **state)
{
	static const uint32_t unsafe[] = {
		0x80, 0x85, 0x9f, 0x200e, 0x200f, 0x2028, 0x2029, 0x202a,
		0x202e, 0x2066, 0x2069, 0xfeff,
	};
	static const uint32_t safe[] = {
		0x41, 0x7e, 0xa0, 0xe9, 0x200d, 0x2027, 0x202f, 0x2065, 0x206a,
		0xfefe, 0x1f525,
	};

	(void)state;
	for (size_t i = 0; i < sizeof(unsafe) / sizeof(unsafe[0]); i++)
		assert_true(utf8_rune_unsafe(unsafe[i]));
	for (size_t i = 0; i < sizeof(safe) / sizeof(safe[0]); i++)
		assert_false(utf8_rune_unsafe(safe[i]));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_utf8_decode_valid_lengths),
		cmocka_unit_test(test_utf8_decode_rejects_what_go_rejects),
		cmocka_unit_test(test_utf8_rune_unsafe_set),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
