/* smtp.h: submits one finished message (see mime.h) to an email_config's
 * smarthost and classifies the outcome as a struct send_result.
 *
 * Blocking: the dispatcher runs it on a worker thread. The process must
 * ignore SIGPIPE (the daemons do), since a server may close the connection
 * while libesmtp writes. */
#ifndef TOCSIN_SMTP_H
#define TOCSIN_SMTP_H

#include <stddef.h>

#include "sender.h"
#include "sender_email.h"

enum smtp_implicit_tls {
	SMTP_IMPLICIT_TLS_AUTO,		/* on port 465 only, as Alertmanager decides */
	SMTP_IMPLICIT_TLS_NEVER,	/* force_implicit_tls: false */
	SMTP_IMPLICIT_TLS_ALWAYS,	/* force_implicit_tls: true */
};

struct smtp_message {
	const char		*data;		/* the whole message, CRLF lines */
	size_t			 len;
	enum smtp_implicit_tls	 implicit_tls;
	long			 timeout_s;	/* per SMTP step; 0: 30 s */
};

/* Delivers msg to every address in cfg->to, from the address in cfg->from.
 * Returns 0 when the server accepted it for every recipient, -1 otherwise;
 * res is filled either way:
 *   - connection, TLS and DNS failures, a server that does not offer the
 *     STARTTLS that require_tls asks for, a certificate that does not verify:
 *     TEMPFAIL (Alertmanager returns these as retryable errors too);
 *   - any 4xx (greeting, AUTH, MAIL, a RCPT, DATA): TEMPFAIL; when some
 *     recipients were refused temporarily the retry re-sends to all of them,
 *     so the accepted ones may receive a duplicate (at-least-once);
 *   - otherwise any 5xx: PERMFAIL; when some recipients were accepted and
 *     others refused for good, the message was delivered to the accepted
 *     ones and the reason names only the refused ones.
 * The reason never contains the password or the secret. retry_after_ms is
 * always -1 (SMTP has no such hint). */
int	smtp_deliver(const struct email_config *cfg, const struct smtp_message *msg,
	    struct send_result *res);

#endif
