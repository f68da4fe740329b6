/* sender_ntfy.c: the ntfy channel (a tocsin extension): ntfy_configs
 * (fields, defaults, validation), one message published as JSON to the
 * server's root, cut to ntfy's message size limit, and ntfy's JSON error
 * answers classified. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "buf.h"
#include "cfgfield.h"
#include "httpclient.h"
#include "jsonw.h"
#include "link_actions.h"
#include "sender.h"
#include "sender_http.h"
#include "sender_ntfy.h"
#include "tmpl.h"
#include "utf8.h"

/* ---- ntfy_configs ---- */

#define NTFY_DEFAULT_URL	"https://ntfy.sh"
#define NTFY_TOPIC_MAX		64

/* ntfy's topic rule (server.go's topicRegex): 1 to 64 of [-_A-Za-z0-9].
 * The topic is not echoed: on ntfy.sh it is a password. */
static int
ntfy_topic(struct cfg_load *ld, const char *field, const struct ynode *v,
    const char *s)
{
	size_t	 i;

	if (s == NULL || s[0] == '\0')
		return 0;
	for (i = 0; s[i] != '\0'; i++)
		if (!isalnum((unsigned char)s[i]) && s[i] != '-' && s[i] != '_')
			break;
	if (s[i] != '\0' || i > NTFY_TOPIC_MAX)
		return cfg_fail(ld, v, "invalid %s in ntfy_config: 1 to %d letters, "
		    "digits, '-' or '_'", field, NTFY_TOPIC_MAX);
	return 0;
}

static const char *const ntfy_default_tags[] = {
	"{{ template \"ntfy.default.tag\" . }}",
};

static int
ntfy_finish(struct cfg_load *ld, const struct cf_walk *w)
{
	struct ntfy_config *c = w->obj;
	const struct ynode *h = cf_value(w, "http_config");

	if (c->token != NULL && c->token_file != NULL)
		return cf_conflict(ld, w, "token", "token_file");
	/* One Authorization header: a token or http_config's own. */
	if ((c->token != NULL || c->token_file != NULL) && h != NULL &&
	    !ynode_is_null(h) && (!cfg_empty(c->http.basic_auth_username) ||
	    !cfg_empty(c->http.authorization_credentials)))
		return cfg_fail(ld, h, "at most one of %s & http_config "
		    "authorization or basic_auth must be configured",
		    c->token != NULL ? "token" : "token_file");
	if (c->token_file != NULL && cf_secret(ld, w, "token_file", &c->token,
	    &c->token_file, NULL, NULL) == -1)
		return -1;
	/* Absent: one tag per status; `tags: []` means none. */
	if (cf_value(w, "tags") == NULL) {
		size_t n = sizeof(ntfy_default_tags) / sizeof(ntfy_default_tags[0]);

		if ((c->tags = calloc(n, sizeof(*c->tags))) == NULL)
			return cfg_fail(ld, w->n, "out of memory");
		for (c->ntags = 0; c->ntags < n; c->ntags++)
			if ((c->tags[c->ntags] = strdup(ntfy_default_tags[c->ntags])) == NULL)
				return cfg_fail(ld, w->n, "out of memory");
	}
	return 0;
}

#define NTFY_DEFAULT(name)	"{{ template \"ntfy.default." name "\" . }}"

static const struct cf_field ntfy_fields[] = {
	{ "send_resolved", CF_BOOL, CF_AT(ntfy_config, send_resolved), .on = true },
	{ "http_config", CF_HTTP, CF_AT(ntfy_config, http) },
	{ "url", CF_URL, CF_AT(ntfy_config, url), .secret = true,
	    .def = NTFY_DEFAULT_URL },
	{ "topic", CF_STR, CF_AT(ntfy_config, topic), .secret = true,
	    .missing = "missing topic in ntfy_config", .check = ntfy_topic },
	{ "token", CF_STR, CF_AT(ntfy_config, token), .secret = true },
	{ "token_file", CF_FILE, CF_AT(ntfy_config, token_file) },
	{ "title", CF_STR, CF_AT(ntfy_config, title), .def = NTFY_DEFAULT("title") },
	{ "message", CF_STR, CF_AT(ntfy_config, message),
	    .def = NTFY_DEFAULT("message") },
	{ "priority", CF_STR, CF_AT(ntfy_config, priority),
	    .def = NTFY_DEFAULT("priority") },
	{ "tags", CF_STR_LIST, CF_AT(ntfy_config, tags), CF_COUNT(ntfy_config, ntags) },
	{ "click", CF_STR, CF_AT(ntfy_config, click), .def = NTFY_DEFAULT("click") },
	{ "icon", CF_STR, CF_AT(ntfy_config, icon) },
	{ "markdown", CF_BOOL, CF_AT(ntfy_config, markdown) },
	{ "actions", CF_TABLE, CF_AT(ntfy_config, actions),	/* tocsin */
	    .sub = &link_actions_ntfy_type },
	{ .name = NULL }
};
static const struct cf_type ntfy_type = { "ntfy_config", ntfy_fields,
    sizeof(struct ntfy_config), ntfy_finish };

