/* redact.h: the secrets of one loaded configuration, and the one function
 * that takes them out of a text before it leaves the process. Texts come
 * from anywhere (an upstream's error page quoting the request line and its
 * headers, a Prometheus error, libcurl), so the redactor does not trust
 * their shape: it replaces every occurrence of every form a secret is sent
 * in. The config loader builds one per load from every value it reads as a
 * secret (schema.h); after the load it is immutable and shared, with a
 * reference count, by whoever applies it (the log, the dispatcher). */
#ifndef TOCSIN_REDACT_H
#define TOCSIN_REDACT_H

#include <stddef.h>

#include "buf.h"
#include "err.h"

/* What a secret becomes. */
#define REDACTED	"<secret>"

struct redactor;	/* opaque */

/* An empty redactor holding one reference; NULL when memory runs out. */
struct redactor *redactor_new(void);
/* Another reference to r (NULL is fine and gives NULL). */
struct redactor *redactor_ref(struct redactor *r);
/* Drops a reference; the last one wipes the secrets and frees. NULL is
 * fine. */
void	redactor_unref(struct redactor *r);

/*
 * Adds a secret (NULL or "" adds nothing) in the forms it travels in: as it
 * is, query-escaped (a token in a form or a query), and, for an http(s)
 * URL, its parts that a request shows without the rest: the path (when more
 * than "/") and its last segment of at least 8 bytes (the token of a Slack
 * or Discord webhook), every query value of at least 8 bytes and the query
 * if it is that long (shorter ones are no token and would take common
 * words out of every line), the user info's password and the Basic
 * credentials libcurl makes of it. A URL of scheme, host and port
 * alone holds no secret and adds nothing. Only while the redactor is being
 * built (not thread-safe). -1 when memory runs out.
 */
int	redactor_add(struct redactor *r, const char *secret) WARN_UNUSED;
/* Adds the Basic credentials of an Authorization header, base64 of
 * "user:password" (the password alone through redactor_add). */
int	redactor_add_basic(struct redactor *r, const char *user,
	    const char *password) WARN_UNUSED;
/* How many forms r replaces (tests). */
size_t	redactor_count(const struct redactor *r);

/* Appends in to out with every secret form of r replaced by REDACTED,
 * longest first (a whole URL before its path). r NULL copies. -1 when out
 * is full or memory runs out. */
int	redactor_text(const struct redactor *r, const char *in, struct buf *out)
	    WARN_UNUSED;
/* The same in place on the string in s[size], cut to fit (at a UTF-8
 * character boundary). */
void	redactor_fix(const struct redactor *r, char *s, size_t size);

#endif
