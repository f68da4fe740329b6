/* sender_webhook.h: a webhook_config, field for field as Alertmanager 0.25's
 * config/notifiers.go defines it. The URL is SECRET: it may embed
 * credentials. */
#ifndef TOCSIN_SENDER_WEBHOOK_H
#define TOCSIN_SENDER_WEBHOOK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "channel.h"
#include "httpconfig.h"

struct webhook_config {
	bool	 send_resolved;			/* default true */
	struct http_config http;
	char	*url;				/* SECRET: may embed credentials */
	uint64_t max_alerts;			/* 0: unlimited */
};

/* The webhook channel (channel.h). */
extern const struct channel channel_webhook;

#endif
