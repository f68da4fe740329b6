/* sender_http.h: the POST-and-classify step shared by the Slack, webhook
 * and Gotify senders, so status classification lives in one place. */
#ifndef TOCSIN_SENDER_HTTP_H
#define TOCSIN_SENDER_HTTP_H

#include "httpclient.h"
#include "sender.h"

/*
 * POSTs body as JSON to url and classifies the answer: no answer (network,
 * timeout) and 5xx TEMPFAIL; 429 TEMPFAIL with Retry-After; other 4xx
 * PERMFAIL; 2xx OK. resp (initialised by the caller) keeps the answer for a
 * sender that reads the body (Slack's error strings). reason starts with
 * `what` ("slack", "webhook").
 */
void	sender_http_post(const char *what, const char *url,
	    const struct http_config *cfg, const struct sender_send_ctx *ctx,
	    const void *body, size_t len, struct http_response *resp,
	    struct send_result *res);
/* The same with more request headers (struct http_request's headers:
 * SECRET lines, NULL-terminated; NULL for none). */
void	sender_http_post_headers(const char *what, const char *url,
	    const char *const *headers, const struct http_config *cfg,
	    const struct sender_send_ctx *ctx, const void *body, size_t len,
	    struct http_response *resp, struct send_result *res);
/* The same with another Content-Type than JSON (Pushover's form). */
void	sender_http_post_type(const char *what, const char *url,
	    const char *content_type, const char *const *headers,
	    const struct http_config *cfg, const struct sender_send_ctx *ctx,
	    const void *body, size_t len, struct http_response *resp,
	    struct send_result *res);

/* When resp says the request's whole timeout ran out (a hung service),
 * appends which timeout it was to res's reason: Alertmanager's
 * "configured webhook timeout reached (10s)" for an integration's own
 * `timeout` (ctx->timeout_own; `what` names the kind), else "no answer
 * within 30s" (the dispatcher's or the HTTP client's default). */
void	sender_http_timeout_note(const char *what,
	    const struct sender_send_ctx *ctx, const struct http_response *resp,
	    struct send_result *res);

#endif
