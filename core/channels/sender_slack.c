/* sender_slack.c: the slack channel: slack_configs (fields, defaults,
 * validation), Slack incoming webhooks with the attachment JSON
 * Alertmanager's slack notifier builds, and Slack's error strings
 * classified. */
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
#include "sender_slack.h"
#include "tmpl.h"

/* ---- slack_configs ---- */

static int
slack_field_finish(struct cfg_load *ld, const struct cf_walk *w)
{
	((struct slack_field *)w->obj)->has_short = cf_given(w, "short") != NULL;
	return 0;
}

static const struct cf_field slack_field_fields[] = {
	{ "title", CF_STR, CF_AT(slack_field, title),
	    .missing = "missing title in Slack field configuration" },
	{ "value", CF_STR, CF_AT(slack_field, value),
	    .missing = "missing value in Slack field configuration" },
	{ "short", CF_BOOL, CF_AT(slack_field, is_short) },
	{ .name = NULL }
};
static const struct cf_type slack_field_type = { "slack field", slack_field_fields,
    sizeof(struct slack_field), slack_field_finish };

static const struct cf_field slack_confirm_fields[] = {
	{ "text", CF_STR, CF_AT(slack_confirm, text),
	    .missing = "missing text in Slack confirmation configuration" },
	{ "title", CF_STR, CF_AT(slack_confirm, title) },
	{ "ok_text", CF_STR, CF_AT(slack_confirm, ok_text) },
	{ "dismiss_text", CF_STR, CF_AT(slack_confirm, dismiss_text) },
	{ .name = NULL }
};
static const struct cf_type slack_confirm_type = { "confirm", slack_confirm_fields,
    0, NULL };

static void
slack_confirm_free(struct slack_confirm *c)
{
	if (c == NULL)
		return;
	free(c->text);
	free(c->title);
	free(c->ok_text);
	free(c->dismiss_text);
	free(c);
}

/* Absent or null: no confirmation (NULL). */
static int
slack_confirm(struct cfg_load *ld, const struct ynode *k, const struct ynode *v,
    void *obj)
{
	struct slack_action *a = obj;

	if (ynode_is_null(v))
		return 0;
	if ((a->confirm = calloc(1, sizeof(*a->confirm))) == NULL)
		return cfg_fail(ld, v, "out of memory");
	return cf_parse(ld, v, &slack_confirm_type, a->confirm);
}

static int
slack_action_finish(struct cfg_load *ld, const struct cf_walk *w)
{
	struct slack_action *a = w->obj;

	if (cfg_empty(a->url)) {
		if (cfg_empty(a->name))
			return cfg_fail(ld, w->n, "missing name or url in Slack action "
			    "configuration");
		return 0;
	}
	/* A link button carries no message-action fields. */
	free(a->name);
	free(a->value);
	a->name = a->value = NULL;
	slack_confirm_free(a->confirm);
	a->confirm = NULL;
	return 0;
}

static const struct cf_field slack_action_fields[] = {
	{ "type", CF_STR, CF_AT(slack_action, type),
	    .missing = "missing type in Slack action configuration" },
	{ "text", CF_STR, CF_AT(slack_action, text),
	    .missing = "missing text in Slack action configuration" },
	{ "url", CF_STR, CF_AT(slack_action, url) },
	{ "style", CF_STR, CF_AT(slack_action, style) },
	{ "name", CF_STR, CF_AT(slack_action, name) },
	{ "value", CF_STR, CF_AT(slack_action, value) },
	{ "confirm", CF_CUSTOM, .parse = slack_confirm },
	{ .name = NULL }
};
static const struct cf_type slack_action_type = { "slack action",
    slack_action_fields, sizeof(struct slack_action), slack_action_finish };

