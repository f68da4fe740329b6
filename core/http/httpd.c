/* httpd.c: libmicrohttpd behind a tiny router. Everything that can be decided
 * from the headers (auth, route, method, declared size) is answered before the
 * body is read, so bad requests cost no memory. */
#include <sys/socket.h>
#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>

#include <errno.h>
#include <gnutls/gnutls.h>
#include <microhttpd.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "addrfail.h"
#include "bodybudget.h"
#include "buf.h"
#include "clock.h"
#include "conndeadline.h"
#include "hexdigit.h"
#include "httpd.h"
#include "httpd_int.h"
#include "log.h"
#include "tlscert.h"
#include "workpool.h"

/* How much of an oversized chunked body is read (and dropped) so the client
 * still gets its 413 before the connection is cut. */
#define DRAIN_MAX ((size_t)64 << 20)
/* How long a stop waits for requests in flight, by default; it looks every
 * STOP_TICK_MS. */
#define STOP_GRACE_MS	5000
#define STOP_TICK_MS	20
/* How often connections are checked against their read deadlines. */
#define REAP_TICK_MS	100

static void budget_metric(struct httpd *h);

static const double duration_buckets[] = {
	0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
};

/* fmt is libmicrohttpd's format, only passed on to vsnprintf. */
static void mhd_logger(void *cls, const char *fmt, va_list ap) PRINTF_LIKE(2, 0);

static void
mhd_logger(void *cls, const char *fmt, va_list ap)
{
	char	 line[512];
	size_t	 n;

	vsnprintf(line, sizeof(line), fmt, ap);
	n = strlen(line);
	while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
		line[--n] = '\0';
	log_debug("HTTP server", "err", line);
}

/* Splits "host:port" (host may be "[v6]" or empty) and resolves it. */
static int
parse_listen(struct httpd *h, const char *listen, struct terr *err)
{
	struct addrinfo	 hints, *res = NULL;
	const char	*colon, *orig = listen;
	char		 host[256], port[16];
	size_t		 hl;
	int		 rc;

	if ((colon = strrchr(listen, ':')) == NULL || colon[1] == '\0')
		return terr_set(err, "listen address %s: missing port", listen);
	hl = (size_t)(colon - listen);
	if (hl >= 2 && listen[0] == '[' && listen[hl - 1] == ']') {
		listen++;
		hl -= 2;
	}
	if (hl >= sizeof(host) || strlen(colon + 1) >= sizeof(port))
		return terr_set(err, "listen address too long");
	memcpy(host, listen, hl);
	host[hl] = '\0';
	snprintf(port, sizeof(port), "%s", colon + 1);
	memset(&hints, 0, sizeof(hints));
	/* No host means every interface, IPv4 and IPv6, as Go's ":port". */
	hints.ai_family = hl ? AF_UNSPEC : AF_INET6;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
	if ((rc = getaddrinfo(hl ? host : NULL, port, &hints, &res)) != 0 && hl == 0) {
		hints.ai_family = AF_INET;
		rc = getaddrinfo(NULL, port, &hints, &res);
	}
	if (rc != 0)
		return terr_set(err, "listen address %s: %s", orig, gai_strerror(rc));
	h->any = hl == 0;
	memcpy(&h->ss, res->ai_addr, res->ai_addrlen);
	h->sslen = res->ai_addrlen;
	freeaddrinfo(res);
	return 0;
}

static struct webref *
web_acquire(struct httpd *h)
{
	struct webref	*w;

	pthread_mutex_lock(&h->mu);
	if ((w = h->cur) != NULL)
		w->refs++;
	pthread_mutex_unlock(&h->mu);
	return w;
}

static void
web_release(struct httpd *h, struct webref *w)
{
	bool	 last;

	if (w == NULL)
		return;
	pthread_mutex_lock(&h->mu);
	last = --w->refs == 0;
	pthread_mutex_unlock(&h->mu);
	if (last) {
		webconfig_free(w->wc);
		free(w);
	}
}

int
httpd_set_webconfig(struct httpd *h, struct webconfig *wc, struct terr *err)
{
	struct webref	*w, *old;

	/* The certificate first: a pair that does not load leaves
	 * everything as it was. */
	if (h->cert != NULL && webconfig_tls_enabled(wc) &&
	    tlscert_set(h->cert, webconfig_tls_cert(wc), webconfig_tls_key(wc),
	    err) == -1)
		return -1;
	if ((w = calloc(1, sizeof(*w))) == NULL)
		return terr_set(err, "out of memory");
	w->wc = wc;
	w->refs = 1;
	pthread_mutex_lock(&h->mu);
	old = h->cur;
	h->cur = w;
	pthread_mutex_unlock(&h->mu);
	web_release(h, old);
	return 0;
}

