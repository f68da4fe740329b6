/* sender_email.h: an email_config, field for field as Alertmanager 0.25's
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

/* The email channel (channel.h). */
extern const struct channel channel_email;

#endif
