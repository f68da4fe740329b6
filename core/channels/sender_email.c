/* sender_email.c: the email channel: email_configs (fields, defaults,
 * validation) and e-mail through an email_config's smarthost: the message
 * Alertmanager's email notifier writes (templated From, To, headers, text and
 * HTML parts) rendered once at intake, submitted by smtp_deliver at delivery. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "buf.h"
#include "cfgfield.h"
#include "dedup.h"
#include "mime.h"
#include "sender.h"
#include "sender_email.h"
#include "smtp.h"
#include "tmpl.h"

/* ---- email_configs ---- */

static int
smarthost(struct cfg_load *ld, const struct ynode *k, const struct ynode *v,
    void *obj)
{
	struct email_config *c = obj;

	return cfg_hostport(ld, k->value, v, &c->smarthost, &c->smarthost_host,
	    &c->smarthost_port);
}

/* Go's textproto.CanonicalMIMEHeaderKey: "content-type" -> "Content-Type";
 * keys with bytes outside a header token are returned unchanged. */
static char *
canonical_header(const char *s)
{
	char	*out;
	size_t	 i;
	bool	 upper = true;

	for (i = 0; s[i] != '\0'; i++)
		if (s[i] <= ' ' || s[i] >= 0x7f || strchr("\"(),/:;<=>?@[\\]{}", s[i]))
			return strdup(s);
	if ((out = strdup(s)) == NULL)
		return NULL;
	for (i = 0; out[i] != '\0'; i++) {
		out[i] = upper ? (char)toupper((unsigned char)out[i]) :
		    (char)tolower((unsigned char)out[i]);
		upper = out[i] == '-';
	}
	return out;
}

static int
email_headers(struct cfg_load *ld, const struct ynode *k, const struct ynode *n,
    void *obj)
{
	struct kv	*h = &((struct email_config *)obj)->headers;
	size_t		 i;
	char		*name;

	if (cfg_map(ld, n, k->value) == -1)
		return -1;
	kv_free(h);
	kv_init(h);
	for (i = 0; !ynode_is_null(n) && i < n->n; i += 2) {
		const struct ynode *hk = n->child[i], *hv = n->child[i + 1];

		if (cfg_repeated(hk))
			continue;
		if (hv->kind != YN_SCALAR)
			return cfg_fail(ld, hv, "header %s must be a string, not a %s",
			    hk->value, ynode_kind_name(hv));
		if ((name = canonical_header(hk->value)) == NULL)
			return cfg_fail(ld, hk, "out of memory");
		if (kv_get(h, name) != NULL) {
			cfg_fail(ld, hk, "duplicate header \"%s\" in email config", name);
			free(name);
			return -1;
		}
		if (kv_set(h, name, ynode_is_null(hv) ? "" : hv->value) == -1) {
			free(name);
			return cfg_fail(ld, hk, "out of memory");
		}
		free(name);
	}
	return 0;
}

/* The global smarthost, already checked by cfg_hostport, split the same
 * way. */
static int
global_smarthost(struct cfg_load *ld, const struct cf_walk *w)
{
	struct email_config *c = w->obj;
	const char	*s = ld->global.smtp_smarthost, *colon, *h;
	size_t		 hl;

	if (cfg_empty(s))
		return cfg_late(ld, w->n, "no global SMTP smarthost set");
	colon = strrchr(s, ':');
	h = s;
	hl = (size_t)(colon - h);
	if (h[0] == '[') {
		h++;
		hl -= 2;
	}
	if (cfg_dup(&c->smarthost, s) == -1 ||
	    (c->smarthost_host = strndup(h, hl)) == NULL ||
	    cfg_dup(&c->smarthost_port, colon + 1) == -1)
		return cfg_fail(ld, w->n, "out of memory");
	return 0;
}

/* The key node of header name in the config's headers (its canonical form
 * is in c->headers), or the headers mapping. */
static const struct ynode *
header_node(const struct cf_walk *w, const char *name)
{
	const struct ynode *h = cf_value(w, "headers");

	for (size_t i = 0; h != NULL && !ynode_is_null(h) && i < h->n; i += 2)
		if (strcasecmp(h->child[i]->value, name) == 0)
			return h->child[i];
	return h;
}

