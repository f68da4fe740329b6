/* sender_webhook.h: a webhook_config, field for field as Alertmanager 0.25's
 * config/notifiers.go defines it. The URL is SECRET: it may embed
 * credentials. */
#ifndef TOCSIN_SENDER_WEBHOOK_H
#define TOCSIN_SENDER_WEBHOOK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "httpconfig.h"

struct webhook_config {
	bool	 send_resolved;			/* default true */
	struct http_config http;
	char	*url;				/* SECRET: may embed credentials */
	uint64_t max_alerts;			/* 0: unlimited */
};

struct cf_type;

/* The webhook_configs entry's fields, defaults and validation (cfgfield.h),
 * with Alertmanager's global inheritance. */
extern const struct cf_type webhook_config_type;
/* Frees what one config owns (not the struct itself); secrets are wiped. */
void	webhook_config_clear(struct webhook_config *c);

#endif
