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
/* Every error of an operation that reports several at once (a config file's
 * type errors, as Go's YAML decoder lists them), each one sentence, in the
 * order found. Zero-initialised means empty; terrs_clear frees. */
struct terrs {
	char	**msg;
	size_t	  n;
};

/* Appends a copy of msg; -1 when out of memory. */
int	terrs_add(struct terrs *e, const char *msg) WARN_UNUSED;
void	terrs_clear(struct terrs *e);
/* The list as one text: the only message as it is, or "NAME: N errors:"
 * followed by "\n  MESSAGE" for each. Caller frees; NULL when out of memory
 * or when e is empty. */
char	*terrs_text(const struct terrs *e, const char *name);
/* terrs_text into err; what does not fit ends in "\n  ... and N more". */
int	terrs_set(struct terr *err, const struct terrs *e, const char *name);

#endif

/* Formats into err (if not NULL) and returns -1, so callers can write
 * `return terr_set(err, "...")`. */
int terr_set(struct terr *err, const char *fmt, ...) PRINTF_LIKE(2, 3);

/* Prepends "prefix: " to an existing message, for adding context on the way up. */
int terr_prefix(struct terr *err, const char *fmt, ...) PRINTF_LIKE(2, 3);

/* Every error of an operation that reports several at once (a config file's
 * type errors, as Go's YAML decoder lists them), each one sentence, in the
 * order found. Zero-initialised means empty; terrs_clear frees. */
struct terrs {
	char	**msg;
	size_t	  n;
};

/* Appends a copy of msg; -1 when out of memory. */
int	terrs_add(struct terrs *e, const char *msg) WARN_UNUSED;
void	terrs_clear(struct terrs *e);
/* The list as one text: the only message as it is, or "NAME: N errors:"
 * followed by "\n  MESSAGE" for each. Caller frees; NULL when out of memory
 * or when e is empty. */
char	*terrs_text(const struct terrs *e, const char *name);
/* terrs_text into err; what does not fit ends in "\n  ... and N more". */
int	terrs_set(struct terr *err, const struct terrs *e, const char *name);

#endif