/* EmailConfig.UnmarshalYAML's threading checks, which only an enabled
 * threading makes. */
static int
email_threading(struct cfg_load *ld, const struct cf_walk *w)
{
	const struct email_config *c = w->obj;
	const char	*d = c->threading.thread_by_date;
	const struct ynode *t = cf_value(w, "threading"), *v;

	if (!c->threading.enabled)
		return 0;
	if (kv_get(&c->headers, "References") != NULL)
		return cfg_fail(ld, header_node(w, "References"), "conflicting "
		    "configuration: threading.enabled conflicts with custom "
		    "References header");
	if (kv_get(&c->headers, "In-Reply-To") != NULL)
		return cfg_fail(ld, header_node(w, "In-Reply-To"), "conflicting "
		    "configuration: threading.enabled conflicts with custom "
		    "In-Reply-To header");
	if (d != NULL && (strcmp(d, "none") == 0 || strcmp(d, "daily") == 0))
		return 0;
	v = ynode_map_get(t, "thread_by_date");
	return cfg_fail(ld, v != NULL ? v : t, "threading.thread_by_date must "
	    "be either 'none' or 'daily'");
}

/*
 * auth_secret and auth_secret_file are taken from the global section one by
 * one (config.go's cmp.Or on each) and a file wins when Alertmanager sends
 * (getAuthSecret): so the email's own file, else the global file (already
 * read into smtp_auth_secret), else its own auth_secret, else the global
 * one. A global smtp_auth_secret_file thus beats an email's inline
 * auth_secret, as in Alertmanager. Files are read now, trimmed like every
 * secret file here.
 */
static int
email_auth_secret(struct cfg_load *ld, const struct cf_walk *w)
{
	struct email_config *c = w->obj;
	const struct cfg_global *g = &ld->global;

	if (c->auth_secret_file != NULL)
		return cfg_read_secret(ld, "auth_secret_file",
		    cf_value(w, "auth_secret_file"), c->auth_secret_file,
		    &c->auth_secret);
	if (cfg_empty(g->smtp_auth_secret_file) && !cfg_empty(c->auth_secret))
		return 0;
	cfg_secret_free(c->auth_secret);
	c->auth_secret = NULL;
	if (cfg_dup(&c->auth_secret, g->smtp_auth_secret) == -1 ||
	    cfg_dup(&c->auth_secret_file, g->smtp_auth_secret_file) == -1)
		return cfg_fail(ld, w->n, "out of memory");
	return 0;
}

/* tls_config and force_implicit_tls are pointers in Alertmanager: absent
 * or null, the global ones. */
static int
email_tls(struct cfg_load *ld, const struct cf_walk *w)
{
	struct email_config *c = w->obj;
	const struct cfg_global *g = &ld->global;

	if (cf_given(w, "tls_config") == NULL) {
		http_tls_clear(&c->tls);
		if (cfg_tls_copy(&c->tls, &g->smtp_tls) == -1)
			return cfg_fail(ld, w->n, "out of memory");
	}
	if (cf_given(w, "force_implicit_tls") != NULL)
		c->force_implicit_tls_set = true;
	else {
		c->force_implicit_tls_set = g->smtp_force_implicit_tls_set;
		c->force_implicit_tls = g->smtp_force_implicit_tls;
	}
	return 0;
}

static int
email_finish(struct cfg_load *ld, const struct cf_walk *w)
{
	struct email_config *c = w->obj;
	const struct cfg_global *g = &ld->global;

	if (email_threading(ld, w) == -1)
		return -1;
	/* Global inheritance in config.Config.UnmarshalYAML's order. */
	if (c->smarthost == NULL && global_smarthost(ld, w) == -1)
		return -1;
	if (cf_inherit(ld, w) == -1)
		return -1;
	if (cf_secret(ld, w, "auth_password_file", &c->auth_password,
	    &c->auth_password_file, g->smtp_auth_password,
	    g->smtp_auth_password_file) == -1 ||
	    email_auth_secret(ld, w) == -1 || email_tls(ld, w) == -1)
		return -1;
	/* The email notifier's header defaults. */
	if ((kv_get(&c->headers, "Subject") == NULL && kv_set(&c->headers, "Subject",
	    "{{ template \"email.default.subject\" . }}") == -1) ||
	    (kv_get(&c->headers, "To") == NULL &&
	    kv_set(&c->headers, "To", c->to) == -1) ||
	    (kv_get(&c->headers, "From") == NULL &&
	    kv_set(&c->headers, "From", c->from) == -1))
		return cfg_fail(ld, w->n, "out of memory");
	return 0;
}

