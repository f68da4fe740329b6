/* action_http.h: the /action/<token> handler (HTTP only): it hands the
 * method and token to actionlink.h over the current generation and the
 * queue, and answers its page with headers that keep it out of caches,
 * frames and other sites' scripts. */
#ifndef TOCSIN_RELAY_ACTION_HTTP_H
#define TOCSIN_RELAY_ACTION_HTTP_H

#include <pthread.h>

#include "actiontoken.h"
#include "httpd.h"
#include "outbox.h"

struct action_http {
	struct outbox		*ob;	/* borrowed */
	const struct action_key	*key;	/* borrowed */
	pthread_mutex_t		 mu;	/* PTHREAD_MUTEX_INITIALIZER */
};

/* Registers GET (and HEAD) and POST /action/ on h; ah must outlive h. */
int	action_http_routes(struct httpd *h, struct action_http *ah) WARN_UNUSED;

#endif
