/* redact.c: a config's secrets out of any text (see redact.h). */
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gnutls/gnutls.h>

#include "redact.h"
#include "urlenc.h"

/* A path segment shorter than this is a word ("hook", "api"), not a token:
 * taking it out of every text would garble them and hide nothing. */
#define REDACT_MIN_SEGMENT	8

struct redactor {
	char		**form;		/* longest first */
	size_t		  n;
	unsigned	  refs;
	pthread_mutex_t	  mu;		/* guards refs */
};

struct redactor *
redactor_new(void)
{
	struct redactor *r;

	if ((r = calloc(1, sizeof(*r))) == NULL)
		return NULL;
	r->refs = 1;
	pthread_mutex_init(&r->mu, NULL);
	return r;
}

struct redactor *
redactor_ref(struct redactor *r)
{
	if (r == NULL)
		return NULL;
	pthread_mutex_lock(&r->mu);
	r->refs++;
	pthread_mutex_unlock(&r->mu);
	return r;
}

void
redactor_unref(struct redactor *r)
{
	bool	 last;

	if (r == NULL)
		return;
	pthread_mutex_lock(&r->mu);
	last = --r->refs == 0;
	pthread_mutex_unlock(&r->mu);
	if (!last)
		return;
	for (size_t i = 0; i < r->n; i++) {
		explicit_bzero(r->form[i], strlen(r->form[i]));
		free(r->form[i]);
	}
	free(r->form);
	pthread_mutex_destroy(&r->mu);
	free(r);
}

size_t
redactor_count(const struct redactor *r)
{
	return r != NULL ? r->n : 0;
}

/* Adds s[0..len-1] as one form, in order of length, once. */
static int
add_form(struct redactor *r, const char *s, size_t len)
{
	char	**v, *f;
	size_t	  at;

	if (len == 0)
		return 0;
	for (at = 0; at < r->n; at++) {
		size_t flen = strlen(r->form[at]);

		if (flen == len && memcmp(r->form[at], s, len) == 0)
			return 0;
		if (flen < len)
			break;
	}
	if ((v = reallocarray(r->form, r->n + 1, sizeof(*v))) == NULL)
		return -1;
	r->form = v;
	if ((f = strndup(s, len)) == NULL)
		return -1;
	memmove(&v[at + 1], &v[at], (r->n - at) * sizeof(*v));
	v[at] = f;
	r->n++;
	return 0;
}

/* s as it is, and query-escaped when that differs. */
static int
add_plain(struct redactor *r, const char *s, size_t len)
{
	struct buf	 q;
	int		 rc;

	if (len == 0)
		return 0;
	if (add_form(r, s, len) == -1)
		return -1;
	buf_init(&q, 0);
	rc = urlenc_query(&q, s, len) == -1 ? -1 : add_form(r, q.data, q.len);
	explicit_bzero(q.data != NULL ? q.data : "", q.len);
	buf_free(&q);
	return rc;
}

/* s, and what it decodes to when it holds %XX escapes. */
static int
add_escaped(struct redactor *r, const char *s, size_t len)
{
	struct buf	 d;
	int		 rc;

	if (add_plain(r, s, len) == -1)
		return -1;
	if (memchr(s, '%', len) == NULL && memchr(s, '+', len) == NULL)
		return 0;
	buf_init(&d, 0);
	rc = urlenc_unquery(&d, s, len) == -1 ? -1 : add_plain(r, d.data, d.len);
	if (d.data != NULL)
		explicit_bzero(d.data, d.len);
	buf_free(&d);
	return rc;
}

static int
add_basic(struct redactor *r, const char *user, size_t ulen, const char *pw,
    size_t plen)
{
	struct buf	 pair;
	gnutls_datum_t	 in, out = { NULL, 0 };
	int		 rc = -1;

	buf_init(&pair, 0);
	if (buf_add(&pair, user, ulen) == -1 || buf_addc(&pair, ':') == -1 ||
	    buf_add(&pair, pw, plen) == -1)
		goto out;
	in.data = (unsigned char *)pair.data;
	in.size = (unsigned int)pair.len;
	if (gnutls_base64_encode2(&in, &out) < 0)
		goto out;
	rc = add_form(r, (const char *)out.data, out.size);
out:
	if (out.data != NULL) {
		explicit_bzero(out.data, out.size);
		gnutls_free(out.data);
	}
	if (pair.data != NULL)
		explicit_bzero(pair.data, pair.len);
	buf_free(&pair);
	return rc;
}

/* user:password@ of a URL: the password, and the Basic credentials
 * libcurl makes of the pair once it has unescaped them. */
static int
add_userinfo(struct redactor *r, const char *user, size_t ulen,
    const char *pw, size_t plen)
{
	struct buf	 du, dp;
	int		 rc = -1;

	if (add_escaped(r, pw, plen) == -1 ||
	    add_basic(r, user, ulen, pw, plen) == -1)
		return -1;
	buf_init(&du, 0);
	buf_init(&dp, 0);
	if (urlenc_unquery(&du, user, ulen) == 0 &&
	    urlenc_unquery(&dp, pw, plen) == 0)
		rc = add_basic(r, buf_str(&du), du.len, buf_str(&dp), dp.len);
	if (dp.data != NULL)
		explicit_bzero(dp.data, dp.len);
	buf_free(&du);
	buf_free(&dp);
	return rc;
}

