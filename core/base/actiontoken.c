/* actiontoken.c: signing and checking action links' tokens, and the key. */
#include <sys/random.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>

#include "actiontoken.h"
#include "base64.h"
#include "secretfile.h"

#define MAC_LEN		32
#define PAYLOAD_MAX	80
#define KEY_FILE	"action.key"

static int
mac(const struct action_key *k, const char *payload, size_t n,
    unsigned char out[MAC_LEN])
{
	return gnutls_hmac_fast(GNUTLS_MAC_SHA256, k->bytes, ACTION_KEY_LEN,
	    payload, n, out) == 0 ? 0 : -1;
}

/* Constant time in the length compared: no early exit. */
static int
same(const unsigned char *a, const unsigned char *b, size_t n)
{
	volatile unsigned char d = 0;

	for (size_t i = 0; i < n; i++)
		d |= a[i] ^ b[i];
	return d == 0;
}

static int
payload(const struct action_token *t, char *out, size_t len)
{
	int n;

	if (!action_id_valid(t->id) || t->expires < 0 ||
	    (t->kind == ACTION_SILENCE ? t->duration_ms <= 0 :
	    t->kind != ACTION_ACK || t->duration_ms != 0))
		return -1;
	n = snprintf(out, len, "%c.%s.%" PRId64 ".%" PRId64,
	    t->kind == ACTION_SILENCE ? 's' : 'a', t->id, t->duration_ms,
	    t->expires);
	return n < 0 || (size_t)n >= len ? -1 : n;
}

int
action_token_sign(const struct action_key *k, const struct action_token *t,
    char *out, size_t len, struct terr *err)
{
	char		 p[PAYLOAD_MAX];
	unsigned char	 m[MAC_LEN];
	int		 n;
	size_t		 o;

	if ((n = payload(t, p, sizeof(p))) == -1)
		return terr_set(err, "not a valid action for a link");
	if (len < ACTION_TOKEN_MAX)
		return terr_set(err, "no room for an action token");
	if (mac(k, p, (size_t)n, m) == -1)
		return terr_set(err, "cannot compute an HMAC-SHA256");
	o = base64_rawurl_encode((const unsigned char *)p, (size_t)n, out);
	out[o++] = '.';
	(void)base64_rawurl_encode(m, sizeof(m), out + o);
	return 0;
}

/* A decimal int64 without sign or leading zeros; -1 when s is not one. */
static int
number(const char *s, size_t n, int64_t *v)
{
	*v = 0;
	if (n == 0 || n > 18 || (s[0] == '0' && n > 1))
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		*v = *v * 10 + (s[i] - '0');
	}
	return 0;
}

/* Reads a signed payload back; -1 when it is not one tocsin would sign. */
static int
parse_payload(const char *p, size_t n, struct action_token *t)
{
	const char	*d, *e;
	char		 again[PAYLOAD_MAX];
	int		 m;

	memset(t, 0, sizeof(*t));
	if (n < 2 + ACTION_ID_LEN + 4 || p[1] != '.' || (p[0] != 's' &&
	    p[0] != 'a') || p[2 + ACTION_ID_LEN] != '.')
		return -1;
	t->kind = p[0] == 's' ? ACTION_SILENCE : ACTION_ACK;
	memcpy(t->id, p + 2, ACTION_ID_LEN);
	d = p + 3 + ACTION_ID_LEN;
	if ((e = memchr(d, '.', n - (size_t)(d - p))) == NULL ||
	    number(d, (size_t)(e - d), &t->duration_ms) == -1 ||
	    number(e + 1, n - (size_t)(e + 1 - p), &t->expires) == -1)
		return -1;
	/* One spelling per token: what would be signed is what was. */
	if ((m = payload(t, again, sizeof(again))) == -1 || (size_t)m != n ||
	    memcmp(again, p, n) != 0)
		return -1;
	return 0;
}