static const struct cf_field threading_fields[] = {
	{ "enabled", CF_BOOL, CF_AT(email_threading, enabled) },
	{ "thread_by_date", CF_STR, CF_AT(email_threading, thread_by_date) },
	{ .name = NULL }
};
static const struct cf_type threading_type = { "threading", threading_fields,
    0, NULL };

static const struct cf_field email_fields[] = {
	{ "send_resolved", CF_BOOL, CF_AT(email_config, send_resolved) },
	{ "to", CF_STR, CF_AT(email_config, to),
	    .missing = "missing to address in email config" },
	{ "smarthost", CF_CUSTOM, .parse = smarthost },
	{ "from", CF_STR, CF_AT(email_config, from), CF_GLOBAL(smtp_from),
	    .missing = "no global SMTP from set" },
	{ "hello", CF_STR, CF_AT(email_config, hello), CF_GLOBAL(smtp_hello) },
	{ "auth_username", CF_STR, CF_AT(email_config, auth_username),
	    CF_GLOBAL(smtp_auth_username) },
	{ "auth_password", CF_STR, CF_AT(email_config, auth_password), .secret = true },
	{ "auth_password_file", CF_FILE, CF_AT(email_config, auth_password_file) },
	{ "auth_secret", CF_STR, CF_AT(email_config, auth_secret), .secret = true },
	{ "auth_secret_file", CF_FILE, CF_AT(email_config, auth_secret_file) },
	{ "auth_identity", CF_STR, CF_AT(email_config, auth_identity),
	    CF_GLOBAL(smtp_auth_identity) },
	{ "require_tls", CF_BOOL, CF_AT(email_config, require_tls),
	    CF_GLOBAL(smtp_require_tls) },
	{ "headers", CF_CUSTOM, .parse = email_headers },
	{ "html", CF_STR, CF_AT(email_config, html),
	    .def = "{{ template \"email.default.html\" . }}" },
	{ "text", CF_STR, CF_AT(email_config, text) },
	{ "tls_config", CF_TABLE, CF_AT(email_config, tls), .sub = &cfg_tls_type },
	{ "force_implicit_tls", CF_BOOL, CF_AT(email_config, force_implicit_tls) },
	{ "threading", CF_TABLE, CF_AT(email_config, threading),
	    .sub = &threading_type },
	{ .name = NULL }
};
static const struct cf_type email_type = { "email_config", email_fields,
    sizeof(struct email_config), email_finish };

static void
email_clear(void *vc)
{
	struct email_config *c = vc;

	free(c->to);
	free(c->from);
	free(c->hello);
	free(c->smarthost);
	free(c->smarthost_host);
	free(c->smarthost_port);
	free(c->auth_username);
	cfg_secret_free(c->auth_password);
	free(c->auth_password_file);
	cfg_secret_free(c->auth_secret);
	free(c->auth_secret_file);
	free(c->auth_identity);
	kv_free(&c->headers);
	free(c->html);
	free(c->text);
	http_tls_clear(&c->tls);
	free(c->threading.thread_by_date);
}

/* ---- sending ---- */

/*
 * The stored payload: the envelope the SMTP session needs (the rendered From
 * and To, which Alertmanager templates too), then the complete message:
 *
 *   "tocsin-email/1\n" from "\n" to "\n" "\n" message
 *
 * Neither envelope line can hold a line break: render refuses them.
 */
#define EMAIL_MAGIC	"tocsin-email/1\n"

static int
has_crlf(const char *s)
{
	return strpbrk(s, "\r\n") != NULL;
}

/* Renders one text template into a fresh string; NULL with err set. The
 * envelope (from, to) must render or the e-mail cannot go anywhere; a failing
 * header or body template gives the fallback text instead, so the alert
 * still goes out (a header keeps only the fallback's first line). */