struct httpd *
httpd_new(const struct httpd_params *p, struct terr *err)
{
	static const char *const rl[] = { "handler", "code", NULL };
	static const char *const dl[] = { "handler", NULL };
	static const char *const pl[] = { "phase", NULL };
	struct httpd	*h;

	if ((h = calloc(1, sizeof(*h))) == NULL) {
		terr_set(err, "out of memory");
		webconfig_free(p->web);
		return NULL;
	}
	pthread_mutex_init(&h->mu, NULL);
	pthread_cond_init(&h->resumed, NULL);
	h->p = *p;
	if (p->web) {
		if (webconfig_tls_enabled(p->web) &&
		    (h->cert = tlscert_new()) == NULL) {
			webconfig_free(p->web);
			terr_set(err, "out of memory");
			goto fail;
		}
		if (httpd_set_webconfig(h, p->web, err) == -1) {
			webconfig_free(p->web);
			goto fail;
		}
		h->tls = h->cur;
		h->tls->refs++;
	}
	if (h->p.threads == 0)
		h->p.threads = 4;
	if (h->p.timeout == 0)
		h->p.timeout = 10;
	if (h->p.conn_limit == 0)
		h->p.conn_limit = HTTPD_MAX_CONNECTIONS;
	if (h->p.per_ip_limit == 0)
		h->p.per_ip_limit = HTTPD_MAX_CONNECTIONS_PER_IP;
	if (h->p.header_timeout_ms == 0)
		h->p.header_timeout_ms = HTTPD_HEADER_TIMEOUT_MS;
	if (h->p.read_timeout_ms == 0)
		h->p.read_timeout_ms = HTTPD_READ_TIMEOUT_MS;
	if (h->p.body_budget == 0)
		h->p.body_budget = HTTPD_BODY_BUDGET;
	bodybudget_init(&h->budget, h->p.body_budget);
	if ((h->dl = conndl_new(h->p.header_timeout_ms, h->p.read_timeout_ms)) == NULL ||
	    (h->fails = addrfail_new(0)) == NULL ||
	    (h->auth = workpool_new(AUTH_THREADS, AUTH_MAX_WAITING)) == NULL) {
		terr_set(err, "out of memory");
		goto fail;
	}
	if (h->p.stop_grace_ms == 0)
		h->p.stop_grace_ms = STOP_GRACE_MS;
	if (parse_listen(h, p->listen ? p->listen : "127.0.0.1:9096", err) == -1)
		goto fail;
	if (p->metrics) {
		h->m_requests = metrics_counter(p->metrics, "tocsin_http_requests_total",
		    "Total number of HTTP requests by handler and status code.", rl);
		h->m_duration = metrics_histogram(p->metrics, "tocsin_http_request_duration_seconds",
		    "Histogram of latencies for HTTP requests.", dl, duration_buckets,
		    sizeof(duration_buckets) / sizeof(*duration_buckets));
		h->m_timeouts = metrics_counter(p->metrics, "tocsin_http_read_timeouts_total",
		    "Connections closed because a request's headers or body were not read "
		    "by their deadline, by phase.", pl);
		h->m_buffered = metrics_gauge(p->metrics, "tocsin_http_body_bytes_buffered",
		    "Bytes of request bodies buffered or reserved for announced bodies, "
		    "all connections together.", NULL);
		if (h->m_requests == NULL || h->m_duration == NULL || h->m_timeouts == NULL ||
		    h->m_buffered == NULL) {
			terr_set(err, "cannot register HTTP metrics");
			goto fail;
		}
		budget_metric(h);
		(void)metric_add(h->m_timeouts, (const char *const[]){ "headers" }, 0);
		(void)metric_add(h->m_timeouts, (const char *const[]){ "body" }, 0);
	}
	return h;
 fail:
	httpd_free(h);
	return NULL;
}

static int
add_route(struct httpd *h, const char *method, const char *path, bool prefix,
    bool secret, const char *label, httpd_handler fn, void *arg)
{
	struct hroute	*nr, *r;

	if (h->mhd)
		return -1;
	if ((nr = realloc(h->routes, (h->nroutes + 1) * sizeof(*nr))) == NULL)
		return -1;
	h->routes = nr;
	r = &nr[h->nroutes];
	memset(r, 0, sizeof(*r));
	r->method = strdup(method);
	r->path = strdup(path);
	r->label = strdup(label ? label : path);
	if (r->method == NULL || r->path == NULL || r->label == NULL) {
		free(r->method);
		free(r->path);
		free(r->label);
		return -1;
	}
	r->plen = strlen(path);
	r->prefix = prefix;
	r->secret = secret;
	r->fn = fn;
	r->arg = arg;
	h->nroutes++;
	return 0;
}

