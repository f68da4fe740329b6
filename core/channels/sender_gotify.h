/* sender_gotify.h: a gotify_config, tocsin's own channel (Alertmanager has
 * no Gotify notifier). SECRET fields are never logged, put into messages or
 * metrics. */
#ifndef TOCSIN_SENDER_GOTIFY_H
#define TOCSIN_SENDER_GOTIFY_H

#include <stdbool.h>

#include "channel.h"
#include "httpconfig.h"

struct gotify_config {
	bool	 send_resolved;			/* default true */
	struct http_config http;
	char	*url;				/* the server; POST {url}/message */
	char	*token;				/* SECRET (inline or token_file) */
	char	*token_file;
	char	*title;				/* template */
	char	*message;			/* template */
	char	*priority;			/* template giving an integer */
	bool	 markdown;			/* client::display text/markdown */
	char	*click_url;			/* template; "" for no click action */
};

/* The gotify channel (channel.h). */
extern const struct channel channel_gotify;

#endif
