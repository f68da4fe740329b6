/* fuzz_check.h: what the fuzz targets assert with. check() aborts with the
 * target's name (FUZZ_NAME, defined before this header) and what broke, so
 * libFuzzer keeps the input; valid_utf8() checks outputs structurally,
 * independently of the UTF-8 code under test. */
#ifndef TOCSIN_FUZZ_CHECK_H
#define TOCSIN_FUZZ_CHECK_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef FUZZ_NAME
#error "define FUZZ_NAME before including fuzz_check.h"
#endif

static inline void
check(int ok, const char *what)
{
	if (!ok) {
		fprintf(stderr, FUZZ_NAME ": %s\n", what);
		abort();
	}
}

/* Structural check only: lead bytes followed by the right number of
 * continuation bytes. */
static inline int
valid_utf8(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	while (*p) {
		int n = *p < 0x80 ? 0 : *p >= 0xc2 && *p <= 0xdf ? 1 :
		    *p >= 0xe0 && *p <= 0xef ? 2 : *p >= 0xf0 && *p <= 0xf4 ? 3 : -1;

		if (n < 0)
			return 0;
		for (p++; n > 0; n--, p++)
			if ((*p & 0xc0) != 0x80)
				return 0;
	}
	return 1;
}

/* A config loader's error: one line "NAME:..." or, for several type errors,
 * "NAME: N errors:" and one "  NAME:..." line each, the last of which may
 * say how many more did not fit; no other control characters. */
static inline void
check_config_error(const char *msg, const char *name)
{
	const char	*p, *nl;
	size_t		 n = strlen(name);

	check(strncmp(msg, name, n) == 0 && msg[n] == ':', "error without file name");
	for (p = msg; *p != '\0'; p++)
		check((unsigned char)*p >= 0x20 || *p == '\n', "control character in error");
	if ((nl = strchr(msg, '\n')) == NULL)
		return;
	check(nl - msg > 9 && strncmp(nl - 8, " errors:", 8) == 0,
	    "several errors without their count");
	for (p = nl; p != NULL; p = strchr(p + 1, '\n'))
		check((strncmp(p + 1, "  ", 2) == 0 && strncmp(p + 3, name, n) == 0 &&
		    p[3 + n] == ':') || (strncmp(p + 1, "  ... and ", 10) == 0 &&
		    strchr(p + 1, '\n') == NULL), "error line without file name");
}

#endif