static int
slack_finish(struct cfg_load *ld, const struct cf_walk *w)
{
	struct slack_config *c = w->obj;
	const struct cfg_global *g = &ld->global;

	if (c->api_url != NULL && c->api_url_file != NULL)
		return cf_conflict(ld, w, "api_url", "api_url_file");
	/* Only a missing global URL fails: one read from an empty
	 * slack_api_url_file is "" and counts as set. */
	if (c->api_url == NULL && c->api_url_file == NULL && g->slack_api_url == NULL)
		return cfg_late(ld, w->n, "no global Slack API URL set either inline "
		    "or in a file");
	return cf_secret(ld, w, "api_url_file", &c->api_url, &c->api_url_file,
	    g->slack_api_url, g->slack_api_url_file);
}

#define SLACK_DEFAULT(name)	"{{ template \"slack.default." name "\" . }}"

static const struct cf_field slack_fields[] = {
	{ "send_resolved", CF_BOOL, CF_AT(slack_config, send_resolved) },
	{ "http_config", CF_HTTP, CF_AT(slack_config, http) },
	{ "api_url", CF_URL, CF_AT(slack_config, api_url), .secret = true },
	{ "api_url_file", CF_FILE, CF_AT(slack_config, api_url_file) },
	{ "channel", CF_STR, CF_AT(slack_config, channel) },
	{ "username", CF_STR, CF_AT(slack_config, username),
	    .def = SLACK_DEFAULT("username") },
	{ "color", CF_STR, CF_AT(slack_config, color),
	    .def = "{{ if eq .Status \"firing\" }}danger{{ else }}good{{ end }}" },
	{ "title", CF_STR, CF_AT(slack_config, title), .def = SLACK_DEFAULT("title") },
	{ "title_link", CF_STR, CF_AT(slack_config, title_link),
	    .def = SLACK_DEFAULT("titlelink") },
	{ "pretext", CF_STR, CF_AT(slack_config, pretext),
	    .def = SLACK_DEFAULT("pretext") },
	{ "text", CF_STR, CF_AT(slack_config, text), .def = SLACK_DEFAULT("text") },
	{ "fields", CF_TABLE_LIST, CF_AT(slack_config, fields),
	    CF_COUNT(slack_config, nfields), .sub = &slack_field_type },
	{ "short_fields", CF_BOOL, CF_AT(slack_config, short_fields) },
	{ "footer", CF_STR, CF_AT(slack_config, footer), .def = SLACK_DEFAULT("footer") },
	{ "fallback", CF_STR, CF_AT(slack_config, fallback),
	    .def = SLACK_DEFAULT("fallback") },
	{ "callback_id", CF_STR, CF_AT(slack_config, callback_id),
	    .def = SLACK_DEFAULT("callbackid") },
	{ "icon_emoji", CF_STR, CF_AT(slack_config, icon_emoji),
	    .def = SLACK_DEFAULT("iconemoji") },
	{ "icon_url", CF_STR, CF_AT(slack_config, icon_url),
	    .def = SLACK_DEFAULT("iconurl") },
	{ "image_url", CF_STR, CF_AT(slack_config, image_url) },
	{ "thumb_url", CF_STR, CF_AT(slack_config, thumb_url) },
	{ "link_names", CF_BOOL, CF_AT(slack_config, link_names) },
	{ "mrkdwn_in", CF_STR_LIST, CF_AT(slack_config, mrkdwn_in),
	    CF_COUNT(slack_config, nmrkdwn_in) },
	{ "actions", CF_TABLE_LIST, CF_AT(slack_config, actions),
	    CF_COUNT(slack_config, nactions), .sub = &slack_action_type },
	{ .name = NULL }
};
static const struct cf_type slack_type = { "slack_config", slack_fields,
    sizeof(struct slack_config), slack_finish };

