/* httpd.h: the HTTP server both daemons share: libmicrohttpd with a thread
 * pool, a method + path router, capped request bodies, exporter-toolkit style
 * TLS and basic auth, and per-request metrics.
 *
 * Handlers see the whole body at once (bodies never exceed the cap) and
 * answer with httpd_reply*(); a handler that does not answer yields a 500.
 * Credentials not verified before are checked (bcrypt) by two auth workers
 * off the request threads; an address whose passwords keep failing waits
 * longer and longer before its next check (429), others do not.
 * A handler whose answer waits for something slow that it does not do
 * itself (the store's commit) suspends the request instead: the pool thread
 * goes back to other connections and the answer follows on resume. */
#ifndef TOCSIN_HTTPD_H
#define TOCSIN_HTTPD_H

#include <stdbool.h>
#include <stddef.h>

#include "err.h"
#include "metrics.h"
#include "webconfig.h"

struct httpd;		/* opaque server */
struct httpd_req;	/* opaque request, valid during the handler call */

typedef void (*httpd_handler)(struct httpd_req *req, void *arg);
/* What a suspended request runs when it is resumed. */
typedef void (*httpd_resume_fn)(struct httpd_req *req, void *arg);

/* The defaults of the limits below (the daemons' --web.* flags). */
#define HTTPD_MAX_CONNECTIONS		512
#define HTTPD_MAX_CONNECTIONS_PER_IP	128
#define HTTPD_HEADER_TIMEOUT_MS		10000
#define HTTPD_READ_TIMEOUT_MS		60000
#define HTTPD_BODY_BUDGET		((size_t)64 << 20)

struct httpd_params {
	const char	*listen;	/* "host:port", "[v6]:port" or ":port" */
	size_t		 max_body;	/* bytes; larger bodies get 413 */
	unsigned	 threads;	/* thread pool size; 0 means 4 */
	/* Idle timeout while the answer is written, seconds; 0 means 10.
	 * Reading a request is bounded by the two deadlines below. */
	unsigned	 timeout;
	unsigned	 conn_limit;	/* 0 means HTTPD_MAX_CONNECTIONS */
	unsigned	 per_ip_limit;	/* 0 means HTTPD_MAX_CONNECTIONS_PER_IP */
	/* From a connection's start (or its previous answer) to the end of the
	 * request's headers, and to the end of its body; a client that
	 * trickles bytes does not push them back. 0 means the defaults. */
	unsigned	 header_timeout_ms;
	unsigned	 read_timeout_ms;
	/* Request bodies buffered at once, all connections together; a body
	 * that does not fit gets 503. 0 means HTTPD_BODY_BUDGET. */
	size_t		 body_budget;
	struct webconfig *web;		/* TLS and auth; NULL for plain HTTP. Owned by
					 * the server from httpd_new on (even when it fails) */
	struct metrics	*metrics;	/* NULL for none. Borrowed */
	unsigned	 stop_grace_ms;	/* how long httpd_free waits for running
					 * handlers; 0 means 5000 */
};

/* Allocates a server (not yet listening). p->metrics must outlive it.
 * Caller frees with httpd_free. */
struct httpd *httpd_new(const struct httpd_params *p, struct terr *err);
/* Registers a handler before httpd_start. With prefix, path matches every
 * path that starts with it. label names the handler in metrics and logs.
 * A GET handler also answers HEAD. Unknown paths get 404, known paths with
 * another method 405 with an Allow header. */
int	httpd_handle(struct httpd *h, const char *method, const char *path, bool prefix,
	    const char *label, httpd_handler fn, void *arg) WARN_UNUSED;
/* httpd_handle of a prefix route whose rest is a credential (an action
 * link's token): logs name it by label, never by its path. */
int	httpd_handle_secret(struct httpd *h, const char *method,
	    const char *prefix, const char *label, httpd_handler fn, void *arg)
	    WARN_UNUSED;
/* Binds and starts serving on the pool's threads. */
int	httpd_start(struct httpd *h, struct terr *err) WARN_UNUSED;
/* Replaces the basic auth users and headers for requests that start from now
 * on, and the certificate and key for handshakes from now on, and takes
 * ownership of wc; the previous config is freed when its last request ends.
 * The other TLS settings (versions, client CA and policy), and TLS itself
 * being on or off, stay those the server started with. Returns -1 with err
 * (and does not take wc) when the certificate does not load or memory runs
 * out. */
int	httpd_set_webconfig(struct httpd *h, struct webconfig *wc,
	    struct terr *err) WARN_UNUSED;
/* The bound address ("127.0.0.1:9096"; the real port when 0 was asked). */
const char *httpd_address(const struct httpd *h);
/* Stops and frees: stops accepting, waits for every suspended request to be
 * resumed and answered (however long that takes: whoever suspended it owes
 * the resume, and the state it resumes into must not be freed under it),
 * gives running handlers a grace period (stop_grace_ms), then stops the
 * pool. A handler still running then that suspends its request waits for
 * the resume on its own thread, and the stop waits for that thread. */
void	httpd_free(struct httpd *h);

const char *httpd_req_method(const struct httpd_req *r);
/* The path without the query string. */
const char *httpd_req_path(const struct httpd_req *r);
/* For a prefix route: the rest of the path after the prefix. */
const char *httpd_req_rest(const struct httpd_req *r);
/* A request header (case-insensitive name) or NULL. */
const char *httpd_req_header(const struct httpd_req *r, const char *name);
/* A query string argument, decoded, or NULL when absent ("" for "?name"). */
const char *httpd_req_query(const struct httpd_req *r, const char *name);
/* The body (NUL-terminated; may contain NULs) and its length. */
const char *httpd_req_body(const struct httpd_req *r, size_t *len);

/* Sets the answer (copied). The first answer wins. */
int	httpd_reply(struct httpd_req *r, unsigned status, const char *content_type,
	    const char *body, size_t len);
/* httpd_reply of a body the caller allocated (len + 1 bytes, NUL-ended),
 * taken over without a copy and freed by the server, also when the answer
 * was set already or the call fails: for large answers (a /metrics of
 * 100,000 checks is 40 MB). */
int	httpd_reply_take(struct httpd_req *r, unsigned status,
	    const char *content_type, char *body, size_t len);
/* httpd_reply with extra response headers: headers holds name, value,
 * name, value, ... and ends with a NULL name (copied). */
int	httpd_reply_headers(struct httpd_req *r, unsigned status, const char *content_type,
	    const char *body, size_t len, const char *const *headers);
/* A text/plain answer: the formatted line plus "\n". */
int	httpd_reply_text(struct httpd_req *r, unsigned status, const char *fmt, ...)
	    PRINTF_LIKE(3, 4);

/*
 * From a handler that has not answered: the request is parked without a
 * thread (libmicrohttpd's suspend) when the handler returns. Exactly one
 * httpd_resume(req) must follow, from any thread and at any time (even
 * before the handler returns); then fn(req, arg) runs on a pool thread and
 * answers as a handler does (no answer: 500). req and its body stay valid
 * until fn returns. A client that went away in between is noticed only
 * when the answer is written; fn still runs, so whatever arg holds is
 * released there. fn is not called when the server is stopped without
 * the request having been resumed, which httpd_free never does.
 */
void	httpd_suspend(struct httpd_req *r, httpd_resume_fn fn, void *arg);
/* Any thread, once per httpd_suspend. r must not be used afterwards by the
 * caller: it may be answered and freed before this returns. */
void	httpd_resume(struct httpd_req *r);

#endif