int
httpd_handle(struct httpd *h, const char *method, const char *path, bool prefix,
    const char *label, httpd_handler fn, void *arg)
{
	return add_route(h, method, path, prefix, false, label, fn, arg);
}

int
httpd_handle_secret(struct httpd *h, const char *method, const char *prefix,
    const char *label, httpd_handler fn, void *arg)
{
	return add_route(h, method, prefix, true, true, label, fn, arg);
}

static bool
path_matches(const struct hroute *r, const char *path)
{
	if (r->prefix)
		return strncmp(path, r->path, r->plen) == 0;
	return strcmp(path, r->path) == 0;
}

/* Finds the route; on a method mismatch fills allow, points *same_path at a
 * route for that path (to name it in metrics) and returns NULL. */
static const struct hroute *
route_find(const struct httpd *h, const char *method, const char *path, char *allow,
    size_t len, const struct hroute **same_path)
{
	const struct hroute *r;
	size_t		 i;
	bool		 get = false, head = false;

	*same_path = NULL;
	allow[0] = '\0';
	for (i = 0; i < h->nroutes; i++) {
		r = &h->routes[i];
		if (!path_matches(r, path))
			continue;
		if (*same_path == NULL)
			*same_path = r;
		if (strcmp(r->method, method) == 0 ||
		    (strcmp(method, "HEAD") == 0 && strcmp(r->method, "GET") == 0))
			return r;
		get |= strcmp(r->method, "GET") == 0;
		head |= strcmp(r->method, "HEAD") == 0;
		if (strstr(allow, r->method) == NULL && strlen(allow) + strlen(r->method) + 3 < len)
			snprintf(allow + strlen(allow), len - strlen(allow), "%s%s",
			    allow[0] ? ", " : "", r->method);
	}
	if (get && !head && strlen(allow) + 7 < len)
		snprintf(allow + strlen(allow), len - strlen(allow), ", HEAD");
	return NULL;
}

int
httpd_reply(struct httpd_req *r, unsigned status, const char *content_type,
    const char *body, size_t len)
{
	if (r->status)
		return 0;
	r->ctype = strdup(content_type ? content_type : "text/plain; charset=utf-8");
	r->resp = malloc(len + 1);
	if (r->ctype == NULL || r->resp == NULL) {
		free(r->ctype);
		free(r->resp);
		r->ctype = r->resp = NULL;
		return -1;
	}
	memcpy(r->resp, body, len);
	r->resp[len] = '\0';
	r->resplen = len;
	r->status = status;
	return 0;
}

int
httpd_reply_take(struct httpd_req *r, unsigned status, const char *content_type,
    char *body, size_t len)
{
	if (r->status) {
		free(body);
		return 0;
	}
	if ((r->ctype = strdup(content_type ? content_type :
	    "text/plain; charset=utf-8")) == NULL) {
		free(body);
		return -1;
	}
	r->resp = body;
	r->resplen = len;
	r->status = status;
	return 0;
}

int
httpd_reply_headers(struct httpd_req *r, unsigned status, const char *content_type,
    const char *body, size_t len, const char *const *headers)
{
	size_t	 i;

	if (r->status)
		return 0;
	if (httpd_reply(r, status, content_type, body, len) == -1)
		return -1;
	for (i = 0; headers[i] != NULL; i += 2)
		if (kv_set(&r->headers, headers[i], headers[i + 1]) == -1)
			return -1;
	return 0;
}

int
httpd_reply_text(struct httpd_req *r, unsigned status, const char *fmt, ...)
{
	struct buf	 b;
	va_list		 ap;
	int		 rc;

	buf_init(&b, 1 << 20);
	va_start(ap, fmt);
	rc = buf_vprintf(&b, fmt, ap);
	va_end(ap);
	if (rc == 0)
		rc = buf_addc(&b, '\n');
	if (rc == 0)
		rc = httpd_reply(r, status, "text/plain; charset=utf-8", b.data, b.len);
	buf_free(&b);
	return rc;
}

const char *
httpd_req_method(const struct httpd_req *r)
{
	return r->method;
}

const char *
httpd_req_path(const struct httpd_req *r)
{
	return r->path;
}

const char *
httpd_req_rest(const struct httpd_req *r)
{
	if (r->route == NULL || !r->route->prefix)
		return "";
	return r->path + r->route->plen;
}

const char *
httpd_req_header(const struct httpd_req *r, const char *name)
{
	return MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, name);
}

const char *
httpd_req_query(const struct httpd_req *r, const char *name)
{
	return MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, name);
}

const char *
httpd_req_body(const struct httpd_req *r, size_t *len)
{
	*len = r->body.len;
	return buf_str(&r->body);
}

/* Counts and logs a request when its answer is queued, so that the metrics
 * a client reads next already include the answer it just got. */
