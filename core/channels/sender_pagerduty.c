/* sender_pagerduty.c: the pagerduty channel: pagerduty_configs (fields,
 * defaults, validation), the Events API v2 body Alertmanager's pagerduty
 * notifier builds, and PagerDuty's answers classified. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "buf.h"
#include "cfgfield.h"
#include "httpclient.h"
#include "jsonw.h"
#include "sender.h"
#include "sender_http.h"
#include "sender_pagerduty.h"
#include "tmpl.h"

/* Alertmanager's limits: the Events API's summary of 1024 characters and
 * its event size, past which the custom details are replaced. */
#define PD_SUMMARY_RUNES	1024
#define PD_MAX_EVENT		512000
#define PD_DETAILS_CUT		"Custom details have been removed because the " \
				"original event exceeds the maximum size of 512KB"

/* ---- pagerduty_configs ---- */

static const struct cf_field pd_image_fields[] = {
	{ "src", CF_STR, CF_AT(pagerduty_image, src) },
	{ "alt", CF_STR, CF_AT(pagerduty_image, alt) },
	{ "href", CF_STR, CF_AT(pagerduty_image, href) },
	{ .name = NULL }
};
static const struct cf_type pd_image_type = { "pagerduty image", pd_image_fields,
    sizeof(struct pagerduty_image), NULL };

static const struct cf_field pd_link_fields[] = {
	{ "href", CF_STR, CF_AT(pagerduty_link, href) },
	{ "text", CF_STR, CF_AT(pagerduty_link, text) },
	{ .name = NULL }
};
static const struct cf_type pd_link_type = { "pagerduty link", pd_link_fields,
    sizeof(struct pagerduty_link), NULL };

/* Alertmanager's DefaultPagerdutyDetails, added for each key the config
 * does not set. */
static const struct {
	const char *key, *value;
} pd_default_details[] = {
	{ "firing", "{{ template \"pagerduty.default.instances\" .Alerts.Firing }}" },
	{ "num_firing", "{{ .Alerts.Firing | len }}" },
	{ "num_resolved", "{{ .Alerts.Resolved | len }}" },
	{ "resolved", "{{ template \"pagerduty.default.instances\" .Alerts.Resolved }}" },
};

static struct pagerduty_detail *
pd_detail_find(const struct pagerduty_config *c, const char *key)
{
	for (size_t i = 0; i < c->ndetails; i++)
		if (strcmp(c->details[i].key, key) == 0)
			return &c->details[i];
	return NULL;
}

/* A mapping of strings; a key given twice is the mapping's error
 * (cfg_map), and null reads as "" as Go's decoder reads it. */
static int
pd_details(struct cfg_load *ld, const struct ynode *k, const struct ynode *v,
    void *obj)
{
	struct pagerduty_config	*c = obj;
	struct pagerduty_detail	*d;

	(void)k;
	if (cfg_map(ld, v, "details") == -1)
		return -1;
	for (size_t i = 0; !ynode_is_null(v) && i < v->n; i += 2) {
		if (cfg_repeated(v->child[i]))
			continue;
		if ((d = cf_append((void **)&c->details, &c->ndetails,
		    sizeof(*d))) == NULL)
			return cfg_fail(ld, v->child[i], "out of memory");
		if (cfg_str(ld, "details", v->child[i], &d->key) == -1 ||
		    cfg_str(ld, d->key != NULL ? d->key : "details",
		    v->child[i + 1], &d->value) == -1)
			return -1;
		if ((d->key == NULL && (d->key = strdup("")) == NULL) ||
		    (d->value == NULL && (d->value = strdup("")) == NULL))
			return cfg_fail(ld, v->child[i], "out of memory");
	}
	return 0;
}

static int
pd_detail_cmp(const void *a, const void *b)
{
	return strcmp(((const struct pagerduty_detail *)a)->key,
	    ((const struct pagerduty_detail *)b)->key);
}

/* Alertmanager's order: UnmarshalYAML's checks, then the global URL. The
 * Events API v1 (service_key) is refused: PagerDuty retired it. */
