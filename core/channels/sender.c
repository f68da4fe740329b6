/* sender.c: integration name -> ops and config over the table of kinds
 * (channel.c), the helpers every sender shares, and the persistent memo (see
 * sender.h). */
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>
#include <jansson.h>

#include "actionrec.h"
#include "atomicfile.h"
#include "buf.h"
#include "link_actions.h"
#include "sender.h"
#include "tmpl.h"
#include "utf8.h"

void
send_result_set(struct send_result *r, enum send_status st,
    int64_t retry_after_ms, const char *fmt, ...)
{
	va_list ap;

	r->status = st;
	r->retry_after_ms = retry_after_ms;
	va_start(ap, fmt);
	vsnprintf(r->reason, sizeof(r->reason), fmt, ap);
	va_end(ap);
}

int
sender_parts_add(struct sender_parts *p, const char *dest, char *payload,
    size_t len, struct terr *err)
{
	struct sender_part *nv;

	if ((nv = reallocarray(p->v, p->n + 1, sizeof(*nv))) == NULL) {
		free(payload);
		return terr_set(err, "out of memory");
	}
	p->v = nv;
	if ((nv[p->n].dest = strdup(dest)) == NULL) {
		free(payload);
		return terr_set(err, "out of memory");
	}
	nv[p->n].payload = payload;
	nv[p->n].len = len;
	nv[p->n].action = NULL;
	p->n++;
	return 0;
}

int
sender_parts_add_rec(struct sender_parts *p, const char *dest, char *payload,
    size_t len, struct action_rec *rec, struct terr *err)
{
	if (sender_parts_add(p, dest, payload, len, err) == -1) {
		action_rec_free(rec);
		return -1;
	}
	p->v[p->n - 1].action = rec;
	return 0;
}

void
sender_parts_truncate(struct sender_parts *p, size_t keep)
{
	while (p->n > keep) {
		p->n--;
		free(p->v[p->n].dest);
		free(p->v[p->n].payload);
		action_rec_free(p->v[p->n].action);
	}
}

void
sender_parts_free(struct sender_parts *p)
{
	sender_parts_truncate(p, 0);
	free(p->v);
	p->v = NULL;
	p->n = 0;
}

const struct channel_limit *
sender_limit_at(size_t i)
{
	const struct channel *c;
	const struct channel_limit *lim;
	size_t	 k;

	if (i >= SENDER_LIMITS_MAX)
		return NULL;
	for (k = 0; (c = channel_at(k)) != NULL; k++)
		for (lim = c->limits; lim != NULL && lim->flag != NULL; lim++)
			if (i-- == 0)
				return lim;
	return NULL;
}

const struct rl_rate *
sender_limits_of(const struct sender_limits *l, const struct channel *c)
{
	const struct channel_limit *lim;
	size_t	 i;

	for (i = 0; (lim = sender_limit_at(i)) != NULL; i++)
		if (c->limits != NULL && lim == &c->limits[0])
			break;
	return &l->rate[i];
}

size_t
sender_limit_per_dest(const char *dest, const struct rl_rate *rate,
    struct rl_want *w, size_t max)
{
	if (max < 1)
		return 0;
	memset(w, 0, sizeof(*w));
	snprintf(w->key, sizeof(w->key), "%s", dest);
	w->rate = *rate;
	return 1;
}

void
sender_limits_default(struct sender_limits *l)
{
	const struct channel_limit *lim;
	struct terr	 err;
	size_t		 i;

	memset(l, 0, sizeof(*l));
	/* The defaults are constants that parse; policy.c's tests say so. */
	for (i = 0; (lim = sender_limit_at(i)) != NULL; i++)
		if (rl_rate_parse(lim->def, &l->rate[i], &err) == -1)
			l->rate[i] = (struct rl_rate){ 0, 0 };
}

/* The k-th kind in the table of kinds (channel.c) that a sender delivers:
 * every kind but those with no ops, in the same order. */
static const struct channel *
sender_kind(size_t k)
{
	const struct channel *c;
	size_t	 i;

	for (i = 0; (c = channel_at(i)) != NULL; i++)
		if (c->ops != NULL && k-- == 0)
			return c;
	return NULL;
}

const struct sender_ops *
sender_kind_at(size_t k)
{
	const struct channel *c = sender_kind(k);

	return c != NULL ? c->ops : NULL;
}

size_t
sender_kind_count(const struct receiver *r, size_t k)
{
	return receiver_count(r, sender_kind(k));
}

const void *
sender_kind_config(const struct receiver *r, size_t k, size_t idx)
{
	return receiver_config(r, sender_kind(k), idx);
}

