/* action_http.c: /action/<token> over HTTP (see action_http.h). */
#include <string.h>

#include "action_http.h"
#include "actionlink.h"
#include "buf.h"
#include "link_actions.h"

/* The page is plain HTML: no script may run in it, nothing is loaded from
 * elsewhere, its form posts only back here, and no other site frames it. */
static const char *const page_headers[] = {
	"Cache-Control", "no-store",
	"Content-Security-Policy", "default-src 'none'; form-action 'self'; "
	    "frame-ancestors 'none'",
	"Referrer-Policy", "no-referrer",
	"X-Content-Type-Options", "nosniff",
	NULL
};

static void
handle(struct httpd_req *req, void *arg)
{
	struct action_http	*ah = arg;
	struct actionlink_env	 env;
	struct outbox_gen	*g;
	struct store		*s;
	struct buf		 page;
	unsigned		 status = 500;
	int			 rc;

	if ((g = outbox_hold(ah->ob)) == NULL ||
	    (s = outbox_store(ah->ob)) == NULL) {
		if (g != NULL)
			outbox_release(ah->ob, g);
		httpd_reply_text(req, 503, "Service Unavailable");
		return;
	}
	memset(&env, 0, sizeof(env));
	env.store = s;
	env.cfg = outbox_gen_config(g);
	env.key = ah->key;
	env.m_actions = outbox_actions_metric(ah->ob);
	buf_init(&page, 0);
	/* One link at a time: two taps on the same link (a double click, a
	 * retry) must not both find it unused and silence twice. */
	pthread_mutex_lock(&ah->mu);
	rc = actionlink_handle(&env, httpd_req_method(req), httpd_req_rest(req),
	    &status, &page);
	pthread_mutex_unlock(&ah->mu);
	if (rc == -1)
		httpd_reply_text(req, 500, "out of memory");
	else
		(void)httpd_reply_headers(req, status, "text/html; charset=utf-8",
		    buf_str(&page), page.len, page_headers);
	buf_free(&page);
	outbox_release(ah->ob, g);
}

int
action_http_routes(struct httpd *h, struct action_http *ah)
{
	if (httpd_handle_secret(h, "GET", ACTION_LINK_PATH, "/action/{token}",
	    handle, ah) == -1 ||
	    httpd_handle_secret(h, "POST", ACTION_LINK_PATH, "/action/{token}",
	    handle, ah) == -1)
		return -1;
	return 0;
}