static int
pd_finish(struct cfg_load *ld, const struct cf_walk *w)
{
	struct pagerduty_config	*c = w->obj;
	struct pagerduty_detail	*d;
	const struct ynode	*k;

	if (cfg_empty(c->routing_key) && cfg_empty(c->service_key) &&
	    cfg_empty(c->routing_key_file) && cfg_empty(c->service_key_file))
		return cfg_fail(ld, w->n, "missing service or routing key in "
		    "PagerDuty config");
	if (!cfg_empty(c->routing_key) && !cfg_empty(c->routing_key_file))
		return cf_conflict(ld, w, "routing_key", "routing_key_file");
	if (!cfg_empty(c->service_key) && !cfg_empty(c->service_key_file))
		return cf_conflict(ld, w, "service_key", "service_key_file");
	if ((k = cf_given(w, "service_key")) != NULL ||
	    (k = cf_given(w, "service_key_file")) != NULL)
		return cfg_fail(ld, k, "%s (PagerDuty Events API v1) is not "
		    "supported by tocsin: use routing_key or routing_key_file "
		    "(Events API v2)", k->value);
	if (cfg_empty(c->routing_key) && cfg_empty(c->routing_key_file))
		return cfg_fail(ld, w->n, "missing routing_key or routing_key_file "
		    "in PagerDuty config");
	for (size_t i = 0; i < sizeof(pd_default_details) /
	    sizeof(pd_default_details[0]); i++) {
		if (pd_detail_find(c, pd_default_details[i].key) != NULL)
			continue;
		if ((d = cf_append((void **)&c->details, &c->ndetails,
		    sizeof(*d))) == NULL ||
		    (d->key = strdup(pd_default_details[i].key)) == NULL ||
		    (d->value = strdup(pd_default_details[i].value)) == NULL)
			return cfg_fail(ld, w->n, "out of memory");
	}
	qsort(c->details, c->ndetails, sizeof(*c->details), pd_detail_cmp);
	if (cfg_empty(c->source)) {
		free(c->source);
		if (cfg_dup(&c->source, c->client) == -1)
			return cfg_fail(ld, w->n, "out of memory");
	}
	/* The notifier's own default, applied when it sends. */
	if (cfg_empty(c->severity)) {
		free(c->severity);
		if ((c->severity = strdup("error")) == NULL)
			return cfg_fail(ld, w->n, "out of memory");
	}
	if (cf_inherit(ld, w) == -1)
		return -1;
	if (cfg_empty(c->url))
		return cfg_late(ld, w->n, "no global PagerDuty URL set");
	return cf_secret(ld, w, "routing_key_file", &c->routing_key,
	    &c->routing_key_file, NULL, NULL);
}

#define PD_DEFAULT(name)	"{{ template \"pagerduty.default." name "\" . }}"

static const struct cf_field pd_fields[] = {
	{ "send_resolved", CF_BOOL, CF_AT(pagerduty_config, send_resolved), .on = true },
	{ "http_config", CF_HTTP, CF_AT(pagerduty_config, http) },
	{ "service_key", CF_STR, CF_AT(pagerduty_config, service_key), .secret = true },
	{ "service_key_file", CF_FILE, CF_AT(pagerduty_config, service_key_file) },
	{ "routing_key", CF_STR, CF_AT(pagerduty_config, routing_key), .secret = true },
	{ "routing_key_file", CF_FILE, CF_AT(pagerduty_config, routing_key_file) },
	{ "url", CF_URL, CF_AT(pagerduty_config, url), CF_GLOBAL(pagerduty_url) },
	{ "client", CF_STR, CF_AT(pagerduty_config, client), .def = PD_DEFAULT("client") },
	{ "client_url", CF_STR, CF_AT(pagerduty_config, client_url),
	    .def = PD_DEFAULT("clientURL") },
	/* Alertmanager's default, without the space before the dot. */
	{ "description", CF_STR, CF_AT(pagerduty_config, description),
	    .def = "{{ template \"pagerduty.default.description\" .}}" },
	{ "details", CF_CUSTOM, .parse = pd_details },
	{ "images", CF_TABLE_LIST, CF_AT(pagerduty_config, images),
	    CF_COUNT(pagerduty_config, nimages), .sub = &pd_image_type },
	{ "links", CF_TABLE_LIST, CF_AT(pagerduty_config, links),
	    CF_COUNT(pagerduty_config, nlinks), .sub = &pd_link_type },
	{ "source", CF_STR, CF_AT(pagerduty_config, source) },
	{ "severity", CF_STR, CF_AT(pagerduty_config, severity) },
	{ "class", CF_STR, CF_AT(pagerduty_config, class) },
	{ "component", CF_STR, CF_AT(pagerduty_config, component) },
	{ "group", CF_STR, CF_AT(pagerduty_config, group) },
	{ "timeout", CF_GO_DURATION, CF_AT(pagerduty_config, timeout_ms) },
	{ .name = NULL }
};
static const struct cf_type pd_type = { "pagerduty_config", pd_fields,
    sizeof(struct pagerduty_config), pd_finish };