const struct sender_ops *
sender_ops_by_name(const char *kind)
{
	const struct channel *c = channel_by_name(kind);

	return c != NULL ? c->ops : NULL;
}

int
sender_lookup(const struct receiver *r, const char *integration,
    const struct sender_ops **ops, const void **cfg)
{
	const struct channel *c;
	const char	*slash;
	char		 kind[32], *end;
	unsigned long	 idx;
	size_t		 kl;

	if (r == NULL || (slash = strchr(integration, '/')) == NULL)
		return -1;
	kl = (size_t)(slash - integration);
	if (kl == 0 || kl >= sizeof(kind) || slash[1] == '\0')
		return -1;
	memcpy(kind, integration, kl);
	kind[kl] = '\0';
	errno = 0;
	idx = strtoul(slash + 1, &end, 10);
	if (errno != 0 || *end != '\0' || (c = channel_by_name(kind)) == NULL ||
	    c->ops == NULL || (*cfg = receiver_config(r, c, idx)) == NULL)
		return -1;
	*ops = c->ops;
	return 0;
}

int
sender_filter_resolved(const struct notification *n, bool send_resolved,
    struct notification **out, struct terr *err)
{
	size_t	*idx, k = 0;

	*out = NULL;
	if ((idx = calloc(n->nalerts + 1, sizeof(*idx))) == NULL)
		return terr_set(err, "out of memory");
	for (size_t i = 0; i < n->nalerts; i++)
		if (send_resolved || n->alerts[i].status != ALERT_RESOLVED)
			idx[k++] = i;
	/* As Alertmanager's RetryStage: nothing left, nothing sent. */
	if (k > 0 && (*out = notification_subset(n, idx, k, n->receiver)) == NULL) {
		free(idx);
		return terr_set(err, "out of memory");
	}
	free(idx);
	return 0;
}

int
sender_filter_resolved_view(const struct notification *n, bool send_resolved,
    const struct notification **use, struct notification **own,
    struct terr *err)
{
	bool all = true;

	*use = NULL;
	*own = NULL;
	for (size_t i = 0; i < n->nalerts && !send_resolved && all; i++)
		all = n->alerts[i].status != ALERT_RESOLVED;
	if (n->nalerts > 0 && all && notification_is_own_subset(n)) {
		*use = n;
		return 0;
	}
	if (sender_filter_resolved(n, send_resolved, own, err) == -1)
		return -1;
	*use = *own;
	return 0;
}

void
sender_first_line(const char *s, size_t len, char *out, size_t outlen)
{
	const char	*end = s + len, *eol;
	size_t		 n, cut;

	out[0] = '\0';
	/* Skip blank lines and leading white space. */
	while (s < end && (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n'))
		s++;
	eol = memchr(s, '\n', (size_t)(end - s));
	n = (size_t)((eol != NULL ? eol : end) - s);
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r'))
		n--;
	if (n >= outlen) {
		/* Back to the start of a UTF-8 character, leaving room for
		 * the marker. */
		cut = outlen - 4;
		while (cut > 0 && ((unsigned char)s[cut] & 0xc0) == 0x80)
			cut--;
		memcpy(out, s, cut);
		memcpy(out + cut, "...", 4);
		n = cut;
	} else {
		memcpy(out, s, n);
		out[n] = '\0';
	}
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)out[i] < 0x20 || out[i] == 0x7f)
			out[i] = ' ';
}

int
sender_truncate_runes(struct buf *v, size_t n)
{
	const unsigned char	*s = (const unsigned char *)v->data;
	struct buf		 cut;
	size_t			 runes = 0, i, l, keep;
	uint32_t		 r;
	int			 rc;

	for (i = 0; i < v->len; i += utf8_seqlen(s + i, v->len - i))
		runes++;
	if (runes <= n)
		return 0;
	keep = n <= 3 ? n : n - 1;
	buf_init(&cut, v->cap);
	for (i = 0, runes = 0; runes < keep; runes++, i += l) {
		if ((l = utf8_decode(s + i, v->len - i, &r)) == 0) {
			l = 1;
			rc = buf_adds(&cut, "\xef\xbf\xbd");
		} else
			rc = buf_add(&cut, s + i, l);
		if (rc == -1)
			goto fail;
	}
	if (n > 3 && buf_adds(&cut, "\xe2\x80\xa6") == -1)
		goto fail;
	buf_free(v);
	*v = cut;
	return 1;
fail:
	buf_free(&cut);
	return -1;
}

