/* sender_slack.c: the slack channel: slack_configs (fields, defaults,
 * validation), Slack incoming webhooks with the attachment JSON
 * Alertmanager's slack notifier builds, Slack's error strings classified,
 * and update_message, whose later notifications of a group edit its first
 * message through the Web API's chat.update. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "buf.h"
#include "cfgfield.h"
#include "httpclient.h"
#include "jsonw.h"
#include "link_actions.h"
#include "log.h"
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

/* With an app token (own or global), Alertmanager posts to app_url with
 * the token as the http_config's bearer authorization. */
static int
slack_use_token(struct cfg_load *ld, const struct cf_walk *w, const char *token,
    const char *file)
{
	struct slack_config *c = w->obj;
	const struct ynode *h = cf_value(w, "http_config");

	if (c->http.authorization_type != NULL)
		return cfg_fail(ld, h != NULL ? h : w->n, "http authorization "
		    "can't be set when using Slack App tokens");
	if (c->app_token != token) {
		cfg_secret_free(c->app_token);	/* "" when given so */
		if (cfg_dup(&c->app_token, token) == -1)
			return cfg_fail(ld, w->n, "out of memory");
	}
	if (file != NULL && cfg_read_secret(ld, "app_token_file",
	    cf_value(w, "app_token_file") != NULL ? cf_value(w, "app_token_file") :
	    w->n, file, &c->app_token) == -1)
		return -1;
	cfg_secret_free(c->api_url);
	cfg_secret_free(c->http.authorization_credentials);
	c->api_url = c->http.authorization_credentials = NULL;
	if ((c->http.authorization_type = strdup("Bearer")) == NULL ||
	    cfg_dup(&c->http.authorization_credentials, c->app_token) == -1 ||
	    cfg_dup(&c->api_url, c->app_url) == -1)
		return cfg_fail(ld, w->n, "out of memory");
	return 0;
}

/* Alertmanager 0.34's order: the conflicts of the section, then what
 * Config.UnmarshalYAML checks and takes from global. */
static int
slack_finish_urls(struct cfg_load *ld, const struct cf_walk *w)
{
	struct slack_config *c = w->obj;
	const struct cfg_global *g = &ld->global;
	bool	 own_url, own_token, own_authz;

	if (c->api_url != NULL && c->api_url_file != NULL)
		return cf_conflict(ld, w, "api_url", "api_url_file");
	if (!cfg_empty(c->app_token) && c->app_token_file != NULL)
		return cf_conflict(ld, w, "app_token", "app_token_file");
	own_url = c->api_url != NULL || c->api_url_file != NULL;
	own_token = !cfg_empty(c->app_token) || c->app_token_file != NULL;
	if (own_url && own_token)
		return cfg_fail(ld, cf_value(w, cfg_empty(c->app_token) ?
		    "app_token_file" : "app_token"), "at most one of "
		    "api_url/api_url_file & app_token/app_token_file must be "
		    "configured");
	if (cf_inherit(ld, w) == -1)
		return -1;
	if (c->app_url == NULL)
		return cfg_fail(ld, w->n, "no global Slack App URL set");
	if (own_token)
		return slack_use_token(ld, w, c->app_token, c->app_token_file);
	/* The global token only where neither a URL given inline nor an
	 * authorization of the section's own says otherwise. */
	own_authz = cf_given(w, "http_config") != NULL &&
	    c->http.authorization_type != NULL;
	if (!own_authz && c->api_url == NULL && (!cfg_empty(g->slack_app_token) ||
	    g->slack_app_token_file != NULL))
		return slack_use_token(ld, w, g->slack_app_token, NULL);
	/* Only a missing global URL fails: one read from an empty
	 * slack_api_url_file is "" and counts as set. */
	if (c->api_url == NULL && c->api_url_file == NULL && g->slack_api_url == NULL)
		return cfg_late(ld, w->n, "no Slack API URL nor App token set "
		    "either inline or in a file");
	return cf_secret(ld, w, "api_url_file", &c->api_url, &c->api_url_file,
	    g->slack_api_url, g->slack_api_url_file);
}