enum action_verdict
action_token_verify(const struct action_key *k, const char *s, int64_t now,
    struct action_token *t)
{
	char		 p[PAYLOAD_MAX];
	unsigned char	 got[MAC_LEN + 3], want[MAC_LEN];
	const char	*dot;
	ssize_t		 np, nm;

	memset(t, 0, sizeof(*t));
	if (s == NULL || (dot = strchr(s, '.')) == NULL ||
	    (np = base64_rawurl_decode(s, (size_t)(dot - s), (unsigned char *)p,
	    sizeof(p))) == -1 ||
	    (nm = base64_rawurl_decode(dot + 1, strlen(dot + 1), got, sizeof(got))) !=
	    MAC_LEN || mac(k, p, (size_t)np, want) == -1 ||
	    !same(got, want, MAC_LEN) ||
	    parse_payload(p, (size_t)np, t) == -1) {
		memset(t, 0, sizeof(*t));
		return ACTION_TOKEN_BAD;
	}
	return now > t->expires ? ACTION_TOKEN_EXPIRED : ACTION_TOKEN_OK;
}

/* The key of a secret's text: SHA-256 of it. */
static int
derive(const char *field, const char *path, const char *secret,
    struct action_key *k, struct terr *err)
{
	if (strlen(secret) < ACTION_KEY_LEN)
		return terr_set(err, "%s \"%s\" holds fewer than %d characters",
		    field, path, ACTION_KEY_LEN);
	if (gnutls_hash_fast(GNUTLS_DIG_SHA256, secret, strlen(secret),
	    k->bytes) != 0)
		return terr_set(err, "cannot compute a SHA-256");
	return 0;
}

static int
read_key(const char *field, const char *path, struct action_key *k,
    struct terr *err)
{
	char	*s = NULL;
	int	 rc;

	if (secretfile_read(field, path, &s, err) == -1)
		return -1;
	rc = derive(field, path, s, k, err);
	explicit_bzero(s, strlen(s));
	free(s);
	return rc;
}

/* Creates path with a new random key in hex; 1 when it already exists. */
static int
create_key(const char *path, struct terr *err)
{
	unsigned char	 raw[ACTION_KEY_LEN];
	char		 hex[2 * ACTION_KEY_LEN + 2];
	ssize_t		 n;
	int		 fd, rc = 0;

	do
		n = getrandom(raw, sizeof(raw), 0);
	while (n == -1 && errno == EINTR);
	if (n != (ssize_t)sizeof(raw))
		return terr_set(err, "no randomness for the action key");
	for (size_t i = 0; i < sizeof(raw); i++)
		snprintf(hex + 2 * i, 3, "%02x", raw[i]);
	hex[2 * ACTION_KEY_LEN] = '\n';
	hex[2 * ACTION_KEY_LEN + 1] = '\0';
	explicit_bzero(raw, sizeof(raw));
	if ((fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600)) == -1) {
		explicit_bzero(hex, sizeof(hex));
		if (errno == EEXIST)
			return 1;
		return terr_set(err, "cannot create the action key \"%s\": %s",
		    path, strerror(errno));
	}
	if (write(fd, hex, 2 * ACTION_KEY_LEN + 1) != 2 * ACTION_KEY_LEN + 1 ||
	    fsync(fd) == -1)
		rc = terr_set(err, "cannot write the action key \"%s\": %s",
		    path, strerror(errno));
	explicit_bzero(hex, sizeof(hex));
	if (close(fd) == -1 && rc == 0)
		rc = terr_set(err, "cannot write the action key \"%s\": %s",
		    path, strerror(errno));
	if (rc == -1)
		(void)unlink(path);
	return rc;
}

int
action_key_load(const char *path, const char *dir, struct action_key *k,
    struct terr *err)
{
	char	 p[4096];

	if (path != NULL)
		return read_key("--web.action-key-file", path, k, err);
	if ((size_t)snprintf(p, sizeof(p), "%s/%s", dir, KEY_FILE) >= sizeof(p))
		return terr_set(err, "the storage path is too long");
	if (create_key(p, err) == -1)
		return -1;
	return read_key("action key", p, k, err);
}