int
sender_render_text(const struct sender_render_ctx *ctx,
    const struct notification *n, const char *what, const char *t,
    struct buf *out, struct terr *err)
{
	buf_reset(out);
	if (tmpl_render_text_or_fallback(ctx->tmpl, t ? t : "", n, TMPL_TEXT,
	    ctx->opts, what, out) == -1)
		return terr_set(err, "out of memory");
	return 0;
}

int
sender_render_one(const void *cfg, bool send_resolved,
    const struct notification *n0, const struct sender_render_ctx *ctx,
    sender_body_fn body, const char *dest, struct sender_parts *out,
    struct terr *err)
{
	return sender_render_one_links(cfg, send_resolved, NULL, n0, ctx, body,
	    dest, out, err);
}

int
sender_render_one_links(const void *cfg, bool send_resolved,
    const struct tg_actions *acts, const struct notification *n0,
    const struct sender_render_ctx *ctx, sender_body_fn body,
    const char *dest, struct sender_parts *out, struct terr *err)
{
	struct notification	*n = NULL;
	struct action_rec	*rec = NULL;
	struct buf		 b;
	char			*p;
	int			 rc = -1;

	if (sender_filter_resolved(n0, send_resolved, &n, err) == -1)
		return -1;
	if (n == NULL)
		return 0;
	buf_init(&b, 0);
	if (link_actions_offer(acts, ctx, n, &rec, err) == -1 ||
	    body(cfg, n, ctx, &b, err) == -1)
		goto out;
	if ((p = buf_steal(&b)) == NULL) {
		terr_set(err, "out of memory");
		goto out;
	}
	rc = sender_parts_add_rec(out, dest, p, strlen(p), rec, err);
	rec = NULL;
out:
	action_rec_free(rec);
	buf_free(&b);
	notification_free(n);
	return rc;
}

void
sender_url_dest(const char *kind, const char *url, char *out, size_t len)
{
	char	 dg[17];

	sender_url_digest(url != NULL ? url : "", dg);
	snprintf(out, len, "%s:%s", kind, dg);
}

long
sender_timeout_ms(const struct sender_send_ctx *ctx, int64_t own_ms)
{
	long	 outer = ctx != NULL ? ctx->timeout_ms : 0;

	if (own_ms <= 0)
		return outer;
	if (own_ms > LONG_MAX)
		own_ms = LONG_MAX;
	return outer > 0 && outer < own_ms ? outer : (long)own_ms;
}

void
sender_ctx_timeout(struct sender_send_ctx *out,
    const struct sender_send_ctx *ctx, int64_t own_ms)
{
	if (ctx != NULL)
		*out = *ctx;
	else
		memset(out, 0, sizeof(*out));
	out->timeout_ms = sender_timeout_ms(ctx, own_ms);
	out->timeout_own = own_ms > 0 && out->timeout_ms == own_ms;
}

/* The value at path ("a/0/b") under v, or NULL. */
static json_t *
json_at(json_t *v, const char *path)
{
	char		 key[64], *end;
	size_t		 l;
	unsigned long	 idx;

	while (v != NULL && *path != '\0') {
		l = strcspn(path, "/");
		if (l >= sizeof(key))
			return NULL;
		memcpy(key, path, l);
		key[l] = '\0';
		if (json_is_array(v)) {
			idx = strtoul(key, &end, 10);
			v = *end == '\0' && end != key ? json_array_get(v, idx) : NULL;
		} else
			v = json_object_get(v, key);
		path += l + (path[l] == '/');
	}
	return v;
}

void
sender_json_describe(const void *payload, size_t len,
    const char *const *paths, char *out, size_t outlen)
{
	json_t		*root;
	const char	*s = NULL;

	out[0] = '\0';
	if ((root = json_loadb(payload, len, 0, NULL)) == NULL)
		return;
	for (; *paths != NULL && (s == NULL || *s == '\0'); paths++)
		s = json_string_value(json_at(root, *paths));
	if (s != NULL && *s != '\0')
		sender_first_line(s, strlen(s), out, outlen);
	json_decref(root);
}

/* The first n bytes of s's SHA-256 in lowercase hex, 2n + 1 bytes with
 * the NUL. */
static void
sha256_hex(const char *s, char *out, int n)
{
	unsigned char	 d[32];
	static const char hex[] = "0123456789abcdef";

	memset(d, 0, sizeof(d));
	(void)gnutls_hash_fast(GNUTLS_DIG_SHA256, s, strlen(s), d);
	for (int i = 0; i < n; i++) {
		out[2 * i] = hex[d[i] >> 4];
		out[2 * i + 1] = hex[d[i] & 0xf];
	}
	out[2 * n] = '\0';
}