/* The parts of an http(s) URL a request shows apart from the whole. */
static int
add_url_parts(struct redactor *r, const char *url)
{
	const char	*host, *auth_end, *path, *q, *end, *at, *colon, *seg;

	host = strstr(url, "://") + 3;
	auth_end = host + strcspn(host, "/?#");
	/* user:password@ */
	for (at = auth_end; at > host && at[-1] != '@'; at--)
		;
	if (at > host &&
	    (colon = memchr(host, ':', (size_t)(at - 1 - host))) != NULL &&
	    add_userinfo(r, host, (size_t)(colon - host), colon + 1,
	    (size_t)(at - 1 - colon - 1)) == -1)
		return -1;
	path = auth_end;
	end = path + strcspn(path, "?#");
	if (*path == '/' && end - path > 1) {
		if (add_escaped(r, path, (size_t)(end - path)) == -1)
			return -1;
		for (seg = end; seg > path && seg[-1] != '/'; seg--)
			;
		if (end - seg >= REDACT_MIN_SEGMENT &&
		    add_escaped(r, seg, (size_t)(end - seg)) == -1)
			return -1;
	}
	if (*end != '?')
		return 0;
	/* Every value of the query, and the query as a whole, when long
	 * enough to be a token: a `?n=1` would otherwise take every "1" out
	 * of every log line. */
	q = end + 1;
	end = q + strcspn(q, "#");
	if (end - q >= REDACT_MIN_SEGMENT &&
	    add_escaped(r, q, (size_t)(end - q)) == -1)
		return -1;
	while (q < end) {
		const char *amp = memchr(q, '&', (size_t)(end - q));
		const char *stop = amp != NULL ? amp : end;
		const char *eq = memchr(q, '=', (size_t)(stop - q));

		if (eq != NULL && stop - eq - 1 >= REDACT_MIN_SEGMENT &&
		    add_escaped(r, eq + 1, (size_t)(stop - eq - 1)) == -1)
			return -1;
		q = stop + 1;
	}
	return 0;
}

/* Whether an http(s) URL holds more than scheme, host and port: a server's
 * address alone (a Gotify or Prometheus URL without credentials) is no
 * secret, and it is in every redacted URL (http_redact_url) and libcurl
 * error. */
static bool
url_has_secret(const char *url)
{
	const char *host = strstr(url, "://") + 3;
	const char *end = host + strcspn(host, "/?#");

	if (memchr(host, '@', (size_t)(end - host)) != NULL)
		return true;
	return end[0] != '\0' && strcmp(end, "/") != 0;
}

int
redactor_add(struct redactor *r, const char *secret)
{
	if (secret == NULL || secret[0] == '\0')
		return 0;
	if (strncmp(secret, "http://", 7) != 0 && strncmp(secret, "https://", 8) != 0)
		return add_plain(r, secret, strlen(secret));
	if (!url_has_secret(secret))
		return 0;
	if (add_plain(r, secret, strlen(secret)) == -1)
		return -1;
	return add_url_parts(r, secret);
}

int
redactor_add_basic(struct redactor *r, const char *user, const char *password)
{
	if (password == NULL || password[0] == '\0')
		return 0;
	if (user == NULL)
		user = "";
	return add_basic(r, user, strlen(user), password, strlen(password));
}

int
redactor_text(const struct redactor *r, const char *in, struct buf *out)
{
	const char	*p = in;

	if (r == NULL || r->n == 0)
		return buf_adds(out, in);
	while (*p != '\0') {
		size_t	 i, flen = 0;

		for (i = 0; i < r->n; i++) {
			flen = strlen(r->form[i]);
			if (strncmp(p, r->form[i], flen) == 0)
				break;
		}
		if (i < r->n) {
			if (buf_adds(out, REDACTED) == -1)
				return -1;
			p += flen;
		} else if (buf_addc(out, *p++) == -1)
			return -1;
	}
	return 0;
}

void
redactor_fix(const struct redactor *r, char *s, size_t size)
{
	struct buf	 b;
	size_t		 n;

	if (r == NULL || r->n == 0 || size == 0)
		return;
	buf_init(&b, 0);
	if (redactor_text(r, s, &b) == -1) {
		/* No memory to redact in: nothing of s can be trusted. */
		snprintf(s, size, "%s", REDACTED);
		buf_free(&b);
		return;
	}
	n = b.len < size ? b.len : size - 1;
	/* Not inside a UTF-8 sequence: back over continuation bytes. */
	if (n < b.len)
		while (n > 0 && ((unsigned char)b.data[n] & 0xc0) == 0x80)
			n--;
	memcpy(s, buf_str(&b), n);
	s[n] = '\0';
	buf_free(&b);
}
