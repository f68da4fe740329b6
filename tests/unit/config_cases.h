/* config_cases.h: alertmanager.yml given as a string to the loader in a
 * cmocka test: a config that must load, one that must fail, and a table of
 * configs that must fail with exact messages. Header-only, static
 * functions, like scratch_dir.h, because unit tests are single files. A
 * failure fails the test and names the case. */
#ifndef TOCSIN_TEST_CONFIG_CASES_H
#define TOCSIN_TEST_CONFIG_CASES_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "scratch_dir.h"

/* The file name every message starts with. */
#define NAME "alertmanager.yml"

#ifndef nitems
#define nitems(a) (sizeof(a) / sizeof((a)[0]))
#endif

/* One config that must fail: yaml goes between the table's head and tail,
 * want follows "alertmanager.yml:", with {dir} standing for the directory
 * relative *_file paths are read from. Secrets in these cases are spelled
 * SECRET, so that a message echoing one is caught. */
struct errcase {
	const char	*yaml;
	const char	*want;
};

/* A group's state: the scratch directory relative *_file paths are read
 * from, and room for the message of the last config that failed. */
struct config_fixture {
	char	 dir[64];
	char	 err[TERR_MAX];
};

/* Makes the fixture and its directory /tmp/<prefix>.XXXXXX, for the
 * caller's setup to fill. */
static inline struct config_fixture *
config_fixture_new(void **state, const char *prefix)
{
	struct config_fixture *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	scratch_make(f->dir, sizeof(f->dir), prefix);
	*state = f;
	return f;
}

/* Removes the directory with everything in it and frees the fixture. */
static inline int
config_fixture_teardown(void **state)
{
	struct config_fixture *f = *state;

	scratch_remove(f->dir);
	free(f);
	return 0;
}

/* Loads text with relative paths under dir; it must load. */
static inline struct config *
config_must_load(const char *dir, const char *text)
{
	struct terr	 err;
	struct config	*cfg;

	err.msg[0] = '\0';
	cfg = config_load_buffer(NAME, dir, text, strlen(text), &err);
	if (cfg == NULL)
		fail_msg("unexpected load error: %s", err.msg);
	return cfg;
}

/* Loads text expecting failure; err holds the message. */
static inline void
config_must_fail(const char *dir, const char *text, struct terr *err)
{
	struct config	*cfg;

	err->msg[0] = '\0';
	cfg = config_load_buffer(NAME, dir, text, strlen(text), err);
	if (cfg != NULL) {
		config_free(cfg);
		fail_msg("config loaded but should not have:\n%s", text);
	}
}

/* want with "{dir}" replaced by dir. */
static inline void
expand_dir(const char *dir, const char *want, char *out, size_t len)
{
	const char	*d;
	size_t		 o = 0;

	while ((d = strstr(want, "{dir}")) != NULL && o < len) {
		o += (size_t)snprintf(out + o, len - o, "%.*s%s", (int)(d - want),
		    want, dir);
		want = d + strlen("{dir}");
	}
	if (o < len)
		snprintf(out + o, len - o, "%s", want);
}

/* Each case's yaml between head and tail must fail with exactly its
 * message and echo no secret. */
static inline void
check_errors(const char *dir, const char *head, const char *tail,
    const struct errcase *c, size_t n)
{
	char		 text[2048], want[TERR_MAX + 64], raw[TERR_MAX];
	struct terr	 err;
	struct config	*cfg;
	size_t		 i;

	for (i = 0; i < n; i++) {
		assert_true((size_t)snprintf(text, sizeof(text), "%s%s%s", head,
		    c[i].yaml, tail) < sizeof(text));
		snprintf(raw, sizeof(raw), NAME ":%s", c[i].want);
		expand_dir(dir, raw, want, sizeof(want));
		err.msg[0] = '\0';
		cfg = config_load_buffer(NAME, dir, text, strlen(text), &err);
		if (cfg != NULL) {
			config_free(cfg);
			fail_msg("case %zu loaded:\n%s", i, c[i].yaml);
		}
		if (strcmp(err.msg, want) != 0)
			fail_msg("case %zu:\n%s\nwant: %s\ngot:  %s", i, c[i].yaml,
			    want, err.msg);
		if (strstr(err.msg, "SECRET") != NULL)
			fail_msg("case %zu echoes a secret: %s", i, err.msg);
	}
}

#endif
