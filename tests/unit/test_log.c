/* test_log.c: log lines in logfmt, and the limit on warnings and errors per
 * call site (20 in 10 s, then dropped=N on the site's next line), at a
 * clock the test moves. */
#include <stdarg.h>
#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "log.h"

static int64_t	 fake_now;
static char	 lines[64][512];
static int	 nlines;

static int64_t
now_ms(void)
{
	return fake_now;
}

static void
sink(const char *line, void *arg)
{
	const char *msg = strstr(line, "level=");

	(void)arg;
	if (nlines < 64)
		snprintf(lines[nlines], sizeof(lines[0]), "%s", msg ? msg : line);
	nlines++;
}

static int
setup(void **state)
{
	(void)state;
	fake_now = 1000;
	nlines = 0;
	log_setup(LOGL_INFO, LOGF_LOGFMT);
	log_set_sink(sink, NULL);
	log_set_clock(now_ms);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	log_set_sink(NULL, NULL);
	log_set_clock(NULL);
	return 0;
}

static void
disk_full(int n)
{
	for (int i = 0; i < n; i++)
		log_error("Storing failed", "err", "disk full");
}

static void
test_errors_limited_per_site(void **state)
{
	(void)state;
	disk_full(500);
	assert_int_equal(nlines, 20);
	assert_string_equal(lines[19], "level=error msg=\"Storing failed\" err=\"disk full\"");
	/* another site is not held back by this one */
	log_warn("Other trouble");
	assert_int_equal(nlines, 21);
	assert_string_equal(lines[20], "level=warn msg=\"Other trouble\"");
	/* still inside the window: nothing more */
	fake_now += 9999;
	disk_full(1);
	assert_int_equal(nlines, 21);
	/* a new window: the first line says what was left out */
	fake_now += 1;
	disk_full(3);
	assert_int_equal(nlines, 24);
	assert_string_equal(lines[21],
	    "level=error msg=\"Storing failed\" err=\"disk full\" dropped=481");
	assert_string_equal(lines[22], "level=error msg=\"Storing failed\" err=\"disk full\"");
}

static void
test_info_is_not_limited(void **state)
{
	(void)state;
	for (int i = 0; i < 50; i++)
		log_info("Message delivered");
	assert_int_equal(nlines, 50);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_errors_limited_per_site, setup, teardown),
		cmocka_unit_test_setup_teardown(test_info_is_not_limited, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