static char *
render_str(const struct sender_render_ctx *ctx, const char *text,
    const struct notification *n, enum tmpl_kind kind, const char *what,
    bool envelope, struct terr *err)
{
	struct buf	 b;
	char		*s, label[64];
	int		 rc;

	buf_init(&b, 0);
	if (envelope) {
		rc = tmpl_render_text(ctx->tmpl, text ? text : "", n, kind,
		    ctx->opts, &b, err);
		if (rc == -1)
			terr_prefix(err, "email %s template", what);
	} else {
		snprintf(label, sizeof(label), "email %s", what);
		if ((rc = tmpl_render_text_or_fallback(ctx->tmpl, text ? text : "",
		    n, kind, ctx->opts, label, &b)) == -1)
			terr_set(err, "out of memory");
	}
	if (rc == -1) {
		buf_free(&b);
		return NULL;
	}
	if ((s = buf_steal(&b)) == NULL)
		terr_set(err, "out of memory");
	else if (rc == 1 && kind == TMPL_TEXT && strcmp(what, "text") != 0)
		s[strcspn(s, "\r\n")] = '\0';	/* a header's fallback */
	return s;
}

static int
hexval(char c)
{
	return c >= 'a' ? c - 'a' + 10 : c - '0';
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* A boundary seed that stays the same when the same message is rendered
 * again (FNV-1a of the key), never 0, which would ask for a random one. */
static uint64_t
seed_of(const char *key)
{
	uint64_t h = UINT64_C(0xcbf29ce484222325);

	for (; *key != '\0'; key++) {
		h ^= (unsigned char)*key;
		h *= UINT64_C(0x100000001b3);
	}
	return h == 0 ? 1 : h;
}

/* Alertmanager's thread root: "<alert-" the first 16 hex digits of the
 * group key's hash "-" the day "@alertmanager>", a Message-ID no e-mail
 * has, under which clients following JWZ's threading put every message of
 * the group. The day (thread_by_date: daily) is the one of the Date header,
 * in UTC; "none" leaves it empty. */
static void
thread_id(const struct email_config *c, const struct notification *n,
    int64_t date, char *out, size_t len)
{
	char		 hash[65], day[40] = "";
	time_t		 t = (time_t)date;
	struct tm	 tm;

	sender_group_key_hash(n->group_key, hash);
	if (strcmp(c->threading.thread_by_date, "daily") == 0 &&
	    gmtime_r(&t, &tm) != NULL)
		snprintf(day, sizeof(day), "%04d-%02d-%02d", tm.tm_year + 1900,
		    tm.tm_mon + 1, tm.tm_mday);
	snprintf(out, len, "<alert-%.16s-%s@alertmanager>", hash, day);
}

/* "email:<smarthost>:<a>,<b>": recipients already sorted. */
static int
dest_key(struct buf *b, const char *smarthost, char **tov, size_t nto)
{
	if (buf_printf(b, "email:%s:", smarthost ? smarthost : "") == -1)
		return -1;
	for (size_t i = 0; i < nto; i++)
		if (buf_printf(b, "%s%s", i > 0 ? "," : "", tov[i]) == -1)
			return -1;
	return 0;
}

static int
email_render(const void *vcfg, const struct notification *n0,
    const struct sender_render_ctx *ctx, struct sender_parts *out,
    struct terr *err)
{
	const struct email_config *c = vcfg;
	struct notification	*n = NULL;
	struct kv		 hdr;
	struct buf		 msg, dest;
	struct mime_input	 in;
	char			*from = NULL, *to = NULL, *text = NULL, *html = NULL;
	char			**fromv = NULL, **tov = NULL, *p;
	char			 key[DEDUP_KEY_LEN + 1];
	char			 thread[128];
	unsigned char		 raw[DEDUP_KEY_LEN / 2];
	size_t			 nfrom = 0, nto = 0;
	int			 rc = -1;

	kv_init(&hdr);
	buf_init(&msg, 0);
	buf_init(&dest, 0);
	if (sender_filter_resolved(n0, c->send_resolved, &n, err) == -1)
		return -1;
	if (n == NULL)
		return 0;
	if ((from = render_str(ctx, c->from, n, TMPL_TEXT, "from", true, err)) == NULL ||
	    (to = render_str(ctx, c->to, n, TMPL_TEXT, "to", true, err)) == NULL)
		goto out;
	if (has_crlf(from) || has_crlf(to)) {
		terr_set(err, "email from or to address contains a line break");
		goto out;
	}
	if (mime_parse_addrs(from, &fromv, &nfrom, err) == -1) {
		terr_prefix(err, "parsing from addresses");
		goto out;
	}
	if (nfrom != 1) {
		terr_set(err, "must be exactly one from address");
		goto out;
	}
	if (mime_parse_addrs(to, &tov, &nto, err) == -1) {
		terr_prefix(err, "parsing to addresses");
		goto out;
	}
	/* Headers as text templates, in the config's order. */
	for (size_t i = 0; i < c->headers.n; i++) {
		char *v;

		if ((v = render_str(ctx, c->headers.v[i].value, n, TMPL_TEXT,
		    c->headers.v[i].name, false, err)) == NULL)
			goto out;
		if (kv_set(&hdr, c->headers.v[i].name, v) == -1) {
			free(v);
			terr_set(err, "out of memory");
			goto out;
		}
		free(v);
	}
	/* As Alertmanager: a part only for a configured (non-empty) body
	 * template; HTML with html/template's escaping. */
	if (c->text != NULL && c->text[0] != '\0' &&
	    (text = render_str(ctx, c->text, n, TMPL_TEXT, "text", false, err)) == NULL)
		goto out;
	if (c->html != NULL && c->html[0] != '\0' &&
	    (html = render_str(ctx, c->html, n, TMPL_HTML, "html", false, err)) == NULL)
		goto out;

	/* Destination: the server and the sorted recipients, never a
	 * credential; one message at a time per such pair. */
	qsort(tov, nto, sizeof(*tov), cmp_str);
	if (dest_key(&dest, c->smarthost, tov, nto) == -1) {
		terr_set(err, "out of memory");
		goto out;
	}
	/* The Message-ID key: the dedup key's inputs (receiver, group,
	 * status, alerts) with the destination in place of the integration
	 * name render cannot see, so a re-rendered notification (an
	 * Alertmanager retry or HA peer) keeps its Message-ID. */
	if (dedup_key(n0->receiver ? n0->receiver : "", buf_str(&dest), n0,
	    key, err) == -1)
		goto out;
	memset(&in, 0, sizeof(in));
	in.headers = &hdr;
	in.text = text;
	in.html = html;
	in.date = ctx->opts != NULL && ctx->opts->now_sec != 0 ?
	    ctx->opts->now_sec : (int64_t)time(NULL);
	/* The key's 32 bytes, not its hex, keep the Message-ID short. */
	for (size_t i = 0; i < sizeof(raw); i++)
		raw[i] = (unsigned char)(hexval(key[2 * i]) << 4 |
		    hexval(key[2 * i + 1]));
	in.key = raw;
	in.keylen = sizeof(raw);
	in.boundary_seed = seed_of(key);
	if (c->threading.enabled) {
		thread_id(c, n0, in.date, thread, sizeof(thread));
		in.thread_id = thread;
	}
	if (buf_printf(&msg, EMAIL_MAGIC "%s\n%s\n\n", from, to) == -1) {
		terr_set(err, "out of memory");
		goto out;
	}
	if (mime_build(&in, &msg, err) == -1)
		goto out;

	if ((p = buf_steal(&msg)) == NULL) {
		terr_set(err, "out of memory");
		goto out;
	}
	rc = sender_parts_add(out, buf_str(&dest), p, strlen(p), err);
out:
	mime_addrs_free(fromv);
	mime_addrs_free(tov);
	kv_free(&hdr);
	buf_free(&msg);
	buf_free(&dest);
	free(from);
	free(to);
	free(text);
	free(html);
	notification_free(n);
	return rc;
}

/* Splits our stored payload; pointers into a copy the caller frees. */
static char *
email_parse_payload(const void *payload, size_t len, const char **from,
    const char **to, const char **msg, size_t *msglen)
{
	char	*copy, *p, *nl;
	size_t	 ml = strlen(EMAIL_MAGIC);

	if (len < ml || memcmp(payload, EMAIL_MAGIC, ml) != 0)
		return NULL;
	if ((copy = malloc(len + 1)) == NULL)
		return NULL;
	memcpy(copy, payload, len);
	copy[len] = '\0';
	p = copy + ml;
	*from = p;
	if ((nl = strchr(p, '\n')) == NULL)
		goto bad;
	*nl = '\0';
	*to = p = nl + 1;
	if ((nl = strchr(p, '\n')) == NULL || nl[1] != '\n')
		goto bad;
	*nl = '\0';
	*msg = nl + 2;
	*msglen = len - (size_t)(*msg - copy);
	return copy;
bad:
	free(copy);
	return NULL;
}

static void
email_send(const void *vcfg, const struct sender_send_ctx *ctx,
    const char *dest, const void *payload, size_t len, struct send_result *res)
{
	struct email_config	 c = *(const struct email_config *)vcfg;
	struct smtp_message	 m;
	const char		*from, *to, *data;
	char			*copy, reason[sizeof(res->reason)];
	size_t			 dlen;

	(void)dest;
	if ((copy = email_parse_payload(payload, len, &from, &to, &data,
	    &dlen)) == NULL) {
		send_result_set(res, SEND_PERMFAIL, -1,
		    "email: stored message is not an e-mail payload");
		return;
	}
	/* The envelope as rendered at intake; the rest (server, TLS,
	 * credentials) from the current configuration. */
	c.from = (char *)from;
	c.to = (char *)to;
	memset(&m, 0, sizeof(m));
	m.data = data;
	m.len = dlen;
	m.implicit_tls = !c.force_implicit_tls_set ? SMTP_IMPLICIT_TLS_AUTO :
	    c.force_implicit_tls ? SMTP_IMPLICIT_TLS_ALWAYS :
	    SMTP_IMPLICIT_TLS_NEVER;
	m.timeout_s = ctx != NULL && ctx->timeout_ms > 0 ?
	    (ctx->timeout_ms + 999) / 1000 : 0;
	(void)smtp_deliver(&c, &m, res);
	snprintf(reason, sizeof(reason), "%s", res->reason);
	send_result_set(res, res->status, res->retry_after_ms, "email: %s",
	    reason);
	free(copy);
}

static size_t
email_limits(const char *dest, const struct sender_limits *lim,
    struct rl_want *w, size_t max)
{
	/* One message in flight per server and recipients is the only
	 * throttle; mail servers have no published rate. */
	(void)dest;
	(void)lim;
	(void)w;
	(void)max;
	return 0;
}

/* The Subject header as stored, continuation lines unfolded (an RFC 2047
 * encoded subject stays encoded). */
static void
email_describe(const void *payload, size_t len, char *out, size_t outlen)
{
	const char	*from, *to, *msg, *p, *v, *next;
	char		*copy;
	size_t		 msglen;
	struct buf	 b;

	out[0] = '\0';
	if ((copy = email_parse_payload(payload, len, &from, &to, &msg,
	    &msglen)) == NULL)
		return;
	buf_init(&b, 0);
	/* The header ends at the first empty line. */
	for (p = msg; *p != '\0' && *p != '\r' && *p != '\n'; p = next) {
		next = p + strcspn(p, "\n");
		next += *next != '\0';
		if (strncasecmp(p, "Subject:", 8) != 0)
			continue;
		v = p + 8;
		/* Continuation lines start with white space. */
		while (*next == ' ' || *next == '\t') {
			next += strcspn(next, "\n");
			next += *next != '\0';
		}
		if (buf_add(&b, v, (size_t)(next - v)) == -1)
			goto out;
		break;
	}
	/* Unfolded: the line breaks between the pieces become spaces. */
	for (size_t i = 0; i < b.len; i++)
		if (b.data[i] == '\r' || b.data[i] == '\n')
			b.data[i] = ' ';
	if (b.len > 0)
		sender_first_line(buf_str(&b), b.len, out, outlen);
 out:
	buf_free(&b);
	free(copy);
}

const struct sender_ops sender_email_ops = {
	.name = "email",
	.render = email_render,
	.send = email_send,
	.limits = email_limits,
	.describe = email_describe,
};

const struct channel channel_email = {
	.name = "email",
	.key = "email_configs",
	.type = &email_type,
	.clear = email_clear,
	.ops = &sender_email_ops,
};
