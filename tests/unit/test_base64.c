/* test_base64.c: standard base64 decoding as Go's base64.StdEncoding:
 * RFC 4648's vectors, padding, line breaks and what Go refuses; the
 * unpadded URL alphabet both ways, one spelling per byte string, as Go's
 * base64.RawURLEncoding.Strict(). */
#include <stdarg.h>
#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "base64.h"

static void
ok(const char *in, const char *want, size_t wantlen)
{
	struct buf	b;

	buf_init(&b, 0);
	if (base64_std_decode(&b, in, strlen(in)) != 0)
		fail_msg("%s: refused", in);
	assert_int_equal(b.len, wantlen);
	assert_memory_equal(buf_str(&b), want, wantlen);
	buf_free(&b);
}

static void
bad(const char *in)
{
	struct buf	b;

	buf_init(&b, 0);
	if (base64_std_decode(&b, in, strlen(in)) != -1)
		fail_msg("%s: accepted", in);
	buf_free(&b);
}

static void
test_base64_rfc4648_vectors(void **state)
{
	(void)state;
	ok("", "", 0);
	ok("Zg==", "f", 1);
	ok("Zm8=", "fo", 2);
	ok("Zm9v", "foo", 3);
	ok("Zm9vYg==", "foob", 4);
	ok("Zm9vYmE=", "fooba", 5);
	ok("Zm9vYmFy", "foobar", 6);
	ok("+/+/", "\xfb\xff\xbf", 3);
	ok("YTpiAGp1bms=", "a:b\0junk", 8);
}

/* Go's non-strict decoder: line breaks anywhere, and bits after the last
 * byte need not be zero ("Zh==" is "f" too). */
static void
test_base64_go_leniencies(void **state)
{
	(void)state;
	ok("Zm9v\r\nYmFy", "foobar", 6);
	ok("Zg==\n", "f", 1);
	ok("Zh==", "f", 1);
}

static void
test_base64_refused_as_go_refuses(void **state)
{
	(void)state;
	bad("Zg");		/* padding is required */
	bad("Zg=");
	bad("Z===");		/* one sextet is no byte */
	bad("=Zg=");
	bad("Zg==Zg==");	/* data after the padding */
	bad("Zg=a");
	bad("Zm9v YmFy");	/* not in the alphabet */
	bad("Zm9v-_==");	/* URL alphabet */
	bad("Zm9vY");
}

/* in[0..n-1] encodes to want and decodes back. */
static void
url_round_trip(const char *in, size_t n, const char *want)
{
	char		 enc[64];
	unsigned char	 dec[64];

	assert_int_equal(base64_rawurl_encode((const unsigned char *)in, n, enc),
	    strlen(want));
	assert_int_equal(strlen(want), BASE64_RAWURL_LEN(n));
	assert_string_equal(enc, want);
	assert_int_equal(base64_rawurl_decode(want, strlen(want), dec,
	    sizeof(dec)), n);
	assert_memory_equal(dec, in, n);
}

static void
test_base64_rawurl_vectors_both_ways(void **state)
{
	(void)state;
	url_round_trip("", 0, "");
	url_round_trip("f", 1, "Zg");
	url_round_trip("fo", 2, "Zm8");
	url_round_trip("foo", 3, "Zm9v");
	url_round_trip("foob", 4, "Zm9vYg");
	url_round_trip("fooba", 5, "Zm9vYmE");
	url_round_trip("foobar", 6, "Zm9vYmFy");
	url_round_trip("\xfb\xff\xbf", 3, "-_-_");
}

/* Only the one spelling: no standard characters, padding or line breaks,
 * no bits set past the last byte, no lone sextet, nothing past max. */
static void
test_base64_rawurl_refuses_other_spellings(void **state)
{
	static const char *const bad_url[] = {
		"+/+/", "Zg==", "Zm9v\n", "Zh", "Zm9", "Z", "Zm9vY", "Zm 9v",
	};
	unsigned char	 dec[8];

	(void)state;
	for (size_t i = 0; i < sizeof(bad_url) / sizeof(bad_url[0]); i++)
		if (base64_rawurl_decode(bad_url[i], strlen(bad_url[i]), dec,
		    sizeof(dec)) != -1)
			fail_msg("%s: accepted", bad_url[i]);
	assert_int_equal(base64_rawurl_decode("Zm9vYmFy", 8, dec, 5), -1);
	assert_int_equal(base64_rawurl_decode("Zm9vYmFy", 8, dec, 6), 6);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_base64_rfc4648_vectors),
		cmocka_unit_test(test_base64_go_leniencies),
		cmocka_unit_test(test_base64_refused_as_go_refuses),
		cmocka_unit_test(test_base64_rawurl_vectors_both_ways),
		cmocka_unit_test(test_base64_rawurl_refuses_other_spellings),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
