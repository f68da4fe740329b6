/* webconfig.c: exporter-toolkit's web config (TLS and basic auth), strict
 * about unknown keys like its yaml.UnmarshalStrict, with bcrypt via libxcrypt. */
#include <crypt.h>
#include <errno.h>
#include <fcntl.h>
#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>
#include <libgen.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "alert.h"
#include "buf.h"
#include "webconfig.h"
#include "yamldoc.h"

/* Checked when the user is unknown so that a wrong name takes as long as a
 * wrong password (cost 10, like exporter-toolkit's dummy hash). */
#define DUMMY_HASH "$2b$10$oOHXgI4FzqbMn8FdkFpwX.ycNu845f9o0Kvpqltpc4YweSSpxF7v2"

#define AUTH_CACHE_SIZE 64
#define DIGEST_LEN 32

struct web_user {
	char	*name;
	char	*hash;
};

struct webconfig {
	struct web_user	*users;
	size_t		 nusers;
	struct kv	 headers;	/* added to every response */
	char		*dummy;		/* bcrypt hash at the users' highest cost */

	bool		 tls;
	char		*cert;		/* PEM */
	char		*key;		/* PEM */
	char		*client_ca;	/* PEM or NULL */
	enum web_client_auth client_auth;
	char		*priorities;

	pthread_mutex_t	 mu;		/* guards the cache */
	unsigned char	 salt[DIGEST_LEN];	/* random, keys the cache */
	unsigned char	 cache[AUTH_CACHE_SIZE][DIGEST_LEN];
	bool		 cached[AUTH_CACHE_SIZE];
	size_t		 next;
};

/* The parser's scratch state. */
struct wparse {
	const char	*name;
	const char	*dir;
	struct terr	*err;
	char		*cert_file, *key_file, *ca_file;
	char		*cert_text, *key_text, *ca_text;
	char		*client_auth;
	int		 min_version, max_version;	/* 0x0301 .. 0x0304 */
	bool		 prefer_server;
};

static int perr(struct wparse *, const struct ynode *, const char *, ...) PRINTF_LIKE(3, 4);

static int
perr(struct wparse *p, const struct ynode *n, const char *fmt, ...)
{
	char	 msg[TERR_MAX];
	va_list	 ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (n)
		return terr_set(p->err, "%s:%d:%d: %s", p->name, n->line, n->col, msg);
	return terr_set(p->err, "%s: %s", p->name, msg);
}

static int
read_whole(const char *path, char **out, struct terr *err)
{
	struct buf	 b;
	char		 chunk[8192];
	ssize_t		 n;
	int		 fd;

	*out = NULL;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return terr_set(err, "open %s: %s", path, strerror(errno));
	buf_init(&b, 16 << 20);
	for (;;) {
		n = read(fd, chunk, sizeof(chunk));
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			terr_set(err, "read %s: %s", path, strerror(errno));
			goto fail;
		}
		if (n == 0)
			break;
		if (buf_add(&b, chunk, (size_t)n) == -1) {
			terr_set(err, "read %s: file too large", path);
			goto fail;
		}
	}
	close(fd);
	if ((*out = buf_steal(&b)) == NULL)
		return terr_set(err, "out of memory");
	return 0;
 fail:
	close(fd);
	buf_free(&b);
	return -1;
}

/* A scalar as a string; null gives "" (as Go leaves the field empty). */
static int
scalar(struct wparse *p, const struct ynode *n, const char *field, char **out)
{
	free(*out);
	*out = NULL;
	if (n->kind != YN_SCALAR)
		return perr(p, n, "%s: expected a string, got a %s", field, ynode_kind_name(n));
	if (strlen(n->value) != n->len)
		return perr(p, n, "%s: NUL byte in value", field);
	if ((*out = strdup(ynode_is_null(n) ? "" : n->value)) == NULL)
		return terr_set(p->err, "out of memory");
	return 0;
}

