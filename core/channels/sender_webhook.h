/* sender_webhook.h: a webhook_config, field for field as Alertmanager
 * 0.34's notify/webhook/config.go defines it (url_file and timeout are
 * 0.26's and 0.28's; payload and a templated url are not supported). The
 * URL is SECRET: it may embed credentials. */
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
	char	*url_file;			/* read at every send; NULL: url */
	uint64_t max_alerts;			/* 0: unlimited */
	int64_t	 timeout_ms;			/* 0 or less: the default */
};

/* The webhook channel (channel.h). */
extern const struct channel channel_webhook;

#endif
