/* httpclient.h: one HTTP request for the HTTP senders, with the safety rules
 * every sender needs in one place: HTTPS verified by default, no redirects,
 * connect and total timeouts, a response size cap, Alertmanager's
 * http_config (basic auth, bearer, proxy, TLS) and URLs redacted in every
 * error, because Telegram and Slack carry their secrets in the path. */
#ifndef TOCSIN_HTTPCLIENT_H
#define TOCSIN_HTTPCLIENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "err.h"
#include "httpconfig.h"

#define HTTP_DEFAULT_CONNECT_TIMEOUT_MS	10000
#define HTTP_DEFAULT_TIMEOUT_MS		30000
#define HTTP_DEFAULT_MAX_RESPONSE	((size_t)1 << 20)

/* Connections (and DNS answers) kept alive between requests, so a busy
 * destination does not pay a TCP and TLS handshake per message. Thread-safe;
 * libcurl only reuses a connection whose TLS settings match. */
struct http_share;

/* Caller frees with http_share_free after the last request using it. NULL
 * when memory runs out. */
struct http_share *http_share_new(void);
void	http_share_free(struct http_share *sh);

struct http_request {
	const char			*url;		/* SECRET: never logged */
	const char			*content_type;	/* "application/json" */
	const void			*body;		/* POSTed */
	size_t				 body_len;
	const struct http_config	*cfg;		/* NULL: none */
	/* More "Name: value" lines, NULL-terminated, for a service that
	 * takes its key in a header (Gotify's X-Gotify-Key); SECRET: never
	 * logged. NULL: none. */
	const char *const		*headers;
	long				 connect_timeout_ms; /* 0: default */
	long				 timeout_ms;	/* 0: default */
	size_t				 max_response;	/* 0: default */
	struct http_share		*share;		/* NULL: a fresh connection */
	/* "GET" or "DELETE" (no body sent); NULL: POST. */
	const char			*method;
	/* Polled while the request runs (a long poll that a shutdown must
	 * not wait out): true ends it as a network failure. NULL: never. */
	bool				(*cancel)(void *arg);
	void				*cancel_arg;
};

/* Why no response came, for callers that answer differently to a slow
 * peer than to an absent one (the watchdog's "no answer within 10s"). */
enum http_fail {
	HTTP_FAIL_NONE,		/* a response came (any status) */
	HTTP_FAIL_NETWORK,	/* DNS, connect, TLS, a dropped connection, other */
	HTTP_FAIL_TIMEOUT,	/* connect or total timeout expired */
};

struct http_response {
	long		 status;	/* HTTP status */
	/* The first max_response bytes of the body: a longer one is cut
	 * there (truncated) and the rest is never read. */
	struct buf	 body;
	bool		 truncated;
	int64_t		 retry_after_ms; /* Retry-After in seconds * 1000; -1 when absent */
	enum http_fail	 fail;		/* set by http_post, HTTP_FAIL_NONE on 0 */
	/* HTTP_FAIL_TIMEOUT: the request's whole time (timeout_ms) ran
	 * out, rather than the connect timeout before it: a sender names
	 * the timeout that ended it. */
	bool		 deadline;
};

/* Initialises r (empty). */
void	http_response_init(struct http_response *r);
/* Frees what r holds. */
void	http_response_free(struct http_response *r);

/*
 * POSTs req (or sends req->method) and blocks until the response (any status) arrived; returns 0
 * with resp filled, a body over the cap cut there (resp->truncated). Returns
 * -1 with err naming the method, the redacted URL and the cause when no
 * response came (DNS, connect, TLS, timeout). Safe from several threads at
 * once (one handle per call).
 */
int	http_post(const struct http_request *req, struct http_response *resp,
	    struct terr *err) WARN_UNUSED;

/* Writes the URL with its secrets removed into out: scheme, host and port
 * kept, user info dropped, the path replaced by "/<redacted>" (when it has
 * more than "/"), query and fragment dropped. */
void	http_redact_url(const char *url, char *out, size_t len);

/* Call once from main() before threads start (curl_global_init). */
int	http_global_init(struct terr *err) WARN_UNUSED;

#endif
