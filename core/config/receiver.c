/* receiver.c: releasing the typed receiver configurations of receiver.h. */
#include <stdlib.h>
#include <string.h>

#include "receiver.h"
#include "schema.h"
#include "matcher.h"

static void
telegram_clear(struct telegram_config *c)
{
	http_config_clear(&c->http);
	free(c->api_url);
	cfg_secret_free(c->bot_token);
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
	cfg_secret_free(c->auth_password);
	free(c->auth_password_file);
	cfg_secret_free(c->auth_secret);
	free(c->auth_identity);
	kv_free(&c->headers);
	free(c->html);
	free(c->text);
	http_tls_clear(&c->tls);
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
		cfg_secret_free(r->webhook[i].url);
	}
	free(r->webhook);
	for (i = 0; i < r->nfile; i++)
		free(r->file[i].path);
	free(r->file);
	memset(r, 0, sizeof(*r));
}