static void
account(struct httpd_req *r)
{
	struct httpd	*h = r->h;
	struct timespec	 now;
	const char	*label;
	char		 code[16], dur[32];
	double		 secs;
	bool		 secret;

	clock_gettime(CLOCK_MONOTONIC, &now);
	secs = (double)(now.tv_sec - r->start.tv_sec) + (now.tv_nsec - r->start.tv_nsec) / 1e9;
	label = r->route ? r->route->label : r->same_path ? r->same_path->label : "other";
	secret = (r->route != NULL && r->route->secret) ||
	    (r->route == NULL && r->same_path != NULL && r->same_path->secret);
	snprintf(code, sizeof(code), "%u", r->status);
	if (h->m_requests) {
		(void)metric_add(h->m_requests, (const char *const[]){ label, code }, 1);
		(void)metric_observe(h->m_duration, (const char *const[]){ label }, secs);
	}
	/* The path only: query strings may carry tokens, headers credentials;
	 * and not even that where the path holds one. */
	if (log_enabled(LOGL_DEBUG)) {
		snprintf(dur, sizeof(dur), "%.6f", secs);
		log_debug("HTTP request", "method", r->method, "path",
		    secret ? label : r->path,
		    "handler", label, "code", code, "duration_seconds", dur);
	}
}

static enum MHD_Result
send_answer(struct httpd_req *r)
{
	struct MHD_Response	*resp;
	enum MHD_Result		 ret;
	const struct kv		*hs;
	size_t			 i;

	if (r->status == 0) {
		log_error("Handler gave no answer", "path", r->path);
		if (httpd_reply_text(r, 500, "internal error") == -1)
			return MHD_NO;
	}
	/* The body goes to the server as it is, freed when it is sent. */
	resp = MHD_create_response_from_buffer(r->resplen, r->resp,
	    r->resp != NULL ? MHD_RESPMEM_MUST_FREE : MHD_RESPMEM_PERSISTENT);
	if (resp == NULL)
		return MHD_NO;
	r->resp = NULL;
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, r->ctype);
	if (r->allow[0])
		MHD_add_response_header(resp, MHD_HTTP_HEADER_ALLOW, r->allow);
	if (r->www_auth)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_WWW_AUTHENTICATE, "Basic");
	for (i = 0; i < r->headers.n; i++)
		MHD_add_response_header(resp, r->headers.v[i].name, r->headers.v[i].value);
	if (r->web) {
		hs = webconfig_headers(r->web->wc);
		for (i = 0; i < hs->n; i++)
			MHD_add_response_header(resp, hs->v[i].name, hs->v[i].value);
	}
	ret = MHD_queue_response(r->conn, r->status, resp);
	MHD_destroy_response(resp);
	if (ret == MHD_YES) {
		/* Writing the answer is bounded by the idle timeout. */
		conndl_set_phase(r->h->dl, r->dl, CONNDL_BUSY);
		account(r);
	}
	return ret;
}

/* Client certificates are requested by GnuTLS when a CA is configured; the
 * policy (required or optional, verified or not) is enforced here. */
static bool
client_cert_ok(const struct httpd *h, struct MHD_Connection *conn)
{
	const union MHD_ConnectionInfo *ci;
	gnutls_session_t s;
	unsigned	 npeers = 0, status = 0;
	enum web_client_auth ca = webconfig_tls_client_auth(h->p.web);

	if (ca == WEB_NO_CLIENT_CERT || ca == WEB_REQUEST_CLIENT_CERT)
		return true;
	ci = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_GNUTLS_SESSION);
	if (ci == NULL || ci->tls_session == NULL)
		return false;
	s = (gnutls_session_t)ci->tls_session;
	if (gnutls_certificate_get_peers(s, &npeers) == NULL)
		npeers = 0;
	if (npeers == 0)
		return ca == WEB_VERIFY_CLIENT_CERT_IF_GIVEN;
	if (ca == WEB_REQUIRE_ANY_CLIENT_CERT)
		return true;
	return gnutls_certificate_verify_peers2(s, &status) == 0 && status == 0;
}

static void
budget_metric(struct httpd *h)
{
	if (h->m_buffered)
		(void)metric_set(h->m_buffered, NULL, (double)bodybudget_used(&h->budget));
}

/* Takes what the body needs beyond r->reserved; false when the budget is
 * spent (then nothing more is taken). */
static bool
budget_grow(struct httpd_req *r, size_t need)
{
	struct httpd	*h = r->h;

	if (need <= r->reserved)
		return true;
	if (!bodybudget_take(&h->budget, need - r->reserved))
		return false;
	r->reserved = need;
	budget_metric(h);
	return true;
}

static void
budget_release(struct httpd_req *r)
{
	if (r->reserved == 0)
		return;
	bodybudget_give(&r->h->budget, r->reserved);
	r->reserved = 0;
	budget_metric(r->h);
}