static void
pd_clear(void *vc)
{
	struct pagerduty_config *c = vc;
	size_t	 i;

	http_config_clear(&c->http);
	cfg_secret_free(c->routing_key);
	free(c->routing_key_file);
	cfg_secret_free(c->service_key);
	free(c->service_key_file);
	free(c->url);
	free(c->client);
	free(c->client_url);
	free(c->description);
	for (i = 0; i < c->ndetails; i++) {
		free(c->details[i].key);
		free(c->details[i].value);
	}
	free(c->details);
	for (i = 0; i < c->nimages; i++) {
		free(c->images[i].src);
		free(c->images[i].alt);
		free(c->images[i].href);
	}
	free(c->images);
	for (i = 0; i < c->nlinks; i++) {
		free(c->links[i].href);
		free(c->links[i].text);
	}
	free(c->links);
	free(c->source);
	free(c->severity);
	free(c->class);
	free(c->component);
	free(c->group);
}

/* ---- sending ---- */

/* ,"key":"rendered" (sep "" for the first member); with omitempty nothing
 * when it renders empty. */
static int
member(struct buf *b, const struct sender_render_ctx *ctx,
    const struct notification *n, const char *sep, const char *key,
    const char *t, bool omitempty, struct terr *err)
{
	struct buf	v;
	int		rc = -1;

	buf_init(&v, 0);
	if (sender_render_text(ctx, n, key, t, &v, err) == -1)
		goto out;
	rc = 0;
	if (omitempty && v.len == 0)
		goto out;
	if (buf_printf(b, "%s\"%s\":", sep, key) == -1 ||
	    jsonw_str(b, buf_str(&v), v.len) == -1)
		rc = terr_set(err, "out of memory");
out:
	buf_free(&v);
	return rc;
}

/* The custom details object: the rendered details (sorted at load), or,
 * when cut, the one "error" entry Alertmanager puts in their place. */
static int
pd_details_json(const struct pagerduty_config *c, const struct notification *n,
    const struct sender_render_ctx *ctx, bool cut, struct buf *b,
    struct terr *err)
{
	if (cut)
		return buf_adds(b, ",\"custom_details\":{\"error\":\"" PD_DETAILS_CUT
		    "\"}") == -1 ? terr_set(err, "out of memory") : 0;
	if (c->ndetails == 0)
		return 0;
	if (buf_adds(b, ",\"custom_details\":{") == -1)
		return terr_set(err, "out of memory");
	for (size_t i = 0; i < c->ndetails; i++) {
		struct buf	v;
		int		rc;

		buf_init(&v, 0);
		rc = sender_render_text(ctx, n, c->details[i].key, c->details[i].value, &v, err);
		if (rc == 0 && ((i > 0 && buf_addc(b, ',') == -1) ||
		    jsonw_cstr(b, c->details[i].key) == -1 ||
		    buf_addc(b, ':') == -1 || jsonw_str(b, buf_str(&v), v.len) == -1))
			rc = terr_set(err, "out of memory");
		buf_free(&v);
		if (rc == -1)
			return -1;
	}
	return buf_addc(b, '}') == -1 ? terr_set(err, "out of memory") : 0;
}

/*
 * Go's json.Encoder on Alertmanager's pagerDutyMessage, in its field order,
 * from the member after routing_key on: "{"dedup_key":...}\n". The routing
 * key is a secret and stays out of the store; pd_send puts it first.
 */
static int
pd_json(const struct pagerduty_config *c, const struct notification *n,
    const struct sender_render_ctx *ctx, bool cut, struct buf *b,
    struct terr *err)
{
	struct buf	v;
	char		dk[65];
	size_t		i, open;
	int		rc = -1;