#define SLACK_POST	"/chat.postMessage"
#define SLACK_UPDATE	"chat.update"

/* Whether url is a Web API chat.postMessage URL, whose chat.update
 * update_message posts to. */
static bool
slack_post_url(const char *url)
{
	size_t	 n = url != NULL ? strlen(url) : 0;

	return n > strlen(SLACK_POST) &&
	    strcmp(url + n - strlen(SLACK_POST), SLACK_POST) == 0;
}

/*
 * update_message needs the Web API: an incoming webhook cannot edit what it
 * posted. Alertmanager 0.34 accepts only an inline api_url of exactly
 * https://slack.com/api/chat.postMessage (and posts the edits to
 * https://slack.com/api/chat.update); tocsin takes any URL that ends in
 * /chat.postMessage once global and app tokens are applied, app_url
 * included, and edits through the same URL with chat.update in its place,
 * so that a proxy (or a test's fake) sees both calls.
 */
static int
slack_finish(struct cfg_load *ld, const struct cf_walk *w)
{
	const struct slack_config *c = w->obj;

	if (slack_finish_urls(ld, w) == -1)
		return -1;
	if (c->update_message && !slack_post_url(c->api_url))
		return cfg_fail(ld, cf_value(w, "update_message"), "update_message "
		    "can only be used with bot tokens. api_url must be set to "
		    "https://slack.com/api/chat.postMessage");
	return 0;
}

#define SLACK_DEFAULT(name)	"{{ template \"slack.default." name "\" . }}"

static const struct cf_field slack_fields[] = {
	{ "send_resolved", CF_BOOL, CF_AT(slack_config, send_resolved) },
	{ "http_config", CF_HTTP, CF_AT(slack_config, http) },
	{ "api_url", CF_URL, CF_AT(slack_config, api_url), .secret = true },
	{ "api_url_file", CF_FILE, CF_AT(slack_config, api_url_file) },
	{ "app_token", CF_STR, CF_AT(slack_config, app_token), .secret = true },
	{ "app_token_file", CF_FILE, CF_AT(slack_config, app_token_file) },
	{ "app_url", CF_URL, CF_AT(slack_config, app_url), CF_GLOBAL(slack_app_url) },
	{ "channel", CF_STR, CF_AT(slack_config, channel) },
	{ "username", CF_STR, CF_AT(slack_config, username),
	    .def = SLACK_DEFAULT("username") },
	{ "color", CF_STR, CF_AT(slack_config, color),
	    .def = SLACK_DEFAULT("color") },
	{ "title", CF_STR, CF_AT(slack_config, title), .def = SLACK_DEFAULT("title") },
	{ "title_link", CF_STR, CF_AT(slack_config, title_link),
	    .def = SLACK_DEFAULT("titlelink") },
	{ "pretext", CF_STR, CF_AT(slack_config, pretext),
	    .def = SLACK_DEFAULT("pretext") },
	{ "text", CF_STR, CF_AT(slack_config, text), .def = SLACK_DEFAULT("text") },
	{ "message_text", CF_STR, CF_AT(slack_config, message_text) },
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
	{ "update_message", CF_BOOL, CF_AT(slack_config, update_message) },
	{ "timeout", CF_GO_DURATION, CF_AT(slack_config, timeout_ms) },
	/* tocsin: `actions` is Alertmanager's own buttons. */
	{ "link_actions", CF_TABLE, CF_AT(slack_config, link_actions),
	    .sub = &link_actions_slack_type },
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
	cfg_secret_free(c->app_token);
	free(c->app_token_file);
	free(c->app_url);
	free(c->channel);
	free(c->username);
	free(c->color);
	free(c->title);
	free(c->title_link);
	free(c->pretext);
	free(c->text);
	free(c->message_text);
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
	tga_clear(&c->link_actions);
}

