/* sender_telegram.h: a telegram_config, field for field as Alertmanager's
 * notify/telegram defines it, plus tocsin's silent_unless. SECRET fields are
 * never logged, put into messages or metrics. Also tocsin's actions
 * (telegram_actions.h). */
#ifndef TOCSIN_SENDER_TELEGRAM_H
#define TOCSIN_SENDER_TELEGRAM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "channel.h"
#include "httpconfig.h"
#include "telegram_actions.h"

struct matchers;

struct telegram_config {
	bool	 send_resolved;			/* default true */
	struct http_config http;
	char	*api_url;			/* default global telegram_api_url */
	char	*bot_token;			/* SECRET (inline or bot_token_file) */
	char	*bot_token_file;
	int64_t	 chat_id;			/* from chat_id or chat_id_file */
	char	*chat_id_file;
	int64_t	 message_thread_id;		/* 0: none */
	char	*message;			/* template */
	bool	 disable_notifications;
	char	*parse_mode;			/* "HTML" (default), "Markdown", "MarkdownV2", "" */
	/* tocsin: disable_notification unless a firing alert of the
	 * notification matches every one of these (routes/matcher.h); NULL
	 * when unset or empty. */
	struct matchers *silent_unless;
	/* tocsin: buttons on firing notifications (telegram_actions.h);
	 * actions.enabled false when the section is absent. */
	struct tg_actions actions;
	/* tocsin: a resolved notification edits the message its group fired
	 * as (editMessageText), or is sent anew when Telegram refuses. */
	bool	 update_message;
};

/* The telegram channel (channel.h). */
extern const struct channel channel_telegram;

#endif
