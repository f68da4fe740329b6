/* config_receivers.c: the receivers section: the telegram, slack, email, webhook (Alertmanager) and file (tocsin) configs,
 * with Alertmanager's defaults, global inheritance and validation. Each
 * mapping is a field table for cfgfield.c's walker; what a table cannot
 * say is in the type's finish function, in Alertmanager's order. */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cfgfield.h"
#include "config_int.h"
#include "matcher.h"

static bool
empty(const char *s)
{
	return s == NULL || s[0] == '\0';
}

/* A secret from its *_file, read now so that a missing file is a load error
 * with a position; or, when neither is set, the global one with its file.
 * The content never appears in messages. */
static int
secret(struct cfg_load *ld, const struct cf_walk *w, const char *filefield,
    char **val, char **file, const char *gval, const char *gfile)
{
	if (*file != NULL)
		return cfg_read_secret(ld, filefield, cf_value(w, filefield), *file, val);
	if (!empty(*val))
		return 0;
	free(*val);
	if (cfg_dup(val, gval) == -1 || cfg_dup(file, gfile) == -1)
		return cfg_fail(ld, w->n, "out of memory");
	return 0;
}

/* ---- telegram_configs ---- */

static int
read_chat_id(struct cfg_load *ld, const struct ynode *n, const char *path, int64_t *out)
{
	char		*s = NULL, *end;
	long long	 v;
	int		 rc = 0;

	if (cfg_read_secret(ld, "chat_id_file", n, path, &s) == -1)
		return -1;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (s[0] == '\0' || *end != '\0' || errno == ERANGE || v == 0)
		rc = cfg_fail(ld, n, "chat_id_file \"%s\" does not hold a chat id "
		    "(a non-zero integer)", path);
	else
		*out = v;
	free(s);
	return rc;
}

/* tocsin: silent_unless, a list of matcher strings as the route's matchers
 * take them ('severity="critical"', '{a="b",c=~"d"}'), all of which must
 * hold for a firing alert to make the phone ring. */
static int
silent_unless(struct cfg_load *ld, const struct ynode *k, const struct ynode *v,
    void *obj)
{
	struct matchers	**out = &((struct telegram_config *)obj)->silent_unless;
	struct terr	 e;
	char		*s = NULL;
	size_t		 i;

	if (cfg_seq(ld, v, k->value) == -1)
		return -1;
	if (ynode_is_null(v) || v->n == 0)
		return 0;
	if ((*out = calloc(1, sizeof(**out))) == NULL)
		return cfg_fail(ld, v, "out of memory");
	matchers_init(*out);
	for (i = 0; i < v->n; i++) {
		if (cfg_str(ld, k->value, v->child[i], &s) == -1)
			return -1;
		if (matchers_parse(*out, s ? s : "", &e) == -1) {
			free(s);
			return cfg_fail(ld, v->child[i], "silent_unless: %s", e.msg);
		}
		free(s);
		s = NULL;
	}
	return 0;
}

static int
telegram_finish(struct cfg_load *ld, const struct cf_walk *w)
{
	struct telegram_config *c = w->obj;
	const struct cfg_global *g = &ld->global;

	if (!empty(c->bot_token) && c->bot_token_file != NULL)
		return cf_conflict(ld, w, "bot_token", "bot_token_file");
	if (c->chat_id == 0 && c->chat_id_file == NULL)
		return cfg_fail(ld, w->n, "missing chat_id or chat_id_file on "
		    "telegram_config");
	if (c->chat_id != 0 && c->chat_id_file != NULL)
		return cf_conflict(ld, w, "chat_id", "chat_id_file");
	if (strcmp(c->parse_mode, "") != 0 && strcmp(c->parse_mode, "Markdown") != 0 &&
	    strcmp(c->parse_mode, "MarkdownV2") != 0 &&
	    strcmp(c->parse_mode, "HTML") != 0)
		return cfg_fail(ld, cf_value(w, "parse_mode"), "unknown parse_mode on "
		    "telegram_config, must be Markdown, MarkdownV2, HTML or empty string");
	if (cf_inherit(ld, w) == -1)
		return -1;
	if (c->bot_token_file == NULL && empty(c->bot_token) &&
	    empty(g->telegram_bot_token))
		return cfg_fail(ld, w->n, "missing bot_token or bot_token_file on "
		    "telegram_config");
	if (secret(ld, w, "bot_token_file", &c->bot_token, &c->bot_token_file,
	    g->telegram_bot_token, g->telegram_bot_token_file) == -1)
		return -1;
	if (c->chat_id_file != NULL)
		return read_chat_id(ld, cf_value(w, "chat_id_file"), c->chat_id_file,
		    &c->chat_id);
	return 0;
}