	buf_init(&v, 0);
	sender_group_key_hash(n->group_key, dk);
	if (buf_printf(b, "{\"dedup_key\":\"%s\",\"event_action\":\"%s\","
	    "\"payload\":{\"summary\":", dk,
	    n->status == ALERT_RESOLVED ? "resolve" : "trigger") == -1)
		goto oom;
	if (sender_render_text(ctx, n, "description", c->description, &v, err) == -1)
		goto out;
	if (sender_truncate_runes(&v, PD_SUMMARY_RUNES) == -1 ||
	    jsonw_str(b, buf_str(&v), v.len) == -1)
		goto oom;
	if (member(b, ctx, n, ",", "source", c->source, false, err) == -1 ||
	    member(b, ctx, n, ",", "severity", c->severity, false, err) == -1 ||
	    member(b, ctx, n, ",", "class", c->class, true, err) == -1 ||
	    member(b, ctx, n, ",", "component", c->component, true, err) == -1 ||
	    member(b, ctx, n, ",", "group", c->group, true, err) == -1 ||
	    pd_details_json(c, n, ctx, cut, b, err) == -1)
		goto out;
	if (buf_addc(b, '}') == -1)
		goto oom;
	if (member(b, ctx, n, ",", "client", c->client, true, err) == -1 ||
	    member(b, ctx, n, ",", "client_url", c->client_url, true, err) == -1)
		goto out;
	/* Images without a src and links without an href are dropped; an
	 * empty list is left out. */
	for (i = 0, open = 0; i < c->nimages; i++) {
		if (sender_render_text(ctx, n, "src", c->images[i].src, &v, err) == -1)
			goto out;
		if (v.len == 0)
			continue;
		if (buf_adds(b, open++ == 0 ? ",\"images\":[" : ",") == -1 ||
		    buf_adds(b, "{\"src\":") == -1 ||
		    jsonw_str(b, buf_str(&v), v.len) == -1)
			goto oom;
		if (member(b, ctx, n, ",", "alt", c->images[i].alt, false, err) == -1 ||
		    member(b, ctx, n, ",", "href", c->images[i].href, false, err) == -1)
			goto out;
		if (buf_addc(b, '}') == -1)
			goto oom;
	}
	if (open > 0 && buf_addc(b, ']') == -1)
		goto oom;
	for (i = 0, open = 0; i < c->nlinks; i++) {
		if (sender_render_text(ctx, n, "href", c->links[i].href, &v, err) == -1)
			goto out;
		if (v.len == 0)
			continue;
		if (buf_adds(b, open++ == 0 ? ",\"links\":[" : ",") == -1 ||
		    buf_adds(b, "{\"href\":") == -1 ||
		    jsonw_str(b, buf_str(&v), v.len) == -1)
			goto oom;
		if (member(b, ctx, n, ",", "text", c->links[i].text, false, err) == -1)
			goto out;
		if (buf_addc(b, '}') == -1)
			goto oom;
	}
	if (open > 0 && buf_addc(b, ']') == -1)
		goto oom;
	/* Go's json.Encoder ends the body with a newline. */
	if (buf_adds(b, "}\n") == -1)
		goto oom;
	rc = 0;
	goto out;
oom:
	terr_set(err, "out of memory");
out:
	buf_free(&v);
	return rc;
}

/* The bytes `"routing_key":"...",` take in the body sent. */
static int
pd_key_len(const struct pagerduty_config *c, size_t *len)
{
	struct buf	k;

	buf_init(&k, 0);
	if (jsonw_cstr(&k, c->routing_key != NULL ? c->routing_key : "") == -1) {
		buf_free(&k);
		return -1;
	}
	*len = strlen("\"routing_key\":,") + k.len;
	explicit_bzero(k.data, k.len);
	buf_free(&k);
	return 0;
}

/* The event for n; as Alertmanager, one over PagerDuty's size limit goes
 * out with its custom details replaced by a note. */
static int
pd_body(const void *vcfg, const struct notification *n,
    const struct sender_render_ctx *ctx, struct buf *b, struct terr *err)
{
	const struct pagerduty_config *c = vcfg;
	size_t			 klen;

	if (pd_json(c, n, ctx, false, b, err) == -1)
		return -1;
	if (pd_key_len(c, &klen) == -1)
		return terr_set(err, "out of memory");
	if (b->len + klen <= PD_MAX_EVENT)
		return 0;
	buf_reset(b);
	return pd_json(c, n, ctx, true, b, err);
}

static int
pd_render(const void *vcfg, const struct notification *n,
    const struct sender_render_ctx *ctx, struct sender_parts *out,
    struct terr *err)
{
	const struct pagerduty_config *c = vcfg;
	char			 dest[64];

