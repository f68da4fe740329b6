/* sender_email.h: an email_config, field for field as Alertmanager 0.34's
 * config/notifiers.go defines it. SECRET fields are never logged, put into
 * messages or metrics. */
#ifndef TOCSIN_SENDER_EMAIL_H
#define TOCSIN_SENDER_EMAIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "alert.h"
#include "channel.h"
#include "httpconfig.h"
#include "telegram_actions.h"

/* threading (Alertmanager 0.30): every notification of one alert group
 * carries the same References and In-Reply-To, so mail clients thread
 * them. */
struct email_threading {
	bool	 enabled;
	char	*thread_by_date;		/* "daily" or "none" when enabled */
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
	char	*auth_secret;			/* SECRET (inline, file or global) */
	char	*auth_secret_file;
	char	*auth_identity;
	/* Canonical MIME header names; Subject, To and From are filled with
	 * Alertmanager's defaults when the config does not set them. */
	struct kv headers;
	char	*html;				/* template; default email.default.html */
	char	*text;				/* template; NULL when unset */
	bool	 require_tls;			/* own or global smtp_require_tls */
	struct tls_config tls;			/* own or global smtp_tls_config */
	/* Own or global smtp_force_implicit_tls, a *bool in Alertmanager:
	 * unset, implicit TLS on port 465 only. */
	bool	 force_implicit_tls;
	bool	 force_implicit_tls_set;
	struct email_threading threading;
	/* tocsin: signed links to silence or acknowledge (link_actions.h);
	 * actions.enabled false when the section is absent. */
	struct tg_actions actions;
};

/* The email channel (channel.h). */
extern const struct channel channel_email;

#endif