static void
ntfy_clear(void *vc)
{
	struct ntfy_config *c = vc;

	http_config_clear(&c->http);
	cfg_secret_free(c->url);
	cfg_secret_free(c->topic);
	cfg_secret_free(c->token);
	free(c->token_file);
	free(c->title);
	free(c->message);
	free(c->priority);
	for (size_t i = 0; i < c->ntags; i++)
		free(c->tags[i]);
	free(c->tags);
	free(c->click);
	free(c->icon);
	tga_clear(&c->actions);
}

static const struct tg_actions *
ntfy_links(const void *vc)
{
	return &((const struct ntfy_config *)vc)->actions;
}

/* ---- sending ---- */

/* s without leading and trailing white space, as ntfy's strings.TrimSpace
 * (ASCII white space; ntfy also trims Unicode spaces, rare in alerts). */
static void
trim(struct buf *v)
{
	size_t	 a = 0, n = v->len;

	if (v->data == NULL)
		return;
	while (a < n && isspace((unsigned char)v->data[a]))
		a++;
	while (n > a && isspace((unsigned char)v->data[n - 1]))
		n--;
	memmove(v->data, v->data + a, n - a);
	v->len = n - a;
	v->data[v->len] = '\0';
}

/*
 * The message as ntfy will count it: invalid UTF-8 bytes become U+FFFD (what
 * the JSON writer sends for them), white space trimmed (ntfy trims). Over
 * NTFY_MESSAGE_MAX bytes it keeps the longest run of whole characters that
 * leaves room for "…" (U+2026) and ends with it: ntfy.sh would turn a longer
 * message into a file attachment ("You received a file") and a server
 * without attachments refuses it with 413, where a cut message still shows
 * what fires; the click link leads to the rest.
 */
static int
fit_message(struct buf *v)
{
	const unsigned char	*s;
	struct buf		 o;
	size_t			 i, l, keep;
	uint32_t		 r;

	buf_init(&o, 0);
	s = (const unsigned char *)v->data;
	for (i = 0; i < v->len; i += l)
		if ((l = utf8_decode(s + i, v->len - i, &r)) == 0) {
			l = 1;
			if (buf_adds(&o, "\xef\xbf\xbd") == -1)
				goto fail;
		} else if (buf_add(&o, s + i, l) == -1)
			goto fail;
	trim(&o);
	if (o.len > NTFY_MESSAGE_MAX) {
		s = (const unsigned char *)o.data;
		for (keep = 0; keep < o.len; keep += l) {
			l = utf8_seqlen(s + keep, o.len - keep);
			if (keep + l > NTFY_MESSAGE_MAX - 3)
				break;
		}
		o.len = keep;
		if (buf_adds(&o, "\xe2\x80\xa6") == -1)
			goto fail;
	}
	buf_free(v);
	*v = o;
	return 0;
fail:
	buf_free(&o);
	return -1;
}

/* ntfy's priorities: 1 (min) to 5 (max), by number or by name; anything
 * else is the default, 3, so that a typo still notifies. */
static int
priority_of(const char *s)
{
	static const char *const names[][2] = {
		{ "min", "1" }, { "low", "2" }, { "default", "3" },
		{ "high", "4" }, { "max", "5" }, { "urgent", "5" },
	};
	size_t	 i;

	if (s[0] >= '1' && s[0] <= '5' && s[1] == '\0')
		return s[0] - '0';
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcasecmp(s, names[i][0]) == 0)
			return names[i][1][0] - '0';
	return 3;
}

/* ,"key":"rendered" when the rendered text (trimmed) is not empty. */
static int
opt_field(struct buf *b, const struct sender_render_ctx *ctx,
    const struct notification *n, const char *key, const char *t,
    struct buf *v, struct terr *err)
{
	if (t == NULL || t[0] == '\0')
		return 0;
	if (sender_render_text(ctx, n, key, t, v, err) == -1)
		return -1;
	trim(v);
	if (v->len == 0)
		return 0;
	if (buf_printf(b, ",\"%s\":", key) == -1 || jsonw_str(b, buf_str(v), v->len) == -1)
		return terr_set(err, "out of memory");
	return 0;
}