void
sender_url_digest(const char *url, char out[17])
{
	sha256_hex(url, out, 8);
}

void
sender_group_key_hash(const char *group_key, char out[65])
{
	sha256_hex(group_key != NULL ? group_key : "", out, 32);
}

/* ---- memo ---- */

struct memo_ent {
	char	*key;
	char	*value;
};

struct sender_memo {
	pthread_mutex_t	 mu;
	char		*path;	/* NULL: memory only */
	struct memo_ent	*v;
	size_t		 n;
};

static int
memo_set(struct sender_memo *m, const char *key, const char *value)
{
	struct memo_ent	*nv;
	char		*nval;

	if ((nval = strdup(value)) == NULL)
		return -1;
	for (size_t i = 0; i < m->n; i++)
		if (strcmp(m->v[i].key, key) == 0) {
			free(m->v[i].value);
			m->v[i].value = nval;
			return 0;
		}
	if ((nv = reallocarray(m->v, m->n + 1, sizeof(*nv))) == NULL) {
		free(nval);
		return -1;
	}
	m->v = nv;
	if ((nv[m->n].key = strdup(key)) == NULL) {
		free(nval);
		return -1;
	}
	nv[m->n].value = nval;
	m->n++;
	return 0;
}

struct sender_memo *
sender_memo_open(const char *dir, struct terr *err)
{
	struct sender_memo	*m;
	FILE			*f;
	char			*line = NULL;
	size_t			 cap = 0;
	ssize_t			 len;

	if ((m = calloc(1, sizeof(*m))) == NULL) {
		terr_set(err, "out of memory");
		return NULL;
	}
	pthread_mutex_init(&m->mu, NULL);
	if (dir == NULL)
		return m;
	if (asprintf(&m->path, "%s/sender-memo.tsv", dir) == -1) {
		m->path = NULL;
		terr_set(err, "out of memory");
		goto fail;
	}
	if ((f = fopen(m->path, "r")) == NULL) {
		if (errno == ENOENT)
			return m;
		terr_set(err, "%s: %s", m->path, strerror(errno));
		goto fail;
	}
	while ((len = getline(&line, &cap, f)) != -1) {
		char *tab;

		if (len > 0 && line[len - 1] == '\n')
			line[len - 1] = '\0';
		if ((tab = strchr(line, '\t')) == NULL)
			continue;
		*tab = '\0';
		if (memo_set(m, line, tab + 1) == -1) {
			fclose(f);
			free(line);
			terr_set(err, "out of memory");
			goto fail;
		}
	}
	free(line);
	fclose(f);
	return m;
fail:
	sender_memo_free(m);
	return NULL;
}

void
sender_memo_free(struct sender_memo *m)
{
	if (m == NULL)
		return;
	for (size_t i = 0; i < m->n; i++) {
		free(m->v[i].key);
		free(m->v[i].value);
	}
	free(m->v);
	free(m->path);
	pthread_mutex_destroy(&m->mu);
	free(m);
}

int
sender_memo_get(struct sender_memo *m, const char *key, char *out, size_t len)
{
	int found = 0;

	if (m == NULL)
		return 0;
	pthread_mutex_lock(&m->mu);
	for (size_t i = 0; i < m->n; i++)
		if (strcmp(m->v[i].key, key) == 0) {
			snprintf(out, len, "%s", m->v[i].value);
			found = 1;
			break;
		}
	pthread_mutex_unlock(&m->mu);
	return found;
}

/* Writes the whole map to a temporary file and renames it over the old one,
 * so a crash leaves either the old or the new map, never half of one. */
static int
memo_save(struct sender_memo *m, struct terr *err)
{
	struct buf	 b;
	int		 rc = -1;

	buf_init(&b, 0);
	for (size_t i = 0; i < m->n; i++)
		if (buf_printf(&b, "%s\t%s\n", m->v[i].key, m->v[i].value) == -1) {
			terr_set(err, "out of memory");
			goto out;
		}
	rc = atomicfile_write(m->path, b.data ? b.data : "", b.len, 0600, err);
out:
	buf_free(&b);
	return rc;
}

int
sender_memo_put(struct sender_memo *m, const char *key, const char *value,
    struct terr *err)
{
	int rc = 0;

	if (strpbrk(key, "\t\n") != NULL || strpbrk(value, "\t\n") != NULL)
		return terr_set(err, "memo keys and values are single words");
	pthread_mutex_lock(&m->mu);
	if (memo_set(m, key, value) == -1)
		rc = terr_set(err, "out of memory");
	else if (m->path != NULL)
		rc = memo_save(m, err);
	pthread_mutex_unlock(&m->mu);
	return rc;
}
