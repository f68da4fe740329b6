/* sender_ntfy.h: an ntfy_config, a tocsin extension (Alertmanager has no
 * ntfy notifier). SECRET fields are never logged, put into messages or
 * metrics; on ntfy.sh the topic works as a password, so it is one. */
#ifndef TOCSIN_SENDER_NTFY_H
#define TOCSIN_SENDER_NTFY_H

#include <stdbool.h>
#include <stddef.h>

#include "channel.h"
#include "httpconfig.h"
#include "telegram_actions.h"

struct ntfy_config {
	bool	 send_resolved;			/* default true */
	struct http_config http;		/* basic auth goes here */
	char	*url;				/* SECRET: default https://ntfy.sh */
	char	*topic;				/* SECRET: required, [-_A-Za-z0-9]{1,64} */
	char	*token;				/* SECRET (inline or token_file) */
	char	*token_file;
	char	*title;				/* template */
	char	*message;			/* template */
	char	*priority;			/* template: 1..5 or min..max */
	char	**tags;				/* templates; default one per status */
	size_t	 ntags;
	char	*click;				/* template */
	char	*icon;				/* template */
	bool	 markdown;
	/* tocsin: signed links to silence or acknowledge, sent as ntfy's
	 * action buttons (link_actions.h); actions.enabled false when the
	 * section is absent. */
	struct tg_actions actions;
};

/* The longest message ntfy keeps as text (its message-size-limit): a
 * longer one becomes an attachment on ntfy.sh and is refused with 413
 * elsewhere, so a message is cut to fit (sender_ntfy.c). */
#define NTFY_MESSAGE_MAX	4096
/* The most action buttons ntfy shows on a notification. */
#define NTFY_ACTIONS_MAX	3

/* The ntfy channel (channel.h). */
extern const struct channel channel_ntfy;

#endif