/*
 * The action links as ntfy's action buttons (docs.ntfy.sh/publish/#action-
 * buttons): an http action POSTs the link from the app at a tap, which is
 * the confirmation a GET page asks for elsewhere, and clears the
 * notification once it succeeded. ntfy shows at most NTFY_ACTIONS_MAX.
 */
static int
actions_json(struct buf *b, const struct notification *n)
{
	for (size_t i = 0; i < n->nlinks && i < NTFY_ACTIONS_MAX; i++)
		if (buf_adds(b, i == 0 ? ",\"actions\":[" : ",") == -1 ||
		    buf_adds(b, "{\"action\":\"http\",\"label\":") == -1 ||
		    jsonw_cstr(b, n->links[i].name) == -1 ||
		    buf_adds(b, ",\"url\":") == -1 ||
		    jsonw_cstr(b, n->links[i].url) == -1 ||
		    buf_adds(b, ",\"method\":\"POST\",\"clear\":true}") == -1)
			return -1;
	return n->nlinks > 0 ? buf_addc(b, ']') : 0;
}

/*
 * The publish-as-JSON body (docs.ntfy.sh/publish/#publish-as-json):
 * {"topic","title","message","priority","tags","click","icon","markdown",
 * "actions"}, each optional one left out when empty (markdown when false).
 */
static int
ntfy_json(const void *vcfg, const struct notification *n,
    const struct sender_render_ctx *ctx, struct buf *b, struct terr *err)
{
	const struct ntfy_config *c = vcfg;
	struct buf	 v;
	size_t		 i, ntags = 0;
	int		 rc = -1;

	buf_init(&v, 0);
	if (buf_adds(b, "{\"topic\":") == -1 || jsonw_cstr(b, c->topic) == -1)
		goto oom;
	if (opt_field(b, ctx, n, "title", c->title, &v, err) == -1)
		goto out;
	if (sender_render_text(ctx, n, "message", c->message, &v, err) == -1)
		goto out;
	if (fit_message(&v) == -1)
		goto oom;
	if (buf_adds(b, ",\"message\":") == -1 || jsonw_str(b, buf_str(&v), v.len) == -1)
		goto oom;
	if (sender_render_text(ctx, n, "priority", c->priority, &v, err) == -1)
		goto out;
	trim(&v);
	if (buf_printf(b, ",\"priority\":%d", priority_of(buf_str(&v))) == -1)
		goto oom;
	for (i = 0; i < c->ntags; i++) {
		if (sender_render_text(ctx, n, "tag", c->tags[i], &v, err) == -1)
			goto out;
		trim(&v);
		if (v.len == 0)
			continue;
		if (buf_adds(b, ntags++ == 0 ? ",\"tags\":[" : ",") == -1 ||
		    jsonw_str(b, buf_str(&v), v.len) == -1)
			goto oom;
	}
	if (ntags > 0 && buf_addc(b, ']') == -1)
		goto oom;
	if (opt_field(b, ctx, n, "click", c->click, &v, err) == -1 ||
	    opt_field(b, ctx, n, "icon", c->icon, &v, err) == -1)
		goto out;
	if ((c->markdown && buf_adds(b, ",\"markdown\":true") == -1) ||
	    actions_json(b, n) == -1)
		goto oom;
	if (buf_addc(b, '}') == -1)
		goto oom;
	rc = 0;
	goto out;
oom:
	terr_set(err, "out of memory");
out:
	buf_free(&v);
	if (rc == -1)
		terr_prefix(err, "ntfy");
	return rc;
}

/* "ntfy:<server>:<topic>", digests only: the URL may hold credentials and
 * the topic is a password on ntfy.sh. The server part keys the rate limit. */
static void
ntfy_dest(const struct ntfy_config *c, char *out, size_t len)
{
	char	 ds[17], dt[17];

	sender_url_digest(c->url ? c->url : NTFY_DEFAULT_URL, ds);
	sender_url_digest(c->topic ? c->topic : "", dt);
	snprintf(out, len, "ntfy:%s:%s", ds, dt);
}

static int
ntfy_render(const void *vcfg, const struct notification *n,
    const struct sender_render_ctx *ctx, struct sender_parts *out,
    struct terr *err)
{
	const struct ntfy_config *c = vcfg;
	char			 dest[64];