static int
boolean(struct wparse *p, const struct ynode *n, const char *field, bool *out)
{
	static const char *yes[] = { "true", "True", "TRUE", "yes", "Yes", "YES", "on", "On", "ON" };
	static const char *no[] = { "false", "False", "FALSE", "no", "No", "NO", "off", "Off", "OFF" };
	size_t	 i;

	if (n->kind == YN_SCALAR && n->plain) {
		for (i = 0; i < sizeof(yes) / sizeof(*yes); i++)
			if (strcmp(n->value, yes[i]) == 0) {
				*out = true;
				return 0;
			}
		for (i = 0; i < sizeof(no) / sizeof(*no); i++)
			if (strcmp(n->value, no[i]) == 0) {
				*out = false;
				return 0;
			}
		if (ynode_is_null(n))
			return 0;
	}
	return perr(p, n, "%s: expected a boolean", field);
}

static int
tls_version(struct wparse *p, const struct ynode *n, const char *field, int *out)
{
	static const struct { const char *name; int v; } vs[] = {
		{ "TLS10", 0x0301 }, { "TLS11", 0x0302 }, { "TLS12", 0x0303 }, { "TLS13", 0x0304 },
	};
	size_t	 i;

	if (n->kind == YN_SCALAR)
		for (i = 0; i < sizeof(vs) / sizeof(*vs); i++)
			if (strcmp(n->value, vs[i].name) == 0) {
				*out = vs[i].v;
				return 0;
			}
	return perr(p, n, "%s: unknown TLS version: %s", field,
	    n->kind == YN_SCALAR ? n->value : ynode_kind_name(n));
}

/* Checks that n is a mapping (or null) and that every key is in known. */
static int
check_map(struct wparse *p, const struct ynode *n, const char *where, const char *const *known)
{
	const struct ynode *k;
	size_t		 i, j;

	if (n->kind == YN_SCALAR && ynode_is_null(n))
		return 0;
	if (n->kind != YN_MAP)
		return perr(p, n, "%s: expected a mapping, got a %s", where, ynode_kind_name(n));
	for (i = 0; i + 1 < n->n; i += 2) {
		k = n->child[i];
		if (k->kind != YN_SCALAR)
			return perr(p, k, "%s: keys must be strings", where);
		for (j = 0; known[j]; j++)
			if (strcmp(known[j], k->value) == 0)
				break;
		if (known[j] == NULL)
			return perr(p, k, "field %s not found in %s", k->value, where);
		for (j = 0; j < i; j += 2)
			if (strcmp(n->child[j]->value, k->value) == 0)
				return perr(p, k, "%s: duplicate key %s", where, k->value);
	}
	return 0;
}

static int
parse_tls(struct wparse *p, const struct ynode *n)
{
	static const char *const known[] = { "cert", "key", "client_ca", "cert_file", "key_file",
		"client_auth_type", "client_ca_file", "cipher_suites", "curve_preferences",
		"min_version", "max_version", "prefer_server_cipher_suites", "client_allowed_sans",
		NULL };
	const struct ynode *k, *v;
	size_t		 i;
	int		 rc = 0;

	if (check_map(p, n, "tls_server_config", known) == -1)
		return -1;
	for (i = 0; n->kind == YN_MAP && i + 1 < n->n && rc == 0; i += 2) {
		k = n->child[i];
		v = n->child[i + 1];
		if (strcmp(k->value, "cert") == 0)
			rc = scalar(p, v, k->value, &p->cert_text);
		else if (strcmp(k->value, "key") == 0)
			rc = scalar(p, v, k->value, &p->key_text);
		else if (strcmp(k->value, "client_ca") == 0)
			rc = scalar(p, v, k->value, &p->ca_text);
		else if (strcmp(k->value, "cert_file") == 0)
			rc = scalar(p, v, k->value, &p->cert_file);
		else if (strcmp(k->value, "key_file") == 0)
			rc = scalar(p, v, k->value, &p->key_file);
		else if (strcmp(k->value, "client_ca_file") == 0)
			rc = scalar(p, v, k->value, &p->ca_file);
		else if (strcmp(k->value, "client_auth_type") == 0)
			rc = scalar(p, v, k->value, &p->client_auth);
		else if (strcmp(k->value, "min_version") == 0)
			rc = tls_version(p, v, k->value, &p->min_version);
		else if (strcmp(k->value, "max_version") == 0)
			rc = tls_version(p, v, k->value, &p->max_version);
		else if (strcmp(k->value, "prefer_server_cipher_suites") == 0)
			rc = boolean(p, v, k->value, &p->prefer_server);
		else if (!ynode_is_null(v))
			/* Go's cipher suite and curve names do not map one to one
			 * onto GnuTLS priorities: refuse rather than half-apply. */
			rc = perr(p, k, "%s is not supported (GnuTLS's secure defaults apply)",
			    k->value);
	}
	return rc;
}

