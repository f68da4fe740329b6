/* test_base64.c: standard base64 decoding as Go's base64.StdEncoding:
 * RFC 4648's vectors, padding, line breaks and what Go refuses. */
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

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_base64_rfc4648_vectors),
		cmocka_unit_test(test_base64_go_leniencies),
		cmocka_unit_test(test_base64_refused_as_go_refuses),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