static void
reply_over_budget(struct httpd_req *r)
{
	httpd_reply_headers(r, 503, NULL, "too many request bodies in flight; retry later\n",
	    strlen("too many request bodies in flight; retry later\n"),
	    (const char *const[]){ "Retry-After", "1", NULL });
}

/* Decides what can be decided from the request line and headers. Returns
 * true when the answer is already set. */
static bool
early_answer(struct httpd_req *r)
{
	struct httpd	*h = r->h;
	const char	*cl, *te;
	char		*end;
	unsigned long long n;

	/* As Go's server: chunked is the one transfer coding a request may
	 * have; another would leave the body's end unknown until the read
	 * deadline. */
	te = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND,
	    MHD_HTTP_HEADER_TRANSFER_ENCODING);
	if (te != NULL && strcasecmp(te, "chunked") != 0) {
		httpd_reply_text(r, 501, "Unsupported transfer encoding");
		return true;
	}
	r->route = route_find(h, r->method, r->path, r->allow, sizeof(r->allow), &r->same_path);
	if (r->route == NULL) {
		if (r->same_path)
			httpd_reply_text(r, 405, "method %s not allowed", r->method);
		else
			httpd_reply_text(r, 404, "not found");
		return true;
	}
	cl = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
	if (cl) {
		errno = 0;
		n = strtoull(cl, &end, 10);
		if (errno == 0 && *end == '\0' && n > h->p.max_body) {
			httpd_reply_text(r, 413, "request body larger than %zu bytes", h->p.max_body);
			return true;
		}
		/* The announced body is reserved before a byte of it is read. */
		if (errno == 0 && *end == '\0' && !budget_grow(r, (size_t)n)) {
			reply_over_budget(r);
			return true;
		}
	}
	return false;
}

void
httpd_suspend(struct httpd_req *r, httpd_resume_fn fn, void *arg)
{
	struct httpd	*h = r->h;

	r->resume_fn = fn;
	r->resume_arg = arg;
	pthread_mutex_lock(&h->mu);
	if (!(r->inline_wait = h->stopping))
		h->suspended++;
	pthread_mutex_unlock(&h->mu);
	if (!r->inline_wait)
		MHD_suspend_connection(r->conn);
}

void
httpd_resume(struct httpd_req *r)
{
	struct httpd	*h = r->h;
	struct MHD_Connection *conn = r->conn;
	bool		 inline_wait;

	pthread_mutex_lock(&h->mu);
	if ((inline_wait = r->inline_wait)) {
		__atomic_store_n(&r->resumed, true, __ATOMIC_RELEASE);
		pthread_cond_broadcast(&h->resumed);
	}
	pthread_mutex_unlock(&h->mu);
	if (inline_wait)
		return;
	/* From the resume on, the pool thread may run, answer and free r. */
	__atomic_store_n(&r->resumed, true, __ATOMIC_RELEASE);
	MHD_resume_connection(conn);
}

/* A request suspended while the server stops: its pool thread waits for
 * the resume (httpd_free waits for that thread). */
static void
wait_resume(struct httpd_req *r)
{
	struct httpd	*h = r->h;

	pthread_mutex_lock(&h->mu);
	while (!__atomic_load_n(&r->resumed, __ATOMIC_ACQUIRE))
		pthread_cond_wait(&h->resumed, &h->mu);
	pthread_mutex_unlock(&h->mu);
}

/* Runs the continuation of a resumed request, once. */
static void
run_resume(struct httpd_req *r)
{
	struct httpd	*h = r->h;
	httpd_resume_fn	 fn = r->resume_fn;

	r->resume_fn = NULL;
	fn(r, r->resume_arg);
	if (r->inline_wait)
		return;
	pthread_mutex_lock(&h->mu);
	h->suspended--;
	pthread_mutex_unlock(&h->mu);
}

/* The connection's deadline entry (set when it opened). */
static struct conndl_conn *
conn_deadlines(struct MHD_Connection *conn)
{
	const union MHD_ConnectionInfo *ci;

	ci = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
	return ci ? ci->socket_context : NULL;
}

/* The first call, with the headers read: sets the request up and decides
 * what the headers can decide. */
