/* sender_pagerduty.h: a pagerduty_config, field for field as Alertmanager
 * 0.25's config/notifiers.go defines it (Events API v2 only). SECRET fields
 * are never logged, put into messages or metrics. */
#ifndef TOCSIN_SENDER_PAGERDUTY_H
#define TOCSIN_SENDER_PAGERDUTY_H

#include <stdbool.h>
#include <stddef.h>

#include "channel.h"
#include "httpconfig.h"

struct pagerduty_detail {
	char	*key;
	char	*value;			/* a template */
};

struct pagerduty_image {
	char	*src;
	char	*alt;
	char	*href;
};

struct pagerduty_link {
	char	*href;
	char	*text;
};

struct pagerduty_config {
	bool	 send_resolved;			/* default true */
	struct http_config http;
	char	*routing_key;			/* SECRET (own or routing_key_file) */
	char	*routing_key_file;
	char	*service_key;			/* Events API v1: refused */
	char	*service_key_file;
	char	*url;				/* own or global pagerduty_url */
	char	*client;
	char	*client_url;
	char	*description;
	/* The configured details plus Alertmanager's four defaults for the
	 * keys not configured, sorted by key as Go's encoder writes a map. */
	struct pagerduty_detail *details;
	size_t	 ndetails;
	struct pagerduty_image *images;
	size_t	 nimages;
	struct pagerduty_link *links;
	size_t	 nlinks;
	char	*source;			/* default: client */
	char	*severity;			/* default "error" */
	char	*class;
	char	*component;
	char	*group;
	/* Alertmanager 0.30's time.Duration `timeout`, per attempt; 0 or
	 * less: the default. */
	int64_t	 timeout_ms;
};

/* The pagerduty channel (channel.h) and its sender (sender.h). */
extern const struct channel channel_pagerduty;
struct sender_ops;
extern const struct sender_ops sender_pagerduty_ops;

#endif
