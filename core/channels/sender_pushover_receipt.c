/* sender_pushover_receipt.c: the pushover channel's follow op: an
 * emergency message's receipt polled or cancelled through Pushover's
 * receipts API, next to api_url. */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "httpclient.h"
#include "sender.h"
#include "sender_pushover.h"
#include "sender_pushover_form.h"
#include "urlenc.h"

/* {base}receipts/<receipt>.json?token=.. (a poll) or
 * {base}receipts/<receipt>/cancel.json, base being api_url up to its last
 * '/' (https://api.pushover.net/1/). */
static int
receipt_url(const struct pushover_config *c, const char *receipt, bool cancel,
    struct buf *url)
{
	const char	*api = c->api_url ? c->api_url : "";
	const char	*slash = strrchr(api, '/');
	size_t		 blen = slash != NULL ? (size_t)(slash - api) + 1 : 0;

	if (buf_add(url, api, blen) == -1 || buf_adds(url, "receipts/") == -1 ||
	    buf_adds(url, receipt) == -1)
		return -1;
	if (cancel)
		return buf_adds(url, "/cancel.json");
	return buf_adds(url, ".json?token=") == -1 ? -1 :
	    urlenc_query(url, c->token ? c->token : "",
	    c->token ? strlen(c->token) : 0);
}

/* What Pushover's answer to a poll or a cancel says of the receipt. */
static void
receipt_judge(const struct http_response *resp, bool cancel,
    struct receipt_status *out)
{
	struct pushover_answer	 a;
	bool			 ours;

	ours = pushover_answer_parse(resp->body.data, resp->body.len, &a) == 0 &&
	    a.status >= 0;
	if (resp->status >= 200 && resp->status < 300 && ours && a.status == 1) {
		if (cancel) {
			out->state = RECEIPT_CLOSED;
			snprintf(out->reason, sizeof(out->reason), "cancelled");
		} else if (a.acknowledged == 1) {
			out->state = RECEIPT_ACKED;
			/* The device, not acknowledged_by: that is a user key. */
			snprintf(out->by, sizeof(out->by), "pushover:%s",
			    a.acknowledged_by_device[0] ? a.acknowledged_by_device :
			    "app");
			out->at = a.acknowledged_at * 1000;
			snprintf(out->reason, sizeof(out->reason), "acknowledged");
		} else if (a.expired == 1) {
			out->state = RECEIPT_CLOSED;
			snprintf(out->reason, sizeof(out->reason), "expired");
		} else {
			out->state = RECEIPT_OPEN;
			snprintf(out->reason, sizeof(out->reason), "open");
		}
		return;
	}
	/* A 4xx (an unknown or expired receipt, a token no longer valid) is
	 * final, as for messages; 429, 5xx and other answers are tried
	 * again. */
	out->state = resp->status >= 400 && resp->status < 500 &&
	    resp->status != 429 ? RECEIPT_CLOSED : RECEIPT_RETRY;
	snprintf(out->reason, sizeof(out->reason), "pushover: %ld %s",
	    resp->status, ours && a.errors[0] ? a.errors : "");
}

void
pushover_follow(const void *vcfg, const struct sender_send_ctx *ctx,
    const char *receipt, bool cancel, struct receipt_status *out)
{
	const struct pushover_config	*c = vcfg;
	struct http_request		 req;
	struct http_response		 resp;
	struct buf			 url, body;
	struct terr			 err;

	memset(out, 0, sizeof(*out));
	out->state = RECEIPT_RETRY;
	buf_init(&url, 0);
	buf_init(&body, 0);
	http_response_init(&resp);
	memset(&req, 0, sizeof(req));
	if (receipt_url(c, receipt, cancel, &url) == -1 || (cancel &&
	    form_add(&body, "token", c->token ? c->token : "",
	    c->token ? strlen(c->token) : 0) == -1)) {
		snprintf(out->reason, sizeof(out->reason), "pushover: out of memory");
		goto out;
	}
	req.url = buf_str(&url);
	req.method = cancel ? NULL : "GET";
	req.content_type = "application/x-www-form-urlencoded";
	req.body = body.data;
	req.body_len = body.len;
	req.cfg = &c->http;
	req.timeout_ms = ctx != NULL ? ctx->timeout_ms : 0;
	req.share = ctx != NULL ? ctx->http : NULL;
	if (http_post(&req, &resp, &err) == -1) {
		snprintf(out->reason, sizeof(out->reason), "pushover: %.200s", err.msg);
		goto out;
	}
	receipt_judge(&resp, cancel, out);
out:
	if (url.data != NULL)
		explicit_bzero(url.data, url.len);
	if (body.data != NULL)
		explicit_bzero(body.data, body.len);
	buf_free(&url);
	buf_free(&body);
	http_response_free(&resp);
}
