/* sender_slack.h: a slack_config, field for field as Alertmanager 0.34's
 * config/notifiers.go defines it. SECRET fields are never logged, put into
 * messages or metrics. */
#ifndef TOCSIN_SENDER_SLACK_H
#define TOCSIN_SENDER_SLACK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "channel.h"
#include "httpconfig.h"
#include "telegram_actions.h"

struct slack_field {
	char	*title;
	char	*value;
	bool	 has_short;			/* short was set */
	bool	 is_short;
};

struct slack_confirm {
	char	*text;
	char	*title;
	char	*ok_text;
	char	*dismiss_text;
};

struct slack_action {
	char	*type;
	char	*text;
	char	*url;
	char	*style;
	char	*name;
	char	*value;
	struct slack_confirm *confirm;		/* NULL when absent */
};

struct slack_config {
	bool	 send_resolved;			/* default false */
	struct http_config http;
	/* SECRET (own, api_url_file or global); with an app token, app_url */
	char	*api_url;
	char	*api_url_file;
	char	*app_token;			/* SECRET (own, app_token_file or global) */
	char	*app_token_file;
	char	*app_url;			/* default global slack_app_url */
	char	*channel;
	char	*username;
	char	*color;
	char	*title;
	char	*title_link;
	char	*pretext;
	char	*text;
	char	*message_text;			/* the message's own text, outside the attachment */
	struct slack_field *fields;
	size_t	 nfields;
	bool	 short_fields;
	char	*footer;
	char	*fallback;
	char	*callback_id;
	char	*icon_emoji;
	char	*icon_url;
	char	*image_url;
	char	*thumb_url;
	bool	 link_names;
	char	**mrkdwn_in;
	size_t	 nmrkdwn_in;
	struct slack_action *actions;
	size_t	 nactions;
	int64_t	 timeout_ms;			/* 0 or less: the default */
	/* Later notifications of a group edit its first message
	 * (chat.update) until it resolves; Web API URLs only. */
	bool	 update_message;
	/* tocsin: signed links to silence or acknowledge, as link buttons
	 * after `actions` (link_actions.h); link_actions.enabled false when
	 * the section is absent. */
	struct tg_actions link_actions;
};

/* The slack channel (channel.h). */
extern const struct channel channel_slack;

#endif