/* exporter-toolkit lets only these security headers be set, some of them
 * only to fixed values. */
static const struct {
	const char	*name;
	const char	*values[3];	/* NULL-terminated; none: any value */
} extra_headers[] = {
	{ "Strict-Transport-Security", { NULL } },
	{ "X-Content-Type-Options", { "nosniff", NULL } },
	{ "X-Frame-Options", { "deny", "sameorigin", NULL } },
	{ "X-XSS-Protection", { NULL } },
	{ "Content-Security-Policy", { NULL } },
};

static int
parse_headers(struct wparse *p, struct webconfig *wc, const struct ynode *n)
{
	const struct ynode *k, *v;
	size_t		 i, j, h;
	char		 want[64];

	if (n->kind == YN_SCALAR && ynode_is_null(n))
		return 0;
	if (n->kind != YN_MAP)
		return perr(p, n, "headers: expected a mapping, got a %s", ynode_kind_name(n));
	for (i = 0; i + 1 < n->n; i += 2) {
		k = n->child[i];
		v = n->child[i + 1];
		if (k->kind != YN_SCALAR || v->kind != YN_SCALAR || strlen(v->value) != v->len ||
		    strpbrk(v->value, "\r\n"))
			return perr(p, k, "headers: expected name: value pairs of one line");
		for (h = 0; h < sizeof(extra_headers) / sizeof(*extra_headers); h++)
			if (strcmp(extra_headers[h].name, k->value) == 0)
				break;
		if (h == sizeof(extra_headers) / sizeof(*extra_headers))
			return perr(p, k, "HTTP header \"%s\" can not be configured", k->value);
		for (j = 0; extra_headers[h].values[j]; j++)
			if (strcmp(extra_headers[h].values[j], v->value) == 0)
				break;
		if (j > 0 && extra_headers[h].values[j] == NULL) {
			want[0] = '\0';
			for (j = 0; extra_headers[h].values[j]; j++)
				snprintf(want + strlen(want), sizeof(want) - strlen(want), "%s\"%s\"",
				    j ? " " : "", extra_headers[h].values[j]);
			return perr(p, v, "invalid value for %s. Expected one of: [%s], but got: \"%s\"",
			    k->value, want, v->value);
		}
		if (kv_set(&wc->headers, k->value, v->value) == -1)
			return terr_set(p->err, "out of memory");
	}
	return 0;
}

static int
parse_http(struct wparse *p, struct webconfig *wc, const struct ynode *n)
{
	static const char *const known[] = { "http2", "headers", NULL };
	const struct ynode *v;
	bool		 b;

	if (check_map(p, n, "http_server_config", known) == -1)
		return -1;
	/* HTTP/2 is accepted and has no effect: the server speaks HTTP/1.1. */
	if ((v = ynode_map_get(n, "http2")) && boolean(p, v, "http2", &b) == -1)
		return -1;
	if ((v = ynode_map_get(n, "headers")) && parse_headers(p, wc, v) == -1)
		return -1;
	return 0;
}

/* An unknown user is checked against a hash of the same cost as the known
 * ones, so the answer time does not tell which names exist (exporter-toolkit
 * uses a fixed cost 10 hash; users with cost 12 would stand out). */