static void
slack_clear(void *vc)
{
	struct slack_config *c = vc;

	size_t	 i;

	http_config_clear(&c->http);
	cfg_secret_free(c->api_url);
	free(c->api_url_file);
	free(c->channel);
	free(c->username);
	free(c->color);
	free(c->title);
	free(c->title_link);
	free(c->pretext);
	free(c->text);
	for (i = 0; i < c->nfields; i++) {
		free(c->fields[i].title);
		free(c->fields[i].value);
	}
	free(c->fields);
	free(c->footer);
	free(c->fallback);
	free(c->callback_id);
	free(c->icon_emoji);
	free(c->icon_url);
	free(c->image_url);
	free(c->thumb_url);
	for (i = 0; i < c->nmrkdwn_in; i++)
		free(c->mrkdwn_in[i]);
	free(c->mrkdwn_in);
	for (i = 0; i < c->nactions; i++) {
		struct slack_action *a = &c->actions[i];

		free(a->type);
		free(a->text);
		free(a->url);
		free(a->style);
		free(a->name);
		free(a->value);
		slack_confirm_free(a->confirm);
	}
	free(c->actions);
}

/* ---- sending ---- */

/* ,"key":"rendered" -- always, or only when not empty (Go's omitempty). */
static int
field(struct buf *b, const struct sender_render_ctx *ctx,
    const struct notification *n, const char *key, const char *t,
    bool omitempty, bool first, struct terr *err)
{
	struct buf	v;
	int		rc = -1;

	buf_init(&v, 0);
	if (sender_render_text(ctx, n, key, t, &v, err) == -1)
		goto out;
	if (omitempty && v.len == 0) {
		rc = 0;
		goto out;
	}
	if (buf_printf(b, "%s\"%s\":", first ? "" : ",", key) == -1 ||
	    jsonw_str(b, buf_str(&v), v.len) == -1) {
		terr_set(err, "out of memory");
		goto out;
	}
	rc = 0;
out:
	buf_free(&v);
	return rc;
}

