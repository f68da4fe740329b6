/* receiver.h: typed receiver configurations, field for field as Alertmanager
 * 0.25's config/notifiers.go defines them (Telegram as newer releases do).
 *
 * These are plain data built by the config loader with Alertmanager's defaults
 * and global inheritance already applied, and immutable afterwards. Fields
 * marked SECRET hold credentials read from the config or from a *_file at load
 * time: they must never be logged, put into error messages or metrics. The
 * whole tree is owned by the struct config that loaded it. */
#ifndef TOCSIN_RECEIVER_H
#define TOCSIN_RECEIVER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "alert.h"
#include "httpconfig.h"

struct matchers;

struct telegram_config {
	bool	 send_resolved;			/* default true */
	struct http_config http;
	char	*api_url;			/* default global telegram_api_url */
	char	*bot_token;			/* SECRET (inline or bot_token_file) */
	char	*bot_token_file;
	int64_t	 chat_id;			/* from chat_id or chat_id_file */
	char	*chat_id_file;
	int64_t	 message_thread_id;		/* 0: none */
	char	*message;			/* template */
	bool	 disable_notifications;
	char	*parse_mode;			/* "HTML" (default), "Markdown", "MarkdownV2", "" */
	/* tocsin: disable_notification unless a firing alert of the
	 * notification matches every one of these (routes/matcher.h); NULL
	 * when unset or empty. */
	struct matchers *silent_unless;
};

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
	char	*api_url;			/* SECRET (own, api_url_file or global) */
	char	*api_url_file;
	char	*channel;
	char	*username;
	char	*color;
	char	*title;
	char	*title_link;
	char	*pretext;
	char	*text;
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
};

struct email_config {
	bool	 send_resolved;			/* default false */
	char	*to;
	char	*from;				/* own or global smtp_from */
	char	*hello;				/* own or global smtp_hello ("localhost") */
	char	*smarthost;			/* "host:port", own or global */
	char	*smarthost_host;
	char	*smarthost_port;
	char	*auth_username;
	char	*auth_password;			/* SECRET (inline, file or global) */
	char	*auth_password_file;
	char	*auth_secret;			/* SECRET */
	char	*auth_identity;
	/* Canonical MIME header names; Subject, To and From are filled with
	 * Alertmanager's defaults when the config does not set them. */
	struct kv headers;
	char	*html;				/* template; default email.default.html */
	char	*text;				/* template; NULL when unset */
	bool	 require_tls;			/* own or global smtp_require_tls */
	struct tls_config tls;
};

struct webhook_config {
	bool	 send_resolved;			/* default true */
	struct http_config http;
	char	*url;				/* SECRET: may embed credentials */
	uint64_t max_alerts;			/* 0: unlimited */
};

/* tocsin extension: append each notification as one JSON line. */
struct file_config {
	char	*path;				/* "-" is stdout; otherwise absolute */
	bool	 send_resolved;			/* default true */
};

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