	/* One destination per routing key (PagerDuty's rate limit is per
	 * integration key), named by its digest only. */
	sender_url_dest("pagerduty", c->routing_key, dest, sizeof(dest));
	if (sender_render_one(c, c->send_resolved, n, ctx, pd_body, dest, out,
	    err) == -1) {
		terr_prefix(err, "pagerduty");
		return -1;
	}
	return 0;
}

/* A 400's reason as Alertmanager's errDetails words it ("message: error,
 * error"), or "" when the body is not PagerDuty's JSON. */
static void
pd_error_details(const struct buf *body, char *out, size_t len)
{
	json_t		*root, *errs, *e;
	const char	*msg;
	size_t		 i, o;

	out[0] = '\0';
	if ((root = json_loadb(body->data, body->len, 0, NULL)) == NULL)
		return;
	if ((msg = json_string_value(json_object_get(root, "message"))) != NULL) {
		o = (size_t)snprintf(out, len, "%s:", msg);
		errs = json_object_get(root, "errors");
		json_array_foreach(errs, i, e) {
			if (o >= len || json_string_value(e) == NULL)
				break;
			o += (size_t)snprintf(out + o, len - o, "%s%s",
			    i > 0 ? "," : " ", json_string_value(e));
		}
	}
	json_decref(root);
	for (o = 0; out[o] != '\0'; o++)
		if ((unsigned char)out[o] < 0x20 || out[o] == 0x7f)
			out[o] = ' ';
}

static void
pd_send(const void *vcfg, const struct sender_send_ctx *ctx,
    const char *dest, const void *payload, size_t len,
    struct send_result *res)
{
	const struct pagerduty_config	*c = vcfg;
	struct sender_send_ctx		 own;
	struct http_response		 resp;
	struct buf			 body;
	const char			*key = c->routing_key != NULL ? c->routing_key : "";
	char				 det[200];

	(void)dest;
	buf_init(&body, 0);
	if (len < 2 || ((const char *)payload)[0] != '{' ||
	    buf_adds(&body, "{\"routing_key\":") == -1 ||
	    jsonw_cstr(&body, key) == -1 || buf_addc(&body, ',') == -1 ||
	    buf_add(&body, (const char *)payload + 1, len - 1) == -1) {
		send_result_set(res, SEND_PERMFAIL, -1, "pagerduty: %s",
		    len < 2 ? "empty payload" : "out of memory");
		goto out;
	}
	sender_ctx_timeout(&own, ctx, c->timeout_ms);
	http_response_init(&resp);
	sender_http_post("pagerduty", c->url, &c->http, &own, body.data, body.len,
	    &resp, res);
	if (resp.status == 400) {
		pd_error_details(&resp.body, det, sizeof(det));
		if (det[0] != '\0')
			send_result_set(res, SEND_PERMFAIL, -1, "pagerduty: 400 %s",
			    det);
	}
	/* PagerDuty's answers do not echo the key; a proxy's might. */
	if (key[0] != '\0' && strstr(res->reason, key) != NULL)
		send_result_set(res, res->status, res->retry_after_ms,
		    "pagerduty: %ld (answer withheld: it holds the routing key)",
		    resp.status);
	http_response_free(&resp);
out:
	explicit_bzero(body.data, body.len);
	buf_free(&body);
}

static size_t
pd_limits(const char *dest, const struct sender_limits *lim,
    struct rl_want *w, size_t max)
{
	return sender_limit_per_dest(dest,
	    &sender_limits_of(lim, &channel_pagerduty)[0], w, max);
}

/* The event's summary, as the PagerDuty incident is titled. */
static void
pd_describe(const void *payload, size_t len, char *out, size_t outlen)
{
	static const char *const paths[] = { "payload/summary", NULL };

	sender_json_describe(payload, len, paths, out, outlen);
}

const struct sender_ops sender_pagerduty_ops = {
	.name = "pagerduty",
	.render = pd_render,
	.send = pd_send,
	.limits = pd_limits,
	.describe = pd_describe,
};

/* PagerDuty's Events API v2 takes 120 events a minute per routing key
 * before it answers 429. */
static const struct channel_limit pd_rate_limits[] = {
	{ "ratelimit.pagerduty", "120/m", "Events per PagerDuty routing key." },
	{ NULL, NULL, NULL }
};

const struct channel channel_pagerduty = {
	.name = "pagerduty",
	.key = "pagerduty_configs",
	.type = &pd_type,
	.clear = pd_clear,
	.ops = &sender_pagerduty_ops,
	.limits = pd_rate_limits,
};
