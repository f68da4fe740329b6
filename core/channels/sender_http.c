/* sender_http.c: POST and classify for the JSON-over-HTTP senders (see
 * sender_http.h). */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "duration.h"
#include "sender_http.h"

/* The first line of an error body, printable ASCII only, for the reason. */
static void
snippet(const struct http_response *r, char *out, size_t len)
{
	const char	*s = buf_str(&r->body);
	size_t		 i, o = 0;

	for (i = 0; s[i] != '\0' && s[i] != '\n' && o + 1 < len && i < 120; i++)
		out[o++] = isprint((unsigned char)s[i]) ? s[i] : '?';
	out[o] = '\0';
}

void
sender_http_post(const char *what, const char *url,
    const struct http_config *cfg, const struct sender_send_ctx *ctx,
    const void *body, size_t len, struct http_response *resp,
    struct send_result *res)
{
	sender_http_post_headers(what, url, NULL, cfg, ctx, body, len, resp,
	    res);
}

void
sender_http_post_headers(const char *what, const char *url,
    const char *const *headers, const struct http_config *cfg,
    const struct sender_send_ctx *ctx, const void *body, size_t len,
    struct http_response *resp, struct send_result *res)
{
	sender_http_post_type(what, url, "application/json", headers, cfg, ctx,
	    body, len, resp, res);
}

void
sender_http_post_type(const char *what, const char *url,
    const char *content_type, const char *const *headers,
    const struct http_config *cfg, const struct sender_send_ctx *ctx,
    const void *body, size_t len, struct http_response *resp,
    struct send_result *res)
{
	struct http_request	req;
	struct terr		err;
	char			sn[128];

	memset(&req, 0, sizeof(req));
	req.url = url;
	req.content_type = content_type;
	req.body = body;
	req.body_len = len;
	req.cfg = cfg;
	req.headers = headers;
	req.timeout_ms = ctx != NULL ? ctx->timeout_ms : 0;
	req.share = ctx != NULL ? ctx->http : NULL;
	if (http_post(&req, resp, &err) == -1) {
		send_result_set(res, SEND_TEMPFAIL, -1, "%s: %s", what, err.msg);
		sender_http_timeout_note(what, ctx, resp, res);
		return;
	}
	snippet(resp, sn, sizeof(sn));
	if (resp->status >= 200 && resp->status < 300)
		send_result_set(res, SEND_OK, -1, "%s: %ld", what, resp->status);
	else if (resp->status == 429)
		send_result_set(res, SEND_TEMPFAIL, resp->retry_after_ms,
		    "%s: 429 %s", what, sn);
	else if (resp->status >= 500 || resp->status == 408)
		send_result_set(res, SEND_TEMPFAIL, -1, "%s: %ld %s", what,
		    resp->status, sn);
	else
		send_result_set(res, resp->status >= 400 ? SEND_PERMFAIL :
		    SEND_TEMPFAIL, -1, "%s: %ld %s", what, resp->status, sn);
}

void
sender_http_timeout_note(const char *what, const struct sender_send_ctx *ctx,
    const struct http_response *resp, struct send_result *res)
{
	char	 d[DURATION_GO_MAX];
	long	 ms = ctx != NULL && ctx->timeout_ms > 0 ? ctx->timeout_ms :
		    (long)HTTP_DEFAULT_TIMEOUT_MS;
	size_t	 l = strlen(res->reason);

	if (resp->fail != HTTP_FAIL_TIMEOUT || !resp->deadline)
		return;
	duration_format_go((int64_t)ms * 1000000, d, sizeof(d));
	if (ctx != NULL && ctx->timeout_own)
		snprintf(res->reason + l, sizeof(res->reason) - l,
		    ": configured %s timeout reached (%s)", what, d);
	else
		snprintf(res->reason + l, sizeof(res->reason) - l,
		    ": no answer within %s", d);
}