static int
make_dummy(struct wparse *p, struct webconfig *wc)
{
	struct crypt_data *cd;
	char		 salt[CRYPT_GENSALT_OUTPUT_SIZE];
	unsigned long	 cost, max = 0;
	size_t		 i;
	int		 rc = 0;

	for (i = 0; i < wc->nusers; i++) {
		cost = strtoul(wc->users[i].hash + 4, NULL, 10);
		if (cost > max)
			max = cost;
	}
	if (max == 0 || max == 10)
		return 0;
	if (max < 4 || max > 31)
		return perr(p, NULL, "basic_auth_users: bcrypt cost %lu out of range", max);
	if ((cd = calloc(1, sizeof(*cd))) == NULL)
		return terr_set(p->err, "out of memory");
	if (crypt_gensalt_rn("$2b$", max, NULL, 0, salt, sizeof(salt)) == NULL ||
	    crypt_rn("tocsin-no-such-user", salt, cd, sizeof(*cd)) == NULL ||
	    (wc->dummy = strdup(cd->output)) == NULL)
		rc = terr_set(p->err, "cannot make a bcrypt hash");
	free(cd);
	return rc;
}

static int
parse_users(struct wparse *p, struct webconfig *wc, const struct ynode *n)
{
	const struct ynode *k, *v;
	struct web_user	*u;
	size_t		 i;

	if (n->kind == YN_SCALAR && ynode_is_null(n))
		return 0;
	if (n->kind != YN_MAP)
		return perr(p, n, "basic_auth_users: expected a mapping, got a %s",
		    ynode_kind_name(n));
	if ((wc->users = calloc(n->n + 1, sizeof(*wc->users))) == NULL)
		return terr_set(p->err, "out of memory");
	for (i = 0; i + 1 < n->n; i += 2) {
		k = n->child[i];
		v = n->child[i + 1];
		if (k->kind != YN_SCALAR || v->kind != YN_SCALAR)
			return perr(p, k, "basic_auth_users: expected user: bcrypt-hash pairs");
		if (ynode_map_get(n, k->value) != v)
			return perr(p, k, "basic_auth_users: duplicate user %s", k->value);
		/* Never echo the hash: it is a secret too. */
		if (strncmp(v->value, "$2a$", 4) != 0 && strncmp(v->value, "$2b$", 4) != 0 &&
		    strncmp(v->value, "$2y$", 4) != 0)
			return perr(p, v, "basic_auth_users: the password of user %s is not a bcrypt hash",
			    k->value);
		u = &wc->users[wc->nusers];
		if ((u->name = strdup(k->value)) == NULL)
			return terr_set(p->err, "out of memory");
		if ((u->hash = strdup(v->value)) == NULL) {
			free(u->name);
			return terr_set(p->err, "out of memory");
		}
		wc->nusers++;
	}
	return make_dummy(p, wc);
}

/* Joins a relative path with the config's directory, like config.JoinDir. */
static int
load_pem(struct wparse *p, const char *file, const char *text, const char *field, char **out)
{
	char	*path = NULL;
	int	 rc;

	if (file && *file) {
		if (file[0] != '/' && asprintf(&path, "%s/%s", p->dir, file) == -1)
			return terr_set(p->err, "out of memory");
		rc = read_whole(path ? path : file, out, p->err);
		free(path);
		if (rc == -1)
			return terr_prefix(p->err, "%s: failed to read %s", p->name, field);
		return 0;
	}
	if (text && *text && (*out = strdup(text)) == NULL)
		return terr_set(p->err, "out of memory");
	return 0;
}