static int
slack_json(const void *vcfg, const struct notification *n,
    const struct sender_render_ctx *ctx, struct buf *b, struct terr *err)
{
	const struct slack_config *c = vcfg;
	struct buf	v;
	int		rc = -1;

	buf_init(&v, 0);
	/* type request: channel, username, icon_emoji, icon_url (omitempty),
	 * link_names (omitempty), attachments. */
	if (buf_addc(b, '{') == -1)
		goto oom;
	if (field(b, ctx, n, "channel", c->channel, true, true, err) == -1)
		goto out;
	if (field(b, ctx, n, "username", c->username, true, b->len == 1, err) == -1 ||
	    field(b, ctx, n, "icon_emoji", c->icon_emoji, true, b->len == 1, err) == -1 ||
	    field(b, ctx, n, "icon_url", c->icon_url, true, b->len == 1, err) == -1)
		goto out;
	if (c->link_names && buf_printf(b, "%s\"link_names\":true",
	    b->len == 1 ? "" : ",") == -1)
		goto oom;
	if (buf_printf(b, "%s\"attachments\":[{", b->len == 1 ? "" : ",") == -1)
		goto oom;
	/* type attachment, in its field order. The title is cut to 1024
	 * runes, the last one an ellipsis, as Alertmanager does. */
	if (sender_render_text(ctx, n, "title", c->title, &v, err) == -1)
		goto out;
	if (sender_truncate_runes(&v, 1024) == -1)
		goto oom;
	if (v.len > 0 && (buf_adds(b, "\"title\":") == -1 ||
	    jsonw_str(b, buf_str(&v), v.len) == -1))
		goto oom;
	{
		bool f = b->data[b->len - 1] == '{';

		if (field(b, ctx, n, "title_link", c->title_link, true, f, err) == -1)
			goto out;
		f = b->data[b->len - 1] == '{';
		if (field(b, ctx, n, "pretext", c->pretext, true, f, err) == -1)
			goto out;
		f = b->data[b->len - 1] == '{';
		if (field(b, ctx, n, "text", c->text, false, f, err) == -1)
			goto out;
	}
	if (field(b, ctx, n, "fallback", c->fallback, false, false, err) == -1 ||
	    field(b, ctx, n, "callback_id", c->callback_id, false, false, err) == -1)
		goto out;
	if (c->nfields > 0) {
		if (buf_adds(b, ",\"fields\":[") == -1)
			goto oom;
		for (size_t i = 0; i < c->nfields; i++) {
			const struct slack_field *f = &c->fields[i];
			bool short_ = f->has_short ? f->is_short : c->short_fields;

			if (buf_adds(b, i ? ",{" : "{") == -1)
				goto oom;
			if (field(b, ctx, n, "title", f->title, false, true, err) == -1 ||
			    field(b, ctx, n, "value", f->value, false, false, err) == -1)
				goto out;
			if (buf_printf(b, ",\"short\":%s}", short_ ? "true" : "false") == -1)
				goto oom;
		}
		if (buf_addc(b, ']') == -1)
			goto oom;
	}
	if (c->nactions > 0) {
		if (buf_adds(b, ",\"actions\":[") == -1)
			goto oom;
		for (size_t i = 0; i < c->nactions; i++) {
			const struct slack_action *a = &c->actions[i];
			size_t open;

			if (buf_adds(b, i ? ",{" : "{") == -1)
				goto oom;
			open = b->len;
			if (field(b, ctx, n, "type", a->type, true, true, err) == -1 ||
			    field(b, ctx, n, "text", a->text, true, b->len == open, err) == -1 ||
			    field(b, ctx, n, "url", a->url, true, b->len == open, err) == -1 ||
			    field(b, ctx, n, "style", a->style, true, b->len == open, err) == -1 ||
			    field(b, ctx, n, "name", a->name, true, b->len == open, err) == -1 ||
			    field(b, ctx, n, "value", a->value, true, b->len == open, err) == -1)
				goto out;
			if (a->confirm != NULL) {
				if (buf_printf(b, "%s\"confirm\":{", b->len == open ? "" : ",") == -1)
					goto oom;
				size_t copen = b->len;

				/* Every confirm field is omitempty. */
				if (field(b, ctx, n, "text", a->confirm->text, true, true, err) == -1 ||
				    field(b, ctx, n, "title", a->confirm->title, true, b->len == copen, err) == -1 ||
				    field(b, ctx, n, "ok_text", a->confirm->ok_text, true, b->len == copen, err) == -1 ||
				    field(b, ctx, n, "dismiss_text", a->confirm->dismiss_text, true, b->len == copen, err) == -1)
					goto out;
				if (buf_addc(b, '}') == -1)
					goto oom;
			}
			if (buf_addc(b, '}') == -1)
				goto oom;
		}
		if (buf_addc(b, ']') == -1)
			goto oom;
	}
	if (field(b, ctx, n, "image_url", c->image_url, true, false, err) == -1 ||
	    field(b, ctx, n, "thumb_url", c->thumb_url, true, false, err) == -1 ||
	    field(b, ctx, n, "footer", c->footer, false, false, err) == -1 ||
	    field(b, ctx, n, "color", c->color, true, false, err) == -1)
		goto out;
	if (buf_adds(b, ",\"mrkdwn_in\":[") == -1)
		goto oom;
	if (c->nmrkdwn_in == 0) {
		if (buf_adds(b, "\"fallback\",\"pretext\",\"text\"") == -1)
			goto oom;
	} else
		for (size_t i = 0; i < c->nmrkdwn_in; i++)
			if ((i && buf_addc(b, ',') == -1) ||
			    jsonw_cstr(b, c->mrkdwn_in[i]) == -1)
				goto oom;
	/* Go's json.Encoder ends the body with a newline. */
	if (buf_adds(b, "]}]}\n") == -1)
		goto oom;
	rc = 0;
	goto out;
oom:
	terr_set(err, "out of memory");
out:
	buf_free(&v);
	if (rc == -1)
		terr_prefix(err, "slack");
	return rc;
}

static int
slack_render(const void *vcfg, const struct notification *n,
    const struct sender_render_ctx *ctx, struct sender_parts *out,
    struct terr *err)
{
	const struct slack_config *c = vcfg;
	char			 dest[64];

	sender_url_dest("slack", c->api_url, dest, sizeof(dest));
	return sender_render_one(c, c->send_resolved, n, ctx, slack_json, dest, out,
	    err);
}

