/* test_utf8.c: UTF-8 decoding as Go's unicode/utf8 judges it (strict, lossy,
 * sequence lengths, whole strings), and the runes kept out of one-line
 * messages. */
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

static size_t
lossy(const char *s, size_t len, uint32_t *r)
{
	*r = 0xdeadbeef;
	return utf8_decode_lossy((const unsigned char *)s, len, r);
}

static void
test_utf8_decode_rejects_every_overlong_form(void **state)
{
	uint32_t	r;

	(void)state;
	assert_int_equal(dec("\xc1\xbf", 2, &r), 0);		/* U+7F in 2 */
	assert_int_equal(dec("\xe0\x9f\xbf", 3, &r), 0);	/* U+7FF in 3 */
	assert_int_equal(dec("\xf0\x8f\xbf\xbf", 4, &r), 0);	/* U+FFFF in 4 */
	/* The smallest rune of each length is not overlong. */
	assert_int_equal(dec("\xc2\x80", 2, &r), 2);
	assert_int_equal(r, 0x80);
	assert_int_equal(dec("\xe0\xa0\x80", 3, &r), 3);
	assert_int_equal(r, 0x800);
	assert_int_equal(dec("\xf0\x90\x80\x80", 4, &r), 4);
	assert_int_equal(r, 0x10000);
}

static void
test_utf8_decode_rejects_surrogates_and_past_10ffff(void **state)
{
	uint32_t	r;

	(void)state;
	assert_int_equal(dec("\xed\xa0\x80", 3, &r), 0);	/* U+D800 */
	assert_int_equal(dec("\xed\xbf\xbf", 3, &r), 0);	/* U+DFFF */
	assert_int_equal(dec("\xed\x9f\xbf", 3, &r), 3);	/* U+D7FF */
	assert_int_equal(r, 0xd7ff);
	assert_int_equal(dec("\xee\x80\x80", 3, &r), 3);	/* U+E000 */
	assert_int_equal(r, 0xe000);
	assert_int_equal(dec("\xf4\x90\x80\x80", 4, &r), 0);	/* U+110000 */
	assert_int_equal(dec("\xf7\xbf\xbf\xbf", 4, &r), 0);
	assert_int_equal(dec("\xff", 1, &r), 0);
}

static void
test_utf8_decode_rejects_truncated_sequences(void **state)
{
	uint32_t	r;

	(void)state;
	assert_int_equal(dec("\xc3", 1, &r), 0);
	assert_int_equal(dec("\xf0\x9f\x94", 3, &r), 0);
	assert_int_equal(dec("\xf0\x9f\x94\xa5", 3, &r), 0);	/* cut by len */
	assert_int_equal(dec("\xf0\x9f", 2, &r), 0);
	assert_int_equal(dec("\xe2\x82x", 3, &r), 0);		/* cut by 'x' */
	assert_int_equal(r, 0xdeadbeef);
}

static void
test_utf8_decode_lossy_reads_invalid_byte_as_fffd_of_length_1(void **state)
{
	uint32_t	r;

	(void)state;
	assert_int_equal(lossy("\x80", 1, &r), 1);
	assert_int_equal(r, 0xfffd);
	assert_int_equal(lossy("\xc0\xaf", 2, &r), 1);
	assert_int_equal(r, 0xfffd);
	assert_int_equal(lossy("\xed\xa0\x80", 3, &r), 1);
	assert_int_equal(r, 0xfffd);
	assert_int_equal(lossy("\xf4\x90\x80\x80", 4, &r), 1);
	assert_int_equal(r, 0xfffd);
	assert_int_equal(lossy("\xe2\x82", 2, &r), 1);		/* truncated */
	assert_int_equal(r, 0xfffd);
	/* Go's DecodeRune of "": U+FFFD and no bytes. */
	assert_int_equal(lossy("", 0, &r), 0);
	assert_int_equal(r, 0xfffd);
}

static void
test_utf8_decode_lossy_keeps_valid_runes(void **state)
{
	uint32_t	r;

	(void)state;
	assert_int_equal(lossy("A", 1, &r), 1);
	assert_int_equal(r, 0x41);
	assert_int_equal(lossy("\xe2\x82\xac", 3, &r), 3);
	assert_int_equal(r, 0x20ac);
	/* A real U+FFFD is three bytes, unlike an invalid byte. */
	assert_int_equal(lossy("\xef\xbf\xbd", 3, &r), 3);
	assert_int_equal(r, 0xfffd);
	assert_int_equal(lossy("\xf0\x9f\x94\xa5", 4, &r), 4);
	assert_int_equal(r, 0x1f525);
}

