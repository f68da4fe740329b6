/* httpd_auth.c: basic auth for the HTTP server without stalling it: the
 * credential cache first, then bcrypt on a few workers while the request is
 * suspended, with a per-address backoff for failures (see httpd_int.h). */
#include <sys/socket.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base64.h"
#include "buf.h"
#include "clock.h"
#include "httpd_int.h"
#include "webconfig.h"

/* The client's address as text ("" when unknown), for the login backoff. */
static void
peer_address(struct httpd_req *r)
{
	const union MHD_ConnectionInfo *ci;
	const struct sockaddr *sa;

	ci = MHD_get_connection_info(r->conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	if (ci == NULL || (sa = ci->client_addr) == NULL)
		return;
	if (sa->sa_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)sa)->sin_addr,
		    r->addr, sizeof(r->addr));
	else if (sa->sa_family == AF_INET6)
		inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr,
		    r->addr, sizeof(r->addr));
}

void
httpd_auth_free(struct httpd_req *r)
{
	if (r->pass) {
		explicit_bzero(r->pass, strlen(r->pass));
		free(r->pass);
	}
	free(r->user);
	r->user = r->pass = NULL;
}

/*
 * The credentials of an Authorization header as Go's Request.BasicAuth reads
 * them: the scheme "Basic " in any case, standard base64, the user up to the
 * first ':'. A NUL in either would cut the C strings compared with the web
 * config, so a password followed by a NUL and anything is refused rather
 * than taken for its first part. Sets r->user and r->pass (malloc'd) or
 * leaves them NULL.
 */
static void
basic_credentials(struct httpd_req *r)
{
	const char	*h, *colon;
	struct buf	 b;
	size_t		 len;

	h = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND,
	    MHD_HTTP_HEADER_AUTHORIZATION);
	if (h == NULL || strncasecmp(h, "Basic ", 6) != 0)
		return;
	buf_init(&b, 0);
	if (base64_std_decode(&b, h + 6, strlen(h + 6)) == 0 &&
	    (len = b.len) > 0 && memchr(buf_str(&b), '\0', len) == NULL &&
	    (colon = memchr(buf_str(&b), ':', len)) != NULL) {
		r->user = strndup(buf_str(&b), (size_t)(colon - buf_str(&b)));
		r->pass = strdup(colon + 1);
		if (r->user == NULL || r->pass == NULL)
			httpd_auth_free(r);
	}
	if (b.len > 0)
		explicit_bzero(b.data, b.len);
	buf_free(&b);
}

/* Records a finished check: a failure counts against the address. */
enum auth_step
httpd_auth_finish(struct httpd_req *r)
{
	r->auth = AUTH_CHECKED;
	httpd_auth_free(r);
	addrfail_end(r->h->fails, r->addr);
	if (r->auth_ok) {
		addrfail_succeeded(r->h->fails, r->addr);
		return AUTH_PASS;
	}
	addrfail_failed(r->h->fails, r->addr, mono_ms());
	r->www_auth = true;
	httpd_reply_text(r, 401, "Unauthorized");
	return AUTH_ANSWERED;
}

/* On an auth worker: bcrypt, then the request goes on where it was. */
static void
auth_job(void *arg)
{
	struct httpd_req *r = arg;
	struct httpd	*h = r->h;

	r->auth_ok = webconfig_check_user(r->web->wc, r->user, r->pass);
	__atomic_sub_fetch(&h->auth_waiting, 1, __ATOMIC_ACQ_REL);
	/* From here on the pool thread may run, answer and free r. */
	__atomic_store_n(&r->auth_done, true, __ATOMIC_RELEASE);
	MHD_resume_connection(r->conn);
}

static enum auth_step
auth_reply_busy(struct httpd_req *r, unsigned status, const char *msg, int64_t wait_ms)
{
	char	 secs[24];

	snprintf(secs, sizeof(secs), "%lld", (long long)((wait_ms + 999) / 1000));
	httpd_auth_free(r);
	httpd_reply_headers(r, status, NULL, msg, strlen(msg),
	    (const char *const[]){ "Retry-After", secs, NULL });
	return AUTH_ANSWERED;
}

/*
 * Credentials verified before pass at once. Others wait for a bcrypt on an
 * auth worker (the request is suspended meanwhile), unless their address
 * is serving a backoff for failed logins (429) or too many checks wait
 * already (503): a flood of bad passwords then costs the flooding address,
 * not the clients whose credentials are cached.
 */
enum auth_step
httpd_auth_begin(struct httpd_req *r)
{
	struct httpd	*h = r->h;
	int64_t		 wait;
	bool		 stopping;

	basic_credentials(r);
	if (r->user == NULL || r->pass == NULL) {
		httpd_auth_free(r);
		r->www_auth = true;
		httpd_reply_text(r, 401, "Unauthorized");
		return AUTH_ANSWERED;
	}
	if (webconfig_check_cached(r->web->wc, r->user, r->pass)) {
		httpd_auth_free(r);
		return AUTH_PASS;
	}
	peer_address(r);
	if ((wait = addrfail_wait(h->fails, r->addr, mono_ms())) > 0)
		return auth_reply_busy(r, 429, "too many failed logins from this address\n", wait);
	if (!addrfail_begin(h->fails, r->addr, mono_ms()))
		return auth_reply_busy(r, 429, "too many logins from this address being checked\n",
		    1000);
	if (__atomic_add_fetch(&h->auth_waiting, 1, __ATOMIC_ACQ_REL) > AUTH_MAX_WAITING) {
		__atomic_sub_fetch(&h->auth_waiting, 1, __ATOMIC_ACQ_REL);
		addrfail_end(h->fails, r->addr);
		return auth_reply_busy(r, 503, "too many logins being checked\n", 1000);
	}
	pthread_mutex_lock(&h->mu);
	if (!(stopping = h->stopping))
		h->suspended++;
	pthread_mutex_unlock(&h->mu);
	if (stopping) {
		/* libmicrohttpd must not stop with a suspended connection. */
		__atomic_sub_fetch(&h->auth_waiting, 1, __ATOMIC_ACQ_REL);
		r->auth_ok = webconfig_check_user(r->web->wc, r->user, r->pass);
		return httpd_auth_finish(r);
	}
	r->auth = AUTH_WAITING;
	MHD_suspend_connection(r->conn);
	/* The queue holds AUTH_MAX_WAITING, so this cannot fail; if it did,
	 * the check runs here rather than leave the request suspended. */
	if (workpool_submit(h->auth, auth_job, r) == -1)
		auth_job(r);
	return AUTH_PENDING;
}

/* A request back from its auth check: one less suspended. */
void
httpd_auth_resumed(struct httpd_req *r)
{
	struct httpd	*h = r->h;

	pthread_mutex_lock(&h->mu);
	h->suspended--;
	pthread_mutex_unlock(&h->mu);
}
