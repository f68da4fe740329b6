/* sender_webhook.c: the webhook channel: webhook_configs (fields, defaults,
 * validation) and Alertmanager's webhook notifier: the v4 payload, cut to
 * max_alerts with truncatedAlerts counting the rest, to url or to the URL
 * url_file holds when the message is sent. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cfgfield.h"
#include "httpclient.h"
#include "payload.h"
#include "secretfile.h"
#include "sender.h"
#include "sender_http.h"
#include "sender_webhook.h"
#include "tmpl.h"

/* ---- webhook_configs ---- */

/* Alertmanager reads url_file on every notification, so a file that is
 * not there yet is no load error. */
static int
webhook_finish(struct cfg_load *ld, const struct cf_walk *w)
{
	struct webhook_config *c = w->obj;

	if (cfg_empty(c->url) && cfg_empty(c->url_file))
		return cfg_fail(ld, w->n, "one of url or url_file must be configured");
	if (!cfg_empty(c->url) && !cfg_empty(c->url_file))
		return cf_conflict(ld, w, "url", "url_file");
	if (cfg_empty(c->url_file)) {
		free(c->url_file);
		c->url_file = NULL;
	}
	return 0;
}

static const struct cf_field webhook_fields[] = {
	{ "send_resolved", CF_BOOL, CF_AT(webhook_config, send_resolved), .on = true },
	{ "http_config", CF_HTTP, CF_AT(webhook_config, http) },
	{ "url", CF_URL, CF_AT(webhook_config, url), .secret = true },
	{ "url_file", CF_FILE, CF_AT(webhook_config, url_file) },
	{ "max_alerts", CF_UINT, CF_AT(webhook_config, max_alerts) },
	{ "timeout", CF_GO_DURATION, CF_AT(webhook_config, timeout_ms) },
	{ .name = NULL }
};
static const struct cf_type webhook_type = { "webhook_config", webhook_fields,
    sizeof(struct webhook_config), webhook_finish };

static void
webhook_clear(void *vc)
{
	struct webhook_config *c = vc;

	http_config_clear(&c->http);
	cfg_secret_free(c->url);
	free(c->url_file);
}

/* ---- sending ---- */

static int
wh_render(const void *vcfg, const struct notification *n0,
    const struct sender_render_ctx *ctx, struct sender_parts *out,
    struct terr *err)
{
	const struct webhook_config *c = vcfg;
	const struct notification *n;
	struct notification	*own = NULL, *cut = NULL;
	char			*json = NULL, *p = NULL, dest[32], dg[17];
	size_t			 len;
	int			 rc = -1;

	if (sender_filter_resolved_view(n0, c->send_resolved, &n, &own,
	    err) == -1)
		return -1;
	if (n == NULL)
		return 0;
	if (c->max_alerts != 0 && n->nalerts > c->max_alerts) {
		/* As Alertmanager: the data is built from the first
		 * max_alerts alerts, and the rest are counted. */
		size_t	*idx, k = (size_t)c->max_alerts;

		if ((idx = calloc(k, sizeof(*idx))) == NULL) {
			terr_set(err, "out of memory");
			goto out;
		}
		for (size_t i = 0; i < k; i++)
			idx[i] = i;
		cut = notification_subset(n, idx, k, n->receiver);
		free(idx);
		if (cut == NULL) {
			terr_set(err, "out of memory");
			goto out;
		}
		cut->truncated_alerts = (int64_t)(n->nalerts - k);
		n = cut;
	}
	/* The body is template.Data as the release the templates follow
	 * has it: 0.34 added notification_reason and routeLabels. */
	json = ctx->tmpl != NULL &&
	    tmpl_set_get_am_version(ctx->tmpl) == TMPL_AM_0_25 ?
	    payload_to_json(n, err) : payload_to_json_034(n, err);
	if (json == NULL)
		goto out;
	/* Go's json.Encoder ends the body with a newline. */
	len = strlen(json);
	if ((p = malloc(len + 2)) == NULL) {
		terr_set(err, "out of memory");
		goto out;
	}
	memcpy(p, json, len);
	p[len] = '\n';
	p[len + 1] = '\0';
	/* A url_file's messages share one destination, whatever it holds. */
	sender_url_digest(c->url_file != NULL ? c->url_file : c->url, dg);
	snprintf(dest, sizeof(dest), "webhook:%s", dg);
	rc = sender_parts_add(out, dest, p, len + 1, err);
out:
	free(json);
	notification_free(cut);
	notification_free(own);
	return rc;
}

static void
wh_send(const void *vcfg, const struct sender_send_ctx *ctx, const char *dest,
    const void *payload, size_t len, struct send_result *res)
{
	const struct webhook_config	*c = vcfg;
	struct sender_send_ctx		 own;
	struct http_response		 resp;
	struct terr			 err;
	char				*url = NULL;

	(void)dest;
	/* Alertmanager gives up on an unreadable or empty url_file; here the
	 * message waits in the queue until the file is fixed. */
	if (c->url_file != NULL) {
		if (secretfile_read("url_file", c->url_file, &url, &err) == -1) {
			send_result_set(res, SEND_TEMPFAIL, -1, "webhook: %s", err.msg);
			return;
		}
		if (url[0] == '\0') {
			send_result_set(res, SEND_TEMPFAIL, -1, "webhook: url_file "
			    "\"%s\" is empty", c->url_file);
			free(url);
			return;
		}
	}
	sender_ctx_timeout(&own, ctx, c->timeout_ms);
	http_response_init(&resp);
	sender_http_post("webhook", url != NULL ? url : c->url, &c->http, &own,
	    payload, len, &resp, res);
	http_response_free(&resp);
	cfg_secret_free(url);
}

static size_t
wh_limits(const char *dest, const struct sender_limits *lim,
    struct rl_want *w, size_t max)
{
	return sender_limit_per_dest(dest,
	    &sender_limits_of(lim, &channel_webhook)[0], w, max);
}

/* The alert names of the forwarded notification, each once, in order. */
static void
wh_describe(const void *payload, size_t len, char *out, size_t outlen)
{
	struct notification	*n;
	struct terr		 err;
	struct buf		 b;
	const char		*name;
	size_t			 i, k;

	out[0] = '\0';
	if ((n = payload_parse(payload, len, &err)) == NULL)
		return;
	buf_init(&b, 0);
	for (i = 0; i < n->nalerts; i++) {
		if ((name = kv_get(&n->alerts[i].labels, "alertname")) == NULL)
			continue;
		for (k = 0; k < i; k++)
			if (kv_get(&n->alerts[k].labels, "alertname") != NULL &&
			    strcmp(kv_get(&n->alerts[k].labels, "alertname"), name) == 0)
				break;
		if (k < i)
			continue;
		if ((b.len > 0 && buf_adds(&b, ", ") == -1) || buf_adds(&b, name) == -1)
			goto out;
	}
	if (b.len > 0)
		sender_first_line(buf_str(&b), b.len, out, outlen);
 out:
	buf_free(&b);
	notification_free(n);
}

const struct sender_ops sender_webhook_ops = {
	.name = "webhook",
	.render = wh_render,
	.send = wh_send,
	.limits = wh_limits,
	.describe = wh_describe,
};

static const struct channel_limit webhook_rate_limits[] = {
	{ "ratelimit.webhook", "1/s", "Messages per webhook URL." },
	{ NULL, NULL, NULL }
};

const struct channel channel_webhook = {
	.name = "webhook",
	.key = "webhook_configs",
	.type = &webhook_type,
	.clear = webhook_clear,
	.ops = &sender_webhook_ops,
	.limits = webhook_rate_limits,
};
