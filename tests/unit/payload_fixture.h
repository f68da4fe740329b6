/* payload_fixture.h: a webhook payload from ../shared/fixtures, parsed, for
 * the sender tests. Header-only, a static function, because unit tests are
 * single files; include it after <cmocka.h>. */
#ifndef TOCSIN_TEST_PAYLOAD_FIXTURE_H
#define TOCSIN_TEST_PAYLOAD_FIXTURE_H

#include <stdio.h>

#include "payload.h"

/* The fixture file name parsed (caller frees with notification_free); the
 * test fails when it does not parse. */
static inline struct notification *
fixture(const char *name)
{
	char		 path[512], body[16384];
	FILE		*f;
	size_t		 len;
	struct terr	 err;
	struct notification *n;

	snprintf(path, sizeof(path), "%s/%s", TOCSIN_FIXTURES_DIR, name);
	f = fopen(path, "rb");
	assert_non_null(f);
	len = fread(body, 1, sizeof(body), f);
	fclose(f);
	n = payload_parse(body, len, &err);
	if (n == NULL)
		fail_msg("%s: %s", name, err.msg);
	return n;
}

#endif
