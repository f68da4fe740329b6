/* sender_discord.h: a discord_config, field for field as Alertmanager 0.34's
 * notify/discord/config.go defines it (0.25 has webhook_url, title and
 * message of these). The webhook URL is SECRET: its path holds the token. */
#ifndef TOCSIN_SENDER_DISCORD_H
#define TOCSIN_SENDER_DISCORD_H

#include <stdbool.h>

#include "channel.h"
#include "httpconfig.h"

struct discord_config {
	bool	 send_resolved;			/* default true */
	struct http_config http;
	char	*webhook_url;			/* SECRET (own or webhook_url_file) */
	char	*webhook_url_file;
	char	*content;			/* template; none by default */
	char	*title;				/* template */
	char	*message;			/* template: the embed's description */
	char	*username;			/* as given, not a template */
	char	*avatar_url;			/* as given, not a template */
};

/* The discord channel (channel.h). */
extern const struct channel channel_discord;

#endif
