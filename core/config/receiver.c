/* receiver.c: releasing the typed receiver configurations of receiver.h. */
#include <stdlib.h>
#include <string.h>

#include "receiver.h"
#include "matcher.h"

static void
tls_clear(struct tls_config *t)
{
	free(t->ca_file);
	free(t->cert_file);
	free(t->key_file);
	free(t->server_name);
	free(t->min_version);
	free(t->max_version);
}

/* Secrets are wiped before the memory goes back to the allocator, so that a
 * later heap dump or use-after-free does not leak them. */
static void
secret_free(char *s)
{
	if (s == NULL)
		return;
	explicit_bzero(s, strlen(s));
	free(s);
}

void
http_config_clear(struct http_config *h)
{
	free(h->basic_auth_username);
	secret_free(h->basic_auth_password);
	free(h->basic_auth_password_file);
	free(h->authorization_type);
	secret_free(h->authorization_credentials);
	free(h->authorization_credentials_file);
	free(h->proxy_url);
	tls_clear(&h->tls);
}

static void
telegram_clear(struct telegram_config *c)
{
	http_config_clear(&c->http);
	free(c->api_url);
	secret_free(c->bot_token);
	free(c->bot_token_file);
	free(c->chat_id_file);
	free(c->message);
	free(c->parse_mode);
	if (c->silent_unless != NULL) {
		matchers_free(c->silent_unless);
		free(c->silent_unless);
	}
}

static void
slack_clear(struct slack_config *c)
{
	size_t	 i;

	http_config_clear(&c->http);
	secret_free(c->api_url);
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
		if (a->confirm != NULL) {
			free(a->confirm->text);
			free(a->confirm->title);
			free(a->confirm->ok_text);
			free(a->confirm->dismiss_text);
			free(a->confirm);
		}
	}
	free(c->actions);
}

static void
email_clear(struct email_config *c)
{
	free(c->to);
	free(c->from);
	free(c->hello);
	free(c->smarthost);
	free(c->smarthost_host);
	free(c->smarthost_port);
	free(c->auth_username);
	secret_free(c->auth_password);
	free(c->auth_password_file);
	secret_free(c->auth_secret);
	free(c->auth_identity);
	kv_free(&c->headers);
	free(c->html);
	free(c->text);
	tls_clear(&c->tls);
}

void
receiver_clear(struct receiver *r)
{
	size_t	 i;

	if (r == NULL)
		return;
	free(r->name);
	for (i = 0; i < r->ntelegram; i++)
		telegram_clear(&r->telegram[i]);
	free(r->telegram);
	for (i = 0; i < r->nslack; i++)
		slack_clear(&r->slack[i]);
	free(r->slack);
	for (i = 0; i < r->nemail; i++)
		email_clear(&r->email[i]);
	free(r->email);
	for (i = 0; i < r->nwebhook; i++) {
		http_config_clear(&r->webhook[i].http);
		secret_free(r->webhook[i].url);
	}
	free(r->webhook);
	for (i = 0; i < r->nfile; i++)
		free(r->file[i].path);
	free(r->file);
	memset(r, 0, sizeof(*r));
}