static enum MHD_Result
request_begin(struct httpd *h, struct MHD_Connection *conn, const char *url,
    const char *method, void **con_cls)
{
	struct httpd_req *r;

	if ((r = calloc(1, sizeof(*r))) == NULL)
		return MHD_NO;
	*con_cls = r;
	r->h = h;
	r->conn = conn;
	r->method = method;
	r->path = url;
	clock_gettime(CLOCK_MONOTONIC, &r->start);
	buf_init(&r->body, h->p.max_body ? h->p.max_body : 1);
	r->web = web_acquire(h);
	r->dl = conn_deadlines(conn);
	conndl_set_phase(h->dl, r->dl, CONNDL_BODY);
	pthread_mutex_lock(&h->mu);
	h->active++;
	pthread_mutex_unlock(&h->mu);
	if (webconfig_tls_enabled(h->p.web) && !client_cert_ok(h, conn)) {
		log_debug("Client certificate rejected", "path", url);
		return MHD_NO;
	}
	if (r->web && webconfig_has_users(r->web->wc)) {
		switch (httpd_auth_begin(r)) {
		case AUTH_PENDING:
			return MHD_YES;
		case AUTH_ANSWERED:
			return send_answer(r);
		case AUTH_PASS:
			break;
		}
	}
	if (early_answer(r))
		return send_answer(r);
	return MHD_YES;
}

/* A chunk of the body. A chunked body has no length to refuse up front,
 * and MHD 0.9 cannot answer in the middle of an upload: past the cap or
 * the budget the rest is drained without being stored and the answer
 * (413, 503) follows at its end. A sender that goes on for more than
 * DRAIN_MAX is cut off. */
static enum MHD_Result
request_chunk(struct httpd_req *r, const char *upload, size_t *upload_size)
{
	bool	 dropping = r->too_large || r->over_budget;

	if (!dropping && !budget_grow(r, r->body.len + *upload_size)) {
		r->over_budget = dropping = true;
		buf_free(&r->body);
		budget_release(r);
	}
	if (!dropping && buf_add(&r->body, upload, *upload_size) == -1) {
		r->too_large = dropping = true;
		buf_free(&r->body);
		budget_release(r);
	}
	if (dropping && (r->drained += *upload_size) > DRAIN_MAX) {
		log_debug("Request body far over the limit; closing", "path", r->path);
		return MHD_NO;
	}
	*upload_size = 0;
	return MHD_YES;
}

static enum MHD_Result
on_request(void *cls, struct MHD_Connection *conn, const char *url, const char *method,
    const char *version, const char *upload, size_t *upload_size, void **con_cls)
{
	struct httpd	*h = cls;
	struct httpd_req *r = *con_cls;

	if (r == NULL)
		return request_begin(h, conn, url, method, con_cls);
	if (r->auth == AUTH_WAITING) {
		/* Back from the auth worker: still the first call's place. */
		if (!__atomic_load_n(&r->auth_done, __ATOMIC_ACQUIRE))
			return MHD_YES;
		httpd_auth_resumed(r);
		if (httpd_auth_finish(r) == AUTH_ANSWERED || early_answer(r))
			return send_answer(r);
		return MHD_YES;
	}
	if (*upload_size > 0)
		return request_chunk(r, upload, upload_size);
	conndl_set_phase(h->dl, r->dl, CONNDL_BUSY);
	if (r->resume_fn != NULL) {
		/* Only a resume brings a suspended request back here. */
		if (!__atomic_load_n(&r->resumed, __ATOMIC_ACQUIRE))
			return MHD_YES;
		run_resume(r);
		return send_answer(r);
	}
	if (r->status)
		return MHD_YES;
	if (r->too_large)
		httpd_reply_text(r, 413, "request body larger than %zu bytes", h->p.max_body);
	else if (r->over_budget)
		reply_over_budget(r);
	else
		r->route->fn(r, r->route->arg);
	if (r->resume_fn != NULL) {
		if (!r->inline_wait)
			return MHD_YES;	/* suspended: answered on resume */
		wait_resume(r);
		run_resume(r);
	}
	return send_answer(r);
}

static void
on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
    enum MHD_RequestTerminationCode toe)
{
	struct httpd	*h = cls;
	struct httpd_req *r = *con_cls;

	if (r == NULL)
		return;
	conndl_restart(h->dl, r->dl, mono_ms());
	if (r->auth == AUTH_WAITING) {
		if (!__atomic_load_n(&r->auth_done, __ATOMIC_ACQUIRE)) {
			/* As for a suspended handler below: only a bug. */
			log_error("Request closed during its auth check", "path", r->path);
			*con_cls = NULL;
			return;
		}
		httpd_auth_resumed(r);
	}
	httpd_auth_free(r);
	budget_release(r);
	if (r->resume_fn != NULL) {
		if (!__atomic_load_n(&r->resumed, __ATOMIC_ACQUIRE)) {
			/* A resume is still owed to r: freeing it would leave
			 * that to write into freed memory. httpd_free waits for
			 * every resume, so only a bug gets here. */
			log_error("Suspended request closed before its resume", "path", r->path);
			*con_cls = NULL;
			return;
		}
		/* Resumed, but the connection ended before the handler was
		 * called again: the continuation still releases its state. */
		run_resume(r);
	}
	*con_cls = NULL;
	web_release(h, r->web);
	pthread_mutex_lock(&h->mu);
	h->active--;
	pthread_mutex_unlock(&h->mu);
	buf_free(&r->body);
	free(r->ctype);
	free(r->resp);
	kv_free(&r->headers);
	free(r);
}