static const struct cf_field telegram_fields[] = {
	{ "send_resolved", CF_BOOL, CF_AT(telegram_config, send_resolved), .on = true },
	{ "http_config", CF_HTTP, CF_AT(telegram_config, http) },
	{ "api_url", CF_URL, CF_AT(telegram_config, api_url),
	    CF_GLOBAL(telegram_api_url) },
	{ "bot_token", CF_STR, CF_AT(telegram_config, bot_token), .secret = true },
	{ "bot_token_file", CF_FILE, CF_AT(telegram_config, bot_token_file) },
	{ "chat_id", CF_INT, CF_AT(telegram_config, chat_id) },
	{ "chat_id_file", CF_FILE, CF_AT(telegram_config, chat_id_file) },
	{ "message_thread_id", CF_INT, CF_AT(telegram_config, message_thread_id) },
	{ "message", CF_STR, CF_AT(telegram_config, message),
	    .def = "{{ template \"telegram.default.message\" . }}" },
	{ "disable_notifications", CF_BOOL,
	    CF_AT(telegram_config, disable_notifications) },
	{ "parse_mode", CF_STR, CF_AT(telegram_config, parse_mode), .def = "HTML" },
	{ "silent_unless", CF_CUSTOM, .parse = silent_unless },	/* tocsin */
	{ .name = NULL }
};
static const struct cf_type telegram_type = { "telegram_config", telegram_fields,
    sizeof(struct telegram_config), telegram_finish };

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

	if (empty(a->url)) {
		if (empty(a->name))
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
		return cfg_fail(ld, w->n, "no global Slack API URL set either inline "
		    "or in a file");
	return secret(ld, w, "api_url_file", &c->api_url, &c->api_url_file,
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

	if (empty(s))
		return cfg_fail(ld, w->n, "no global SMTP smarthost set");
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

static int
email_finish(struct cfg_load *ld, const struct cf_walk *w)
{
	struct email_config *c = w->obj;
	const struct cfg_global *g = &ld->global;

	/* Global inheritance in config.Config.UnmarshalYAML's order. */
	if (c->smarthost == NULL && global_smarthost(ld, w) == -1)
		return -1;
	if (cf_inherit(ld, w) == -1)
		return -1;
	if (secret(ld, w, "auth_password_file", &c->auth_password,
	    &c->auth_password_file, g->smtp_auth_password,
	    g->smtp_auth_password_file) == -1)
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
	{ "auth_secret", CF_STR, CF_AT(email_config, auth_secret), .secret = true,
	    CF_GLOBAL(smtp_auth_secret) },
	{ "auth_identity", CF_STR, CF_AT(email_config, auth_identity),
	    CF_GLOBAL(smtp_auth_identity) },
	{ "require_tls", CF_BOOL, CF_AT(email_config, require_tls),
	    CF_GLOBAL(smtp_require_tls) },
	{ "headers", CF_CUSTOM, .parse = email_headers },
	{ "html", CF_STR, CF_AT(email_config, html),
	    .def = "{{ template \"email.default.html\" . }}" },
	{ "text", CF_STR, CF_AT(email_config, text) },
	{ "tls_config", CF_TABLE, CF_AT(email_config, tls), .sub = &cfg_tls_type },
	{ .name = NULL }
};
static const struct cf_type email_type = { "email_config", email_fields,
    sizeof(struct email_config), email_finish };

/* ---- webhook_configs ---- */

static const struct cf_field webhook_fields[] = {
	{ "send_resolved", CF_BOOL, CF_AT(webhook_config, send_resolved), .on = true },
	{ "http_config", CF_HTTP, CF_AT(webhook_config, http) },
	{ "url", CF_URL, CF_AT(webhook_config, url), .secret = true,
	    .missing = "missing URL in webhook config" },
	{ "max_alerts", CF_UINT, CF_AT(webhook_config, max_alerts) },
	{ .name = NULL }
};
static const struct cf_type webhook_type = { "webhook_config", webhook_fields,
    sizeof(struct webhook_config), NULL };

/* ---- file_configs (tocsin) ---- */

/* "-" is stdout; anything else a file name. */
static int
file_finish(struct cfg_load *ld, const struct cf_walk *w)
{
	struct file_config *c = w->obj;
	char	*p = NULL;

	if (strcmp(c->path, "-") == 0)
		return 0;
	if (cfg_path(ld, "path", cf_value(w, "path"), &p) == -1)
		return -1;
	free(c->path);
	c->path = p;
	return 0;
}

static const struct cf_field file_fields[] = {
	{ "send_resolved", CF_BOOL, CF_AT(file_config, send_resolved), .on = true },
	{ "path", CF_STR, CF_AT(file_config, path),
	    .missing = "missing path in file_config" },
	{ .name = NULL }
};
static const struct cf_type file_type = { "file_config", file_fields,
    sizeof(struct file_config), file_finish };

/* ---- receivers entry ---- */

static const struct integration {
	const char		*key;
	const struct cf_type	*type;
	size_t			 off;	/* the array in struct receiver */
	size_t			 count;	/* its size_t count */
} integrations[] = {
	{ "telegram_configs", &telegram_type, offsetof(struct receiver, telegram),
	    offsetof(struct receiver, ntelegram) },
	{ "slack_configs", &slack_type, offsetof(struct receiver, slack),
	    offsetof(struct receiver, nslack) },
	{ "email_configs", &email_type, offsetof(struct receiver, email),
	    offsetof(struct receiver, nemail) },
	{ "webhook_configs", &webhook_type, offsetof(struct receiver, webhook),
	    offsetof(struct receiver, nwebhook) },
	{ "file_configs", &file_type, offsetof(struct receiver, file),
	    offsetof(struct receiver, nfile) },
	{ NULL, NULL, 0, 0 }
};

static const char *const unsupported[] = {
	"discord_configs", "pagerduty_configs", "opsgenie_configs",
	"wechat_configs", "pushover_configs", "victorops_configs", "sns_configs",
	"webex_configs", "msteams_configs", "msteamsv2_configs", "jira_configs",
	"rocketchat_configs", "incidentio_configs", "mattermost_configs", NULL
};

#define SUPPORTED "telegram_configs, slack_configs, email_configs, " \
	"webhook_configs, file_configs"

static int
receiver_unknown(struct cfg_load *ld, const struct ynode *k, const char *name)
{
	size_t	 i;

	for (i = 0; unsupported[i] != NULL; i++)
		if (strcmp(k->value, unsupported[i]) == 0)
			return cfg_fail(ld, k, "receiver \"%s\": %s are not supported "
			    "by tocsin (supported: " SUPPORTED ")", name, k->value);
	return cfg_fail(ld, k, "receiver \"%s\": unknown field %s", name, k->value);
}

int
cfg_receiver(struct cfg_load *ld, const struct ynode *n, struct receiver *r)
{
	const struct integration *in;
	const struct ynode *k, *v;
	size_t		 i, j;
	void		*c;

	if (cfg_map(ld, n, "receiver") == -1)
		return -1;
	if ((v = ynode_map_get(n, "name")) != NULL &&
	    cfg_str(ld, "name", v, &r->name) == -1)
		return -1;
	if (empty(r->name))
		return cfg_fail(ld, n, "missing name in receiver");
	for (i = 0; i < n->n; i += 2) {
		k = n->child[i];
		v = n->child[i + 1];
		if (strcmp(k->value, "name") == 0)
			continue;
		for (in = integrations; in->key != NULL; in++)
			if (strcmp(k->value, in->key) == 0)
				break;
		if (in->key == NULL)
			return receiver_unknown(ld, k, r->name);
		if (cfg_seq(ld, v, k->value) == -1)
			return -1;
		for (j = 0; !ynode_is_null(v) && j < v->n; j++) {
			if (ynode_is_null(v->child[j]))
				return cfg_fail(ld, v->child[j], "receiver \"%s\": empty "
				    "entry in %s", r->name, k->value);
			if ((c = cf_append((void **)((char *)r + in->off),
			    (size_t *)((char *)r + in->count), in->type->size)) == NULL)
				return cfg_fail(ld, v->child[j], "out of memory");
			if (cf_parse(ld, v->child[j], in->type, c) == -1)
				return -1;
		}
	}
	return 0;
}