static int
build_tls(struct wparse *p, struct webconfig *wc)
{
	static const struct { const char *name; enum web_client_auth v; } auths[] = {
		{ "", WEB_NO_CLIENT_CERT }, { "NoClientCert", WEB_NO_CLIENT_CERT },
		{ "RequestClientCert", WEB_REQUEST_CLIENT_CERT },
		{ "RequireAnyClientCert", WEB_REQUIRE_ANY_CLIENT_CERT },
		{ "RequireClientCert", WEB_REQUIRE_ANY_CLIENT_CERT },
		{ "VerifyClientCertIfGiven", WEB_VERIFY_CLIENT_CERT_IF_GIVEN },
		{ "RequireAndVerifyClientCert", WEB_REQUIRE_AND_VERIFY_CLIENT_CERT },
	};
	static const char *vers[] = { "TLS1.0", "TLS1.1", "TLS1.2", "TLS1.3" };
	gnutls_certificate_credentials_t cred = NULL;
	gnutls_datum_t	 c, k;
	struct buf	 pr;
	size_t		 i;
	int		 v, r;

#define SET(s) ((s) && *(s))
	wc->tls = SET(p->cert_file) || SET(p->cert_text) || SET(p->key_file) ||
	    SET(p->key_text) || SET(p->ca_file) || SET(p->ca_text) || SET(p->client_auth);
	if (!wc->tls)
		return 0;
	if (!SET(p->cert_file) && !SET(p->cert_text))
		return perr(p, NULL, "tls_server_config: missing one of cert or cert_file");
	if (!SET(p->key_file) && !SET(p->key_text))
		return perr(p, NULL, "tls_server_config: missing one of key or key_file");
	if (load_pem(p, p->cert_file, p->cert_text, "cert_file", &wc->cert) == -1 ||
	    load_pem(p, p->key_file, p->key_text, "key_file", &wc->key) == -1 ||
	    load_pem(p, p->ca_file, p->ca_text, "client_ca_file", &wc->client_ca) == -1)
		return -1;
#undef SET
	for (i = 0; i < sizeof(auths) / sizeof(*auths); i++)
		if (strcmp(p->client_auth ? p->client_auth : "", auths[i].name) == 0)
			break;
	if (i == sizeof(auths) / sizeof(*auths))
		return perr(p, NULL, "tls_server_config: invalid ClientAuth: %s", p->client_auth);
	wc->client_auth = auths[i].v;
	if (wc->client_ca && wc->client_auth == WEB_NO_CLIENT_CERT)
		return perr(p, NULL, "tls_server_config: client CA's have been configured "
		    "without a Client Auth Policy");
	if (wc->client_ca == NULL && wc->client_auth != WEB_NO_CLIENT_CERT)
		return perr(p, NULL, "tls_server_config: client_auth_type %s needs client_ca_file",
		    p->client_auth);
	if (p->min_version > p->max_version)
		return perr(p, NULL, "tls_server_config: min_version is above max_version");

	/* Check the pair now so a bad key fails at start-up, not per handshake. */
	c.data = (unsigned char *)wc->cert;
	c.size = (unsigned)strlen(wc->cert);
	k.data = (unsigned char *)wc->key;
	k.size = (unsigned)strlen(wc->key);
	if (gnutls_certificate_allocate_credentials(&cred) < 0)
		return terr_set(p->err, "out of memory");
	r = gnutls_certificate_set_x509_key_mem(cred, &c, &k, GNUTLS_X509_FMT_PEM);
	gnutls_certificate_free_credentials(cred);
	if (r < 0)
		return perr(p, NULL, "tls_server_config: failed to load X509KeyPair: %s",
		    gnutls_strerror(r));

	buf_init(&pr, 1024);
	r = buf_adds(&pr, "NORMAL:-VERS-ALL");
	for (v = p->max_version; v >= p->min_version && r == 0; v--)
		r = buf_printf(&pr, ":+VERS-%s", vers[v - 0x0301]);
	if (r == 0 && p->prefer_server)
		r = buf_adds(&pr, ":%SERVER_PRECEDENCE");
	if (r == -1 || (wc->priorities = buf_steal(&pr)) == NULL) {
		buf_free(&pr);
		return terr_set(p->err, "out of memory");
	}
	return 0;
}

static void
wparse_free(struct wparse *p)
{
	free(p->cert_file);
	free(p->key_file);
	free(p->ca_file);
	free(p->cert_text);
	free(p->key_text);
	free(p->ca_text);
	free(p->client_auth);
}

struct webconfig *
webconfig_load_buffer(const char *name, const char *dir, const char *yaml, size_t len,
    struct terr *err)
{
	static const char *const known[] = { "tls_server_config", "http_server_config",
		"basic_auth_users", "rate_limit", NULL };
	struct wparse	 p;
	struct webconfig *wc = NULL;
	struct ydoc	*doc = NULL;
	const struct ynode *root, *n;
	struct terr	 yerr;