/* Every connection gets its read deadlines when it opens and loses them
 * before its socket is closed. */
static void
on_connection(void *cls, struct MHD_Connection *conn, void **socket_context,
    enum MHD_ConnectionNotificationCode code)
{
	struct httpd	*h = cls;
	const union MHD_ConnectionInfo *ci;

	if (code == MHD_CONNECTION_NOTIFY_CLOSED) {
		conndl_remove(h->dl, *socket_context);
		*socket_context = NULL;
		return;
	}
	ci = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CONNECTION_FD);
	*socket_context = ci ? conndl_add(h->dl, ci->connect_fd, mono_ms()) : NULL;
}

/* Shuts down the connections past their read deadlines, a few times a
 * second, until httpd_free. */
static void *
reaper(void *arg)
{
	struct httpd	*h = arg;
	struct timespec	 tick = { 0, REAP_TICK_MS * 1000 * 1000 };
	size_t		 hd, bd;

	while (!__atomic_load_n(&h->reaper_stop, __ATOMIC_ACQUIRE)) {
		nanosleep(&tick, NULL);
		hd = bd = 0;
		conndl_expire(h->dl, mono_ms(), &hd, &bd);
		if (h->m_timeouts && hd)
			(void)metric_add(h->m_timeouts, (const char *const[]){ "headers" }, (double)hd);
		if (h->m_timeouts && bd)
			(void)metric_add(h->m_timeouts, (const char *const[]){ "body" }, (double)bd);
		if (hd + bd > 0)
			log_debug("Closed connections past their read deadline");
	}
	return NULL;
}

/*
 * libmicrohttpd's unescaping of the path and the query, except that %00
 * stays as it is: decoded, it would end the C string, and
 * /webhook/phone%00x would reach the receiver "phone". Kept, it names no
 * receiver and no check, as the NUL does in Go's servers.
 */
static size_t
unescape(void *cls, struct MHD_Connection *c, char *s)
{
	char	*r = s, *w = s;
	int	 hi, lo;

	(void)cls;
	(void)c;
	while (*r != '\0') {
		if (r[0] == '%' && (hi = hex_digit(r[1])) >= 0 &&
		    (lo = hex_digit(r[2])) >= 0 && (hi | lo) != 0) {
			*w++ = (char)(hi << 4 | lo);
			r += 3;
		} else
			*w++ = *r++;
	}
	*w = '\0';
	return (size_t)(w - s);
}

