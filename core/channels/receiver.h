/* receiver.h: a receiver and its typed integration configs, each declared
 * by its channel (sender_telegram.h, sender_slack.h, sender_email.h,
 * sender_webhook.h, filesink.h).
 *
 * These are plain data built by the config loader with Alertmanager's defaults
 * and global inheritance already applied, and immutable afterwards. Fields
 * marked SECRET hold credentials read from the config or from a *_file at load
 * time: they must never be logged, put into error messages or metrics. The
 * whole tree is owned by the struct config that loaded it. */
#ifndef TOCSIN_RECEIVER_H
#define TOCSIN_RECEIVER_H

#include <stddef.h>

#include "filesink.h"
#include "sender_email.h"
#include "sender_slack.h"
#include "sender_telegram.h"
#include "sender_webhook.h"

struct receiver {
	char			*name;
	struct telegram_config	*telegram;
	size_t			 ntelegram;
	struct slack_config	*slack;
	size_t			 nslack;
	struct email_config	*email;
	size_t			 nemail;
	struct webhook_config	*webhook;
	size_t			 nwebhook;
	struct file_config	*file;
	size_t			 nfile;
};

/* Frees everything a receiver owns (not the struct itself). The config
 * loader uses it; nobody else needs to. */
void	receiver_clear(struct receiver *r);

#endif
