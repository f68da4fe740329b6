/* sender_pushover.h: a pushover_config, field for field as Alertmanager
 * 0.34's config/notifiers.go defines it (0.25 has all but user_key_file,
 * token_file, device, ttl and monospace), plus tocsin's api_url. The user
 * key and the application token are SECRET: never logged, stored, put
 * into messages or metrics. */
#ifndef TOCSIN_SENDER_PUSHOVER_H
#define TOCSIN_SENDER_PUSHOVER_H

#include <stdbool.h>
#include <stdint.h>

#include "channel.h"
#include "httpconfig.h"
#include "telegram_actions.h"

struct pushover_config {
	bool	 send_resolved;			/* default true */
	struct http_config http;
	char	*user_key;			/* SECRET (own or user_key_file) */
	char	*user_key_file;
	char	*token;				/* SECRET (own or token_file) */
	char	*token_file;
	char	*title;				/* template */
	char	*message;			/* template; html: an HTML one */
	char	*url;				/* template */
	char	*url_title;			/* template */
	char	*device;			/* template */
	char	*sound;				/* template */
	char	*priority;			/* template; 2 firing, 0 resolved */
	int64_t	 retry_ms;			/* default 1m; sent in seconds */
	int64_t	 expire_ms;			/* default 1h */
	int64_t	 ttl_ms;			/* 0: not sent */
	bool	 html;
	bool	 monospace;
	char	*api_url;			/* tocsin's: the messages endpoint */
	/* tocsin: signed links to silence or acknowledge; the first one is
	 * the supplementary URL (link_actions.h). actions.enabled false when
	 * the section is absent. */
	struct tg_actions actions;
};

/* What a Pushover answer says: {"status":1,"request":"..."} and, for an
 * emergency message, "receipt"; {"status":0,"errors":[...],...} when it
 * refused the request; a receipt's state when it was polled. (Its
 * acknowledged_by, a user key, is not kept.) */
struct pushover_answer {
	long long	 status;	/* -1 absent */
	char		 errors[200];	/* joined with "; ", one printable line */
	char		 receipt[32];	/* [A-Za-z0-9]; "" none */
	char		 request[64];
	/* A receipt's poll (/1/receipts/<receipt>.json); 0 when absent. */
	long long	 acknowledged;
	long long	 acknowledged_at;	/* unix seconds */
	char		 acknowledged_by_device[64];
	long long	 expired;
};

/* Parses a Pushover answer body (not NUL-terminated; NULL when len is 0)
 * into a; -1 when it is not a JSON object. */
int	pushover_answer_parse(const char *body, size_t len,
	    struct pushover_answer *a);

struct sender_send_ctx;
struct receipt_status;

/* The channel's follow op (sender.h): polls receipt (GET
 * {base}receipts/<receipt>.json?token=, base being api_url up to its last
 * '/'), or cancels it (POST {base}receipts/<receipt>/cancel.json). */
void	pushover_follow(const void *cfg, const struct sender_send_ctx *ctx,
	    const char *receipt, bool cancel, struct receipt_status *out);

/* The pushover channel (channel.h). */
extern const struct channel channel_pushover;

#endif
