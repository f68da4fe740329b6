/* sender.h: what every delivery channel (Telegram, Slack, e-mail, webhook)
 * reports about one attempt, so that the dispatcher alone decides between
 * retry and give-up and no channel carries its own retry logic. */
#ifndef TOCSIN_SENDER_H
#define TOCSIN_SENDER_H

#include <stdint.h>

enum send_status {
	SEND_OK,
	SEND_TEMPFAIL,	/* network, 5xx, 429, SMTP 4xx: try again later */
	SEND_PERMFAIL,	/* 401/403, chat not found, SMTP 5xx: dead letter */
};

struct send_result {
	enum send_status status;
	/* TEMPFAIL: the wait the service asked for (Telegram retry_after,
	 * HTTP Retry-After), honoured exactly and not counted as a failure;
	 * -1 when it said nothing and the dispatcher backs off. */
	int64_t		 retry_after_ms;
	/* One line for logs and the dead-letter report; never a secret. */
	char		 reason[256];
};

#endif