int
httpd_start(struct httpd *h, struct terr *err)
{
	const union MHD_DaemonInfo *di;
	unsigned int	 flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_AUTO |
	    MHD_USE_ERROR_LOG | MHD_USE_ITC | MHD_ALLOW_SUSPEND_RESUME;
	struct MHD_OptionItem opts[16];
	size_t		 n = 0;
	char		 host[INET6_ADDRSTRLEN];
	const void	*a;
	unsigned	 port;

#define OPT(o, v, p) opts[n++] = (struct MHD_OptionItem){ (o), (intptr_t)(v), (p) }
	/* The logger first, or MHD logs the options before it to stderr. */
	OPT(MHD_OPTION_EXTERNAL_LOGGER, mhd_logger, NULL);
	OPT(MHD_OPTION_THREAD_POOL_SIZE, h->p.threads, NULL);
	OPT(MHD_OPTION_CONNECTION_TIMEOUT, h->p.timeout, NULL);
	OPT(MHD_OPTION_CONNECTION_LIMIT, h->p.conn_limit, NULL);
	OPT(MHD_OPTION_PER_IP_CONNECTION_LIMIT, h->p.per_ip_limit, NULL);
	OPT(MHD_OPTION_NOTIFY_COMPLETED, on_completed, h);
	OPT(MHD_OPTION_NOTIFY_CONNECTION, on_connection, h);
	OPT(MHD_OPTION_SOCK_ADDR, 0, &h->ss);
	OPT(MHD_OPTION_UNESCAPE_CALLBACK, unescape, NULL);
	if (h->ss.ss_family == AF_INET6)
		flags |= h->any ? MHD_USE_DUAL_STACK : MHD_USE_IPv6;
	if (webconfig_tls_enabled(h->p.web)) {
		flags |= MHD_USE_TLS;
		OPT(MHD_OPTION_HTTPS_PRIORITIES, 0, (void *)webconfig_tls_priorities(h->p.web));
		if (webconfig_tls_client_ca(h->p.web))
			OPT(MHD_OPTION_HTTPS_MEM_TRUST, 0, (void *)webconfig_tls_client_ca(h->p.web));
	}
	OPT(MHD_OPTION_END, 0, NULL);
#undef OPT
	/* The certificate comes from h->cert on every handshake, so that a
	 * reload can replace it (tlscert.h). The callback goes outside the
	 * array, where libmicrohttpd reads it as the function pointer it is.
	 * Listening under the port asked for covers the handshakes that come
	 * before the bound port is known. */
	if (h->cert != NULL && tlscert_listen(h->cert, ntohs(h->ss.ss_family ==
	    AF_INET6 ? ((struct sockaddr_in6 *)&h->ss)->sin6_port :
	    ((struct sockaddr_in *)&h->ss)->sin_port)) == -1)
		return terr_set(err, "too many TLS servers in one process");
	if (h->cert != NULL)
		h->mhd = MHD_start_daemon(flags, 0, NULL, NULL, on_request, h,
		    MHD_OPTION_ARRAY, opts, MHD_OPTION_HTTPS_CERT_CALLBACK,
		    tlscert_retrieve, MHD_OPTION_END);
	else
		h->mhd = MHD_start_daemon(flags, 0, NULL, NULL, on_request, h,
		    MHD_OPTION_ARRAY, opts, MHD_OPTION_END);
	if (h->mhd == NULL)
		return terr_set(err, "cannot listen on %s (address in use, not local, or TLS setup failed)",
		    h->p.listen ? h->p.listen : "127.0.0.1:9096");
	if (pthread_create(&h->reaper, NULL, reaper, h) != 0) {
		MHD_stop_daemon(h->mhd);
		h->mhd = NULL;
		return terr_set(err, "cannot start a thread");
	}
	h->reaper_on = true;
	di = MHD_get_daemon_info(h->mhd, MHD_DAEMON_INFO_BIND_PORT);
	port = di ? di->port : 0;
	if (h->cert != NULL && tlscert_listen(h->cert, port) == -1)
		return terr_set(err, "too many TLS servers in one process");
	if (h->ss.ss_family == AF_INET6)
		a = &((struct sockaddr_in6 *)&h->ss)->sin6_addr;
	else
		a = &((struct sockaddr_in *)&h->ss)->sin_addr;
	inet_ntop(h->ss.ss_family, a, host, sizeof(host));
	snprintf(h->addr, sizeof(h->addr), h->ss.ss_family == AF_INET6 ? "[%s]:%u" : "%s:%u",
	    host, port);
	return 0;
}

const char *
httpd_address(const struct httpd *h)
{
	return h->addr;
}

/* Stops accepting, then gives requests in flight up to stop_grace_ms to
 * finish so that a notification already written also gets its 200.
 * Suspended requests are waited for without a limit: their resume will come
 * (the store finishes every batch it took), and stopping the daemon under
 * them would free what that resume touches. A handler still running when
 * this gives up and suspends afterwards waits on its own thread, which the
 * stop joins. */
static void
drain(struct httpd *h)
{
	struct timespec	 tick = { 0, STOP_TICK_MS * 1000 * 1000 };
	unsigned	 active, suspended, i;
	bool		 stop;
	char		 n[16];

	MHD_quiesce_daemon(h->mhd);
	for (i = 0;; i++) {
		pthread_mutex_lock(&h->mu);
		active = h->active;
		suspended = h->suspended;
		/* Decided under mu, so no suspend slips in between. */
		stop = active == 0 || (suspended == 0 &&
		    i >= h->p.stop_grace_ms / STOP_TICK_MS);
		h->stopping = stop;
		pthread_mutex_unlock(&h->mu);
		if (stop)
			break;
		nanosleep(&tick, NULL);
	}
	if (active > 0) {
		snprintf(n, sizeof(n), "%u", active);
		log_warn("Stopping the HTTP server with requests still running",
		    "requests", n);
	}
}

void
httpd_free(struct httpd *h)
{
	size_t	 i;

	if (h == NULL)
		return;
	if (h->mhd) {
		drain(h);
		MHD_stop_daemon(h->mhd);
	}
	if (h->reaper_on) {
		__atomic_store_n(&h->reaper_stop, true, __ATOMIC_RELEASE);
		pthread_join(h->reaper, NULL);
	}
	workpool_free(h->auth);
	addrfail_free(h->fails);
	conndl_free(h->dl);
	for (i = 0; i < h->nroutes; i++) {
		free(h->routes[i].method);
		free(h->routes[i].path);
		free(h->routes[i].label);
	}
	free(h->routes);
	web_release(h, h->cur);
	web_release(h, h->tls);
	tlscert_free(h->cert);
	pthread_cond_destroy(&h->resumed);
	pthread_mutex_destroy(&h->mu);
	free(h);
}
