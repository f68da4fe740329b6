/* scratch_dir.h: a scratch directory for a cmocka test: made under /tmp,
 * filled with small files, removed with everything in it. Header-only,
 * static functions, like fake_client.h, because unit tests are single
 * files. A failure fails the test. */
#ifndef TOCSIN_TEST_SCRATCH_DIR_H
#define TOCSIN_TEST_SCRATCH_DIR_H

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Makes /tmp/<prefix>.XXXXXX and puts its path into dir. */
static inline void
scratch_make(char *dir, size_t len, const char *prefix)
{
	assert_true((size_t)snprintf(dir, len, "/tmp/%s.XXXXXX", prefix) < len);
	assert_non_null(mkdtemp(dir));
}

/* Writes content to dir/name, replacing the file. */
static inline void
scratch_write(const char *dir, const char *name, const char *content)
{
	char	 path[512];
	FILE	*fp;

	assert_true((size_t)snprintf(path, sizeof(path), "%s/%s", dir, name) <
	    sizeof(path));
	assert_non_null(fp = fopen(path, "w"));
	assert_true(fputs(content, fp) >= 0);
	assert_int_equal(fclose(fp), 0);
}

static inline int
scratch_unlink(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	return remove(path);
}

/* Removes dir and everything in it. */
static inline void
scratch_remove(const char *dir)
{
	assert_int_equal(nftw(dir, scratch_unlink, 16, FTW_DEPTH | FTW_PHYS), 0);
}

#endif