	memset(&p, 0, sizeof(p));
	p.name = name;
	p.dir = dir ? dir : ".";
	p.err = err;
	p.min_version = 0x0303;
	p.max_version = 0x0304;
	p.prefer_server = true;
	if ((doc = ydoc_parse(yaml, len, &yerr)) == NULL) {
		terr_set(err, "%s:%s", name, yerr.msg);
		goto fail;
	}
	if ((wc = calloc(1, sizeof(*wc))) == NULL) {
		terr_set(err, "out of memory");
		goto fail;
	}
	pthread_mutex_init(&wc->mu, NULL);
	kv_init(&wc->headers);
	if (gnutls_rnd(GNUTLS_RND_NONCE, wc->salt, sizeof(wc->salt)) < 0) {
		terr_set(err, "cannot draw random bytes");
		goto fail;
	}
	if ((root = ydoc_root(doc)) != NULL) {
		if (check_map(&p, root, "the web config", known) == -1)
			goto fail;
		if ((n = ynode_map_get(root, "rate_limit")) && !ynode_is_null(n)) {
			perr(&p, n, "rate_limit is not supported");
			goto fail;
		}
		if ((n = ynode_map_get(root, "tls_server_config")) && parse_tls(&p, n) == -1)
			goto fail;
		if ((n = ynode_map_get(root, "http_server_config")) && parse_http(&p, wc, n) == -1)
			goto fail;
		if ((n = ynode_map_get(root, "basic_auth_users")) && parse_users(&p, wc, n) == -1)
			goto fail;
	}
	if (build_tls(&p, wc) == -1)
		goto fail;
	wparse_free(&p);
	ydoc_free(doc);
	return wc;
 fail:
	wparse_free(&p);
	ydoc_free(doc);
	webconfig_free(wc);
	return NULL;
}

struct webconfig *
webconfig_load_file(const char *path, struct terr *err)
{
	struct webconfig *wc;
	char		*text, *copy, *dir;

	if (read_whole(path, &text, err) == -1)
		return NULL;
	if ((copy = strdup(path)) == NULL) {
		free(text);
		terr_set(err, "out of memory");
		return NULL;
	}
	dir = dirname(copy);
	wc = webconfig_load_buffer(path, dir, text, strlen(text), err);
	free(copy);
	free(text);
	return wc;
}

void
webconfig_free(struct webconfig *wc)
{
	size_t	 i;

	if (wc == NULL)
		return;
	for (i = 0; i < wc->nusers; i++) {
		free(wc->users[i].name);
		explicit_bzero(wc->users[i].hash, strlen(wc->users[i].hash));
		free(wc->users[i].hash);
	}
	free(wc->users);
	free(wc->dummy);
	kv_free(&wc->headers);
	free(wc->cert);
	if (wc->key)
		explicit_bzero(wc->key, strlen(wc->key));
	free(wc->key);
	free(wc->client_ca);
	free(wc->priorities);
	explicit_bzero(wc->cache, sizeof(wc->cache));
	pthread_mutex_destroy(&wc->mu);
	free(wc);
}

bool
webconfig_has_users(const struct webconfig *wc)
{
	return wc && wc->nusers > 0;
}

static bool
ct_equal(const void *a, const void *b, size_t n)
{
	const unsigned char *x = a, *y = b;
	unsigned char	 d = 0;
	size_t		 i;

	for (i = 0; i < n; i++)
		d |= x[i] ^ y[i];
	return d == 0;
}

/* The cache key binds user, stored hash and password under the config's
 * random salt, so a changed hash or a different password never hits a stale
 * entry and the cache holds nothing a dictionary could be run against. */