static void
test_utf8_seqlen_splits_only_between_runes(void **state)
{
	/* "a", é, €, U+1F525, then a stray continuation, an overlong C0 AF
	 * and a truncated E2 82: one byte each. */
	static const char	s[] = "a\xc3\xa9\xe2\x82\xac\xf0\x9f\x94\xa5"
				    "\x80\xc0\xaf\xe2\x82";
	static const size_t	want[] = { 1, 2, 3, 4, 1, 1, 1, 1, 1 };
	const unsigned char	*p = (const unsigned char *)s;
	size_t			 left = sizeof(s) - 1, i = 0, n;

	(void)state;
	while (left > 0) {
		n = utf8_seqlen(p, left);
		assert_true(i < sizeof(want) / sizeof(want[0]));
		assert_int_equal(n, want[i++]);
		p += n;
		left -= n;
	}
	assert_int_equal(i, sizeof(want) / sizeof(want[0]));
	assert_int_equal(utf8_seqlen(p, 0), 0);
}

static void
test_utf8_valid_whole_strings(void **state)
{
	(void)state;
	assert_true(utf8_valid("", 0));
	assert_true(utf8_valid("plain ascii", 11));
	assert_true(utf8_valid("caf\xc3\xa9 \xe2\x82\xac\xf0\x9f\x94\xa5", 13));
	assert_true(utf8_valid("\xef\xbf\xbd", 3));
	assert_false(utf8_valid("caf\xc3", 4));		/* truncated at end */
	assert_false(utf8_valid("a\xed\xa0\x80" "b", 5));
	assert_false(utf8_valid("a\xc0\xaf" "b", 4));
	assert_false(utf8_valid("\xf4\x90\x80\x80", 4));
	/* The length is what counts, not a NUL. */
	assert_true(utf8_valid("a\0b", 3));
	assert_false(utf8_valid("\xc3\xa9", 1));		/* cut by len */
}

static void
test_utf8_encode_lengths_and_invalid_runes(void **state)
{
	char	u[4];

	(void)state;
	assert_int_equal(utf8_encode(0x41, u), 1);
	assert_memory_equal(u, "A", 1);
	assert_int_equal(utf8_encode(0, u), 1);
	assert_memory_equal(u, "\0", 1);
	assert_int_equal(utf8_encode(0x7f, u), 1);
	assert_int_equal(utf8_encode(0x80, u), 2);
	assert_memory_equal(u, "\xc2\x80", 2);
	assert_int_equal(utf8_encode(0xe9, u), 2);
	assert_memory_equal(u, "\xc3\xa9", 2);
	assert_int_equal(utf8_encode(0x7ff, u), 2);
	assert_memory_equal(u, "\xdf\xbf", 2);
	assert_int_equal(utf8_encode(0x800, u), 3);
	assert_memory_equal(u, "\xe0\xa0\x80", 3);
	assert_int_equal(utf8_encode(0x20ac, u), 3);
	assert_memory_equal(u, "\xe2\x82\xac", 3);
	assert_int_equal(utf8_encode(0xffff, u), 3);
	assert_memory_equal(u, "\xef\xbf\xbf", 3);
	assert_int_equal(utf8_encode(0x1f525, u), 4);
	assert_memory_equal(u, "\xf0\x9f\x94\xa5", 4);
	assert_int_equal(utf8_encode(0x10ffff, u), 4);
	assert_memory_equal(u, "\xf4\x8f\xbf\xbf", 4);
	/* Go's EncodeRune writes U+FFFD for what cannot be encoded. */
	assert_int_equal(utf8_encode(0xd800, u), 3);
	assert_memory_equal(u, "\xef\xbf\xbd", 3);
	assert_int_equal(utf8_encode(0xdfff, u), 3);
	assert_memory_equal(u, "\xef\xbf\xbd", 3);
	assert_int_equal(utf8_encode(0x110000, u), 3);
	assert_memory_equal(u, "\xef\xbf\xbd", 3);
}

static void
test_utf8_encode_then_decode_round_trips(void **state)
{
	char		u[4];
	size_t		n;
	uint32_t	r;

	(void)state;
	for (uint32_t c = 0; c <= 0x10ffff; c++) {
		if (c >= 0xd800 && c <= 0xdfff)
			continue;
		n = utf8_encode(c, u);
		assert_int_equal(utf8_decode((const unsigned char *)u, n, &r), n);
		assert_int_equal(r, c);
	}
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
		cmocka_unit_test(test_utf8_decode_rejects_every_overlong_form),
		cmocka_unit_test(test_utf8_decode_rejects_surrogates_and_past_10ffff),
		cmocka_unit_test(test_utf8_decode_rejects_truncated_sequences),
		cmocka_unit_test(test_utf8_decode_lossy_reads_invalid_byte_as_fffd_of_length_1),
		cmocka_unit_test(test_utf8_decode_lossy_keeps_valid_runes),
		cmocka_unit_test(test_utf8_seqlen_splits_only_between_runes),
		cmocka_unit_test(test_utf8_valid_whole_strings),
		cmocka_unit_test(test_utf8_encode_lengths_and_invalid_runes),
		cmocka_unit_test(test_utf8_encode_then_decode_round_trips),
		cmocka_unit_test(test_utf8_rune_unsafe_set),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