	ntfy_dest(c, dest, sizeof(dest));
	return sender_render_one_links(c, c->send_resolved, &c->actions, n, ctx,
	    ntfy_json, dest, out,
	    err);
}

/* ntfy refills a visitor's request bucket one request per 5 s (its
 * visitor-request-limit-replenish default, ntfy.sh's setting) and sends no
 * Retry-After with its 42901. */
#define NTFY_REFILL_MS	5000

static void
ntfy_send(const void *vcfg, const struct sender_send_ctx *ctx,
    const char *dest, const void *payload, size_t len, struct send_result *res)
{
	const struct ntfy_config	*c = vcfg;
	struct http_config		 h = c->http;
	struct http_response		 resp;
	json_t				*e;
	char				*url;
	size_t				 ul;

	(void)dest;
	/* The root of the server (or of its path behind a proxy): POST /
	 * takes the topic from the body. */
	ul = strlen(c->url);
	while (ul > 0 && c->url[ul - 1] == '/')
		ul--;
	if (asprintf(&url, "%.*s/", (int)ul, c->url) == -1) {
		send_result_set(res, SEND_TEMPFAIL, -1, "ntfy: out of memory");
		return;
	}
	if (!cfg_empty(c->token)) {
		/* Bearer with the token; a global basic_auth would add a
		 * second Authorization header. */
		h.authorization_type = NULL;
		h.authorization_credentials = c->token;
		h.basic_auth_username = NULL;
		h.basic_auth_password = NULL;
	}
	http_response_init(&resp);
	sender_http_post("ntfy", url, &h, ctx, payload, len, &resp, res);
	if (resp.status >= 400 && (e = json_loadb(buf_str(&resp.body),
	    resp.body.len, 0, NULL)) != NULL) {
		/* {"code":40301,"http":403,"error":"forbidden","link":...}:
		 * the reason says the code and the error; ntfy never puts
		 * the topic or the token into them. */
		json_t *code = json_object_get(e, "code");
		const char *msg = json_string_value(json_object_get(e, "error"));

		if (json_is_integer(code) && msg != NULL) {
			char	 m[160];
			size_t	 i;

			snprintf(m, sizeof(m), "%s", msg);
			for (i = 0; m[i] != '\0'; i++)
				if (!isprint((unsigned char)m[i]))
					m[i] = '?';
			snprintf(res->reason, sizeof(res->reason), "ntfy: %ld %lld %s",
			    resp.status, (long long)json_integer_value(code), m);
			if (resp.status == 429 && res->retry_after_ms < 0 &&
			    json_integer_value(code) == 42901)
				res->retry_after_ms = NTFY_REFILL_MS;
		}
		json_decref(e);
	}
	http_response_free(&resp);
	cfg_secret_free(url);
}

/* One bucket per server, not per topic: ntfy limits a visitor (an IP or
 * a user) across all its topics. */
static size_t
ntfy_limits(const char *dest, const struct sender_limits *lim,
    struct rl_want *w, size_t max)
{
	const char	*topic = strrchr(dest, ':');
	char		 key[40];

	/* "ntfy:<server>" out of "ntfy:<server>:<topic>". */
	snprintf(key, sizeof(key), "%.*s", topic != NULL && topic != strchr(dest, ':') ?
	    (int)(topic - dest) : (int)strlen(dest), dest);
	return sender_limit_per_dest(key, &sender_limits_of(lim, &channel_ntfy)[0],
	    w, max);
}

/* The title, else the message's first line. */
static void
ntfy_describe(const void *payload, size_t len, char *out, size_t outlen)
{
	static const char *const paths[] = { "title", "message", NULL };

	sender_json_describe(payload, len, paths, out, outlen);
}

static const struct sender_ops sender_ntfy_ops = {
	.name = "ntfy",
	.render = ntfy_render,
	.send = ntfy_send,
	.limits = ntfy_limits,
	.describe = ntfy_describe,
};

/* ntfy.sh lets a visitor burst 60 requests and then one per 5 s; 12/m is
 * that steady rate with a burst of 12, well inside the server's bucket. */
static const struct channel_limit ntfy_rate_limits[] = {
	{ "ratelimit.ntfy", "12/m", "Messages per ntfy server." },
	{ NULL, NULL, NULL }
};

const struct channel channel_ntfy = {
	.name = "ntfy",
	.key = "ntfy_configs",
	.type = &ntfy_type,
	.clear = ntfy_clear,
	.ops = &sender_ntfy_ops,
	.limits = ntfy_rate_limits,
	.links = ntfy_links,
};
