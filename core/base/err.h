/* err.h: the one error convention of tocsin.
 *
 * A function that can fail returns 0 on success and -1 on failure, and when it
 * fails it has written one human-readable sentence into the caller's struct
 * terr (if the caller passed one). Messages never contain secrets. */
#ifndef TOCSIN_ERR_H
#define TOCSIN_ERR_H

#include <stddef.h>

#define TERR_MAX 512

struct terr {
	char msg[TERR_MAX];
};

#if defined(__GNUC__)
#define WARN_UNUSED __attribute__((warn_unused_result))
#define PRINTF_LIKE(f, a) __attribute__((format(printf, f, a)))
#else
#define WARN_UNUSED
#define PRINTF_LIKE(f, a)
#endif

/* Formats into err (if not NULL) and returns -1, so callers can write
 * `return terr_set(err, "...")`. */
int terr_set(struct terr *err, const char *fmt, ...) PRINTF_LIKE(2, 3);

/* Prepends "prefix: " to an existing message, for adding context on the way up. */
int terr_prefix(struct terr *err, const char *fmt, ...) PRINTF_LIKE(2, 3);

#endif