static void
slack_send(const void *vcfg, const struct sender_send_ctx *ctx,
    const char *dest, const void *payload, size_t len, struct send_result *res)
{
	const struct slack_config	*c = vcfg;
	struct http_response		 resp;
	static const char		*perm[] = {
		"invalid_payload", "no_text", "channel_not_found",
		"invalid_token", "action_prohibited", "channel_is_archived",
		"no_service", "posting_to_general_channel_denied",
		"too_many_attachments", "user_not_found",
	};
	const char			*body;

	(void)dest;
	http_response_init(&resp);
	sender_http_post("slack", c->api_url, &c->http, ctx, payload, len,
	    &resp, res);
	body = buf_str(&resp.body);
	if (res->status == SEND_OK && strcmp(body, "ok") != 0 &&
	    !(body[0] == '{' && strstr(body, "\"ok\":true") != NULL)) {
		/* Slack answers 2xx with an error in the body in some cases
		 * (text for webhooks, {"ok":false} for the Web API); as in
		 * Alertmanager that is not retried. */
		send_result_set(res, SEND_PERMFAIL, -1, "slack: %ld %.100s",
		    resp.status, body);
	}
	if (resp.status != 0 && res->status != SEND_OK) {
		if (strcmp(body, "rate_limited") == 0)
			res->status = SEND_TEMPFAIL;
		else if (strcmp(body, "rollup_error") == 0) {
			res->status = SEND_TEMPFAIL;
			res->retry_after_ms = -1;
		} else
			for (size_t i = 0; i < sizeof(perm) / sizeof(perm[0]); i++)
				if (strcmp(body, perm[i]) == 0) {
					res->status = SEND_PERMFAIL;
					res->retry_after_ms = -1;
				}
	}
	http_response_free(&resp);
}

static size_t
slack_limits(const char *dest, const struct sender_limits *lim,
    struct rl_want *w, size_t max)
{
	return sender_limit_per_dest(dest,
	    &sender_limits_of(lim, &channel_slack)[0], w, max);
}

/* The first attachment's title (else its fallback, else the message's
 * text), with Slack's three escapes undone. */
static void
slack_describe(const void *payload, size_t len, char *out, size_t outlen)
{
	static const char *const keys[] = { "title", "fallback", "text" };
	json_t		*root, *att;
	const char	*s = NULL;
	char		*w;
	size_t		 i;

	out[0] = '\0';
	if ((root = json_loadb(payload, len, 0, NULL)) == NULL)
		return;
	att = json_array_get(json_object_get(root, "attachments"), 0);
	for (i = 0; i < sizeof(keys) / sizeof(keys[0]) && (s == NULL || *s == '\0'); i++)
		s = json_string_value(json_object_get(att, keys[i]));
	if (s == NULL || *s == '\0')
		s = json_string_value(json_object_get(root, "text"));
	if (s != NULL) {
		sender_first_line(s, strlen(s), out, outlen);
		/* In place: each escape is longer than what it stands for. */
		for (w = out, s = out; *s != '\0'; w++) {
			if (strncmp(s, "&amp;", 5) == 0) {
				*w = '&';
				s += 5;
			} else if (strncmp(s, "&lt;", 4) == 0) {
				*w = '<';
				s += 4;
			} else if (strncmp(s, "&gt;", 4) == 0) {
				*w = '>';
				s += 4;
			} else
				*w = *s++;
		}
		*w = '\0';
	}
	json_decref(root);
}

const struct sender_ops sender_slack_ops = {
	.name = "slack",
	.render = slack_render,
	.send = slack_send,
	.limits = slack_limits,
	.describe = slack_describe,
};

static const struct channel_limit slack_rate_limits[] = {
	{ "ratelimit.slack", "1/s", "Messages per Slack webhook URL." },
	{ NULL, NULL, NULL }
};

const struct channel channel_slack = {
	.name = "slack",
	.key = "slack_configs",
	.type = &slack_type,
	.clear = slack_clear,
	.ops = &sender_slack_ops,
	.limits = slack_rate_limits,
};