static int
cache_key(const struct webconfig *wc, const char *user, const char *hash,
    const char *password, unsigned char *out)
{
	struct buf	 b;
	int		 rc;

	buf_init(&b, 0);
	if (buf_add(&b, wc->salt, sizeof(wc->salt)) == -1 ||
	    buf_add(&b, user, strlen(user) + 1) == -1 || buf_add(&b, hash, strlen(hash) + 1) == -1 ||
	    buf_add(&b, password, strlen(password)) == -1) {
		buf_free(&b);
		return -1;
	}
	rc = gnutls_hash_fast(GNUTLS_DIG_SHA256, b.data, b.len, out);
	explicit_bzero(b.data, b.len);
	buf_free(&b);
	return rc < 0 ? -1 : 0;
}

/* The stored hash for user, or NULL. */
static const char *
user_hash(const struct webconfig *wc, const char *user)
{
	size_t	 i;

	for (i = 0; i < wc->nusers; i++)
		if (strcmp(wc->users[i].name, user) == 0)
			return wc->users[i].hash;
	return NULL;
}

/* Compares key with every entry, so the time does not tell which one hit. */
static bool
cache_has(struct webconfig *wc, const unsigned char *key)
{
	bool	 hit = false;
	size_t	 i;

	pthread_mutex_lock(&wc->mu);
	for (i = 0; i < AUTH_CACHE_SIZE; i++)
		hit |= wc->cached[i] && ct_equal(wc->cache[i], key, DIGEST_LEN);
	pthread_mutex_unlock(&wc->mu);
	return hit;
}

static void
cache_put(struct webconfig *wc, const unsigned char *key)
{
	pthread_mutex_lock(&wc->mu);
	memcpy(wc->cache[wc->next], key, DIGEST_LEN);
	wc->cached[wc->next] = true;
	wc->next = (wc->next + 1) % AUTH_CACHE_SIZE;
	pthread_mutex_unlock(&wc->mu);
}

bool
webconfig_check_cached(struct webconfig *wc, const char *user, const char *password)
{
	unsigned char	 key[DIGEST_LEN];
	const char	*hash;
	bool		 hit;

	if (wc == NULL || user == NULL || password == NULL ||
	    (hash = user_hash(wc, user)) == NULL || cache_key(wc, user, hash, password, key) == -1)
		return false;
	hit = cache_has(wc, key);
	explicit_bzero(key, sizeof(key));
	return hit;
}

bool
webconfig_check_user(struct webconfig *wc, const char *user, const char *password)
{
	struct crypt_data *cd;
	unsigned char	 key[DIGEST_LEN];
	const char	*hash;
	char		*out;
	bool		 known, ok, have_key;
	size_t		 n;

	if (wc == NULL || user == NULL || password == NULL)
		return false;
	if (webconfig_check_cached(wc, user, password))
		return true;
	known = (hash = user_hash(wc, user)) != NULL;
	if (!known)
		hash = wc->dummy ? wc->dummy : DUMMY_HASH;
	/* struct crypt_data is large; keep it off the callers' stacks. The
	 * caller bounds how many run at once (the server's auth workers). */
	if ((cd = calloc(1, sizeof(*cd))) == NULL)
		return false;
	out = crypt_rn(password, hash, cd, sizeof(*cd));
	n = strlen(hash);
	ok = out != NULL && out[0] != '*' && strlen(out) == n && ct_equal(out, hash, n) && known;
	explicit_bzero(cd, sizeof(*cd));
	free(cd);
	have_key = ok && cache_key(wc, user, hash, password, key) == 0;
	if (have_key)
		cache_put(wc, key);
	explicit_bzero(key, sizeof(key));
	return ok;
}

const struct kv *
webconfig_headers(const struct webconfig *wc)
{
	return &wc->headers;
}

bool
webconfig_tls_enabled(const struct webconfig *wc)
{
	return wc && wc->tls;
}

const char *
webconfig_tls_cert(const struct webconfig *wc)
{
	return wc->cert;
}

const char *
webconfig_tls_key(const struct webconfig *wc)
{
	return wc->key;
}

const char *
webconfig_tls_client_ca(const struct webconfig *wc)
{
	return wc->client_ca;
}

enum web_client_auth
webconfig_tls_client_auth(const struct webconfig *wc)
{
	return wc->client_auth;
}

const char *
webconfig_tls_priorities(const struct webconfig *wc)
{
	return wc->priorities;
}