static const struct tg_actions *
slack_links(const void *vc)
{
	return &((const struct slack_config *)vc)->link_actions;
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
	 * link_names (omitempty), text (message_text, omitempty),
	 * attachments. */
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
	if (field(b, ctx, n, "text", c->message_text, true, b->len == 1, err) == -1)
		goto out;
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
	if (c->nactions > 0 || n->nlinks > 0) {
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
		/* The action links, as link buttons after the configured
		 * ones: opening one shows its confirmation page. */
		for (size_t i = 0; i < n->nlinks; i++)
			if (buf_adds(b, c->nactions + i > 0 ? ",{" : "{") == -1 ||
			    buf_adds(b, "\"type\":\"button\",\"text\":") == -1 ||
			    jsonw_cstr(b, n->links[i].name) == -1 ||
			    buf_adds(b, ",\"url\":") == -1 ||
			    jsonw_cstr(b, n->links[i].url) == -1 ||
			    buf_addc(b, '}') == -1)
				goto oom;
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

/*
 * update_message: what the send needs besides the body, on a line after it
 * (Go's encoder ends the body with its only raw newline):
 * {"tocsin_group":{"key":"<group key>","status":"firing"}}; the send strips
 * it. "send":false marks a resolved notification the config does not send
 * (send_resolved false): it only ends the group's message, as Alertmanager's
 * notification log forgets a resolved group, so that the group firing anew
 * posts a new message instead of editing one far up the channel.
 */
static int
slack_group_line(struct buf *b, const struct notification *n, bool send)
{
	if (buf_adds(b, "{\"tocsin_group\":{\"key\":") == -1 ||
	    jsonw_cstr(b, n->group_key != NULL ? n->group_key : "") == -1 ||
	    buf_printf(b, ",\"status\":\"%s\"%s}}", n->status == ALERT_RESOLVED ?
	    "resolved" : "firing", send ? "" : ",\"send\":false") == -1)
		return -1;
	return 0;
}

static int
slack_body(const void *vcfg, const struct notification *n,
    const struct sender_render_ctx *ctx, struct buf *b, struct terr *err)
{
	const struct slack_config *c = vcfg;

	if (slack_json(vcfg, n, ctx, b, err) == -1)
		return -1;
	/* A repeat of the escalate extension is to ring again: it goes out
	 * as a new message and leaves the group's alone. */
	if (c->update_message && !ctx->reply && slack_group_line(b, n, true) == -1)
		return terr_set(err, "slack: out of memory");
	return 0;
}

/* The part of a resolved notification that only ends its group's message:
 * an empty body and the group line. */
static int
slack_end_only(const struct notification *n, const char *dest,
    struct sender_parts *out, struct terr *err)
{
	struct buf	 b;
	char		*p;

	buf_init(&b, 0);
	if (buf_addc(&b, '\n') == -1 || slack_group_line(&b, n, false) == -1 ||
	    (p = buf_steal(&b)) == NULL) {
		buf_free(&b);
		return terr_set(err, "slack: out of memory");
	}
	return sender_parts_add(out, dest, p, strlen(p), err);
}

static int
slack_render(const void *vcfg, const struct notification *n,
    const struct sender_render_ctx *ctx, struct sender_parts *out,
    struct terr *err)
{
	const struct slack_config *c = vcfg;
	char			 dest[64];
	struct buf		 key;

	/* One bucket per webhook URL; through the Web API, where Slack
	 * limits each channel, one per app token and channel. */
	buf_init(&key, 0);
	if (c->app_token != NULL && (buf_printf(&key, "%s\n%s\n%s", c->api_url,
	    c->app_token, c->channel != NULL ? c->channel : "") == -1)) {
		buf_free(&key);
		return terr_set(err, "slack: out of memory");
	}
	sender_url_dest("slack", key.len > 0 ? buf_str(&key) : c->api_url, dest,
	    sizeof(dest));
	if (key.data != NULL)
		explicit_bzero(key.data, key.len);
	buf_free(&key);
	if (c->update_message && !c->send_resolved && n->status == ALERT_RESOLVED)
		return slack_end_only(n, dest, out, err);
	return sender_render_one_links(c, c->send_resolved, &c->link_actions, n,
	    ctx, slack_body, dest, out, err);
}

/* The Web API's errors that say "try again later"; Alertmanager retries no
 * {"ok":false} answer, tocsin these. */
static bool
slack_api_transient(const char *e)
{
	static const char *const words[] = { "ratelimited", "service_unavailable",
	    "internal_error", "fatal_error", "request_timeout" };

	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (strcmp(e, words[i]) == 0)
			return true;
	return false;
}

/* Where a Web API call put its message: the channel's id and the
 * message's ts, from an {"ok":true} answer ("" when it did not say). */
struct slack_posted {
	char	 channel[64];
	char	 ts[64];
};

/* A string of at most len-1 printable ASCII bytes, else "": ids and
 * timestamps only, nothing to escape when they are stored or logged. */
static void
slack_word(json_t *v, char *out, size_t len)
{
	const char	*s = json_string_value(v);
	size_t		 i;

	out[0] = '\0';
	if (s == NULL || strlen(s) >= len)
		return;
	for (i = 0; s[i] != '\0'; i++)
		if (s[i] <= ' ' || s[i] >= 0x7f)
			return;
	memcpy(out, s, i + 1);
}

/* A Web API answer (chat.postMessage, chat.update): {"ok":true,...} or
 * {"ok":false,"error":"invalid_auth"}, HTTP 200 either way but for 429
 * ratelimited (with Retry-After) and server errors, which the status has
 * classified already. Returns false when the body is no such object;
 * posted (may be NULL) gets where an ok answer put the message. */
static bool
slack_api_answer(const struct http_response *resp, struct send_result *res,
    struct slack_posted *posted)
{
	json_t		*root;
	const char	*e;
	char		 word[64];
	size_t		 i;

	if ((root = json_loadb(resp->body.data, resp->body.len, 0, NULL)) == NULL)
		return false;
	if (!json_is_object(root) || !json_is_boolean(json_object_get(root, "ok"))) {
		json_decref(root);
		return false;
	}
	e = json_string_value(json_object_get(root, "error"));
	for (i = 0; e != NULL && e[i] != '\0' && i + 1 < sizeof(word); i++)
		word[i] = e[i] > ' ' && e[i] < 0x7f ? e[i] : '?';
	word[i] = '\0';
	if (res->status == SEND_OK && !json_is_true(json_object_get(root, "ok")))
		send_result_set(res, slack_api_transient(word) ? SEND_TEMPFAIL :
		    SEND_PERMFAIL, -1, "slack: %ld %s", resp->status,
		    word[0] != '\0' ? word : "ok:false");
	else if (res->status != SEND_OK && word[0] != '\0')
		snprintf(res->reason, sizeof(res->reason), "slack: %ld %s",
		    resp->status, word);
	if (posted != NULL && res->status == SEND_OK) {
		slack_word(json_object_get(root, "channel"), posted->channel,
		    sizeof(posted->channel));
		slack_word(json_object_get(root, "ts"), posted->ts,
		    sizeof(posted->ts));
	}
	json_decref(root);
	return true;
}

/* An incoming webhook's plain-text answer: "ok", else an error word. */
static void
slack_hook_answer(const struct http_response *resp, struct send_result *res)
{
	static const char *const perm[] = {
		"invalid_payload", "no_text", "channel_not_found",
		"invalid_token", "action_prohibited", "channel_is_archived",
		"no_service", "posting_to_general_channel_denied",
		"too_many_attachments", "user_not_found",
	};
	const char	*body = buf_str(&resp->body);

	if (res->status == SEND_OK && strcmp(body, "ok") != 0) {
		/* Slack answers 2xx with an error in the body in some
		 * cases; as in Alertmanager that is not retried. */
		send_result_set(res, SEND_PERMFAIL, -1, "slack: %ld %.100s",
		    resp->status, body);
	}
	if (resp->status == 0 || res->status == SEND_OK)
		return;
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

/* One POST of body to url and its answer classified; posted (may be NULL)
 * as slack_api_answer fills it. */
static void
slack_post(const struct slack_config *c, const struct sender_send_ctx *ctx,
    const char *url, const void *body, size_t len, struct slack_posted *posted,
    struct send_result *res)
{
	struct sender_send_ctx		 own;
	struct http_response		 resp;

	sender_ctx_timeout(&own, ctx, c->timeout_ms);
	http_response_init(&resp);
	sender_http_post("slack", url, &c->http, &own, body, len, &resp, res);
	/* Alertmanager tells the two kinds of answer apart by their
	 * Content-Type; a JSON object is the Web API's. Both kinds' error
	 * answers are a few bytes: a body cut at the client's cap is neither,
	 * and the status alone classifies it (a 2xx is a delivery). */
	if (resp.status != 0 && !resp.truncated &&
	    !slack_api_answer(&resp, res, posted))
		slack_hook_answer(&resp, res);
	http_response_free(&resp);
}

/* A stored update_message payload's group line (slack_group_line). */
struct slack_group {
	char	*key;		/* NULL: the payload has none */
	bool	 resolved;
	bool	 send;
};

/* Splits a stored payload into the body Slack gets (up to and with the
 * first newline) and its group line, if any, into g (g->key freed by the
 * caller). Returns the body's length. */
static size_t
slack_split(const char *payload, size_t len, struct slack_group *g)
{
	const char	*nl = memchr(payload, '\n', len), *st, *key;
	size_t		 blen = nl != NULL ? (size_t)(nl - payload) + 1 : len;
	json_t		*root, *grp;

	memset(g, 0, sizeof(*g));
	if (blen == len)
		return len;
	if ((root = json_loadb(payload + blen, len - blen, 0, NULL)) == NULL)
		return blen;
	grp = json_object_get(root, "tocsin_group");
	key = json_string_value(json_object_get(grp, "key"));
	st = json_string_value(json_object_get(grp, "status"));
	if (key != NULL && st != NULL && (g->key = strdup(key)) != NULL) {
		g->resolved = strcmp(st, "resolved") == 0;
		g->send = !json_is_false(json_object_get(grp, "send"));
	}
	json_decref(root);
	return blen;
}

/* Remembers the group's message ("<channel> <ts>"), or forgets it
 * (posted NULL); the message is out whatever happens here. */
static void
slack_remember(const struct sender_send_ctx *ctx, const struct slack_group *g,
    const struct slack_posted *posted)
{
	struct terr	 err;
	char		 where[160];

	if (ctx == NULL || ctx->records == NULL || ctx->records->group_put == NULL)
		return;
	if (posted != NULL && (posted->channel[0] == '\0' || posted->ts[0] == '\0'))
		return;
	snprintf(where, sizeof(where), "%s %s", posted != NULL ?
	    posted->channel : "", posted != NULL ? posted->ts : "");
	if (ctx->records->group_put(ctx->records->arg, ctx->receiver,
	    ctx->integration, g->key, posted != NULL ? where : "", 0, &err) == -1)
		log_warn("cannot store the Slack message later notifications of "
		    "its group update", "receiver", ctx->receiver,
		    "integration", ctx->integration, "err", err.msg);
}

/* The group's message into *at ("<channel> <ts>", split at the space into
 * at and ts); false when there is none to update. */
static bool
slack_recall(const struct sender_send_ctx *ctx, const struct slack_group *g,
    char *at, size_t atlen, char **ts)
{
	struct terr	 err;
	int64_t		 unused;
	int		 found;

	if (ctx == NULL || ctx->records == NULL || ctx->records->group_get == NULL)
		return false;
	if (ctx->records->group_get(ctx->records->arg, ctx->receiver,
	    ctx->integration, g->key, at, atlen, &unused, &found, &err) == -1) {
		log_warn("cannot read the Slack message to update; posting a new "
		    "one", "receiver", ctx->receiver, "err", err.msg);
		return false;
	}
	if (!found || (*ts = strchr(at, ' ')) == NULL || *ts == at || (*ts)[1] == '\0')
		return false;
	*(*ts)++ = '\0';
	return true;
}

/* body (a JSON object as slack_json writes it) as chat.update takes it:
 * the stored message's channel id and ts first, in Alertmanager's field
 * order, in place of the body's channel. -1: out of memory. */
static int
slack_update_body(const char *body, size_t len, const char *channel,
    const char *ts, struct buf *out)
{
	static const char key[] = "{\"channel\":";
	size_t		 i = 1;
	bool		 had = len > strlen(key) && memcmp(body, key, strlen(key)) == 0;

	if (had) {
		/* Past the channel's JSON string: an escape hides no quote. */
		for (i = strlen(key) + 1; i < len && body[i] != '"'; i++)
			if (body[i] == '\\')
				i++;
		i = i < len ? i + 1 : len;
	}
	if (buf_adds(out, key) == -1 || jsonw_cstr(out, channel) == -1 ||
	    buf_adds(out, ",\"ts\":") == -1 || jsonw_cstr(out, ts) == -1 ||
	    (!had && i < len && body[i] != '}' && buf_addc(out, ',') == -1) ||
	    (i < len && buf_add(out, body + i, len - i) == -1))
		return -1;
	return 0;
}

/*
 * update_message, as Alertmanager 0.34 does it: the first notification of a
 * group posts its message, every later one until the group resolves (more
 * alerts, repeats, the resolved one) edits it with chat.update, and the
 * group firing anew posts a new one. Where Alertmanager gives up when Slack
 * refuses the edit (message_not_found: deleted; cant_update_message,
 * edit_window_closed), tocsin posts the notification as a new message, as
 * its Telegram update_message does: the notification matters more than the
 * edit.
 */
static void
slack_send_update(const struct slack_config *c, const struct sender_send_ctx *ctx,
    const struct slack_group *g, const char *body, size_t len,
    struct send_result *res)
{
	struct slack_posted	 posted;
	struct buf		 ub, url;
	char			 at[160], *ts;

	if (!g->send) {
		slack_remember(ctx, g, NULL);
		send_result_set(res, SEND_OK, -1, "slack: nothing sent (resolved, "
		    "send_resolved false); the group's next firing posts anew");
		return;
	}
	memset(&posted, 0, sizeof(posted));
	if (slack_recall(ctx, g, at, sizeof(at), &ts)) {
		buf_init(&ub, 0);
		buf_init(&url, 0);
		if (slack_update_body(body, len, at, ts, &ub) == -1 ||
		    buf_add(&url, c->api_url, strlen(c->api_url) -
		    strlen(SLACK_POST) + 1) == -1 || buf_adds(&url, SLACK_UPDATE) == -1) {
			send_result_set(res, SEND_TEMPFAIL, -1, "slack: out of memory");
			buf_free(&ub);
			buf_free(&url);
			return;
		}
		slack_post(c, ctx, buf_str(&url), ub.data, ub.len, &posted, res);
		buf_free(&ub);
		explicit_bzero(url.data, url.len);
		buf_free(&url);
		if (res->status == SEND_OK) {
			slack_remember(ctx, g, g->resolved ? NULL : &posted);
			return;
		}
		if (res->status == SEND_TEMPFAIL)
			return;
		log_info("Slack refused to update the group's message; posting "
		    "the notification anew", "receiver", ctx->receiver,
		    "integration", ctx->integration, "reason", res->reason);
		memset(&posted, 0, sizeof(posted));
	}
	slack_post(c, ctx, c->api_url, body, len, &posted, res);
	if (res->status == SEND_OK)
		slack_remember(ctx, g, g->resolved ? NULL : &posted);
}

static void
slack_send(const void *vcfg, const struct sender_send_ctx *ctx,
    const char *dest, const void *payload, size_t len, struct send_result *res)
{
	const struct slack_config	*c = vcfg;
	struct slack_group		 g;
	size_t				 blen;

	(void)dest;
	blen = slack_split(payload, len, &g);
	if (g.key != NULL)
		slack_send_update(c, ctx, &g, payload, blen, res);
	else
		slack_post(c, ctx, c->api_url, payload, blen, NULL, res);
	free(g.key);
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
	/* An update_message payload has its group line after the body. */
	if ((root = json_loadb(payload, len, JSON_DISABLE_EOF_CHECK, NULL)) == NULL)
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
	{ "ratelimit.slack", "1/s",
	    "Messages per Slack webhook URL, or per app token and channel." },
	{ NULL, NULL, NULL }
};

const struct channel channel_slack = {
	.name = "slack",
	.key = "slack_configs",
	.type = &slack_type,
	.clear = slack_clear,
	.ops = &sender_slack_ops,
	.limits = slack_rate_limits,
	.links = slack_links,
};
