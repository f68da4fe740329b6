/* httpclient.c: blocking libcurl requests with tocsin's safety defaults
 * (see httpclient.h). */
#include <ctype.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

#include "clock.h"
#include "httpclient.h"
#include "retryafter.h"

struct http_share {
	CURLSH		*sh;
	pthread_mutex_t	 mu[CURL_LOCK_DATA_LAST];
};

static void
share_lock(CURL *c, curl_lock_data data, curl_lock_access access, void *arg)
{
	struct http_share *hs = arg;

	(void)c;
	(void)access;
	pthread_mutex_lock(&hs->mu[data]);
}

static void
share_unlock(CURL *c, curl_lock_data data, void *arg)
{
	struct http_share *hs = arg;

	(void)c;
	pthread_mutex_unlock(&hs->mu[data]);
}

struct http_share *
http_share_new(void)
{
	struct http_share *hs;

	if ((hs = calloc(1, sizeof(*hs))) == NULL)
		return NULL;
	if ((hs->sh = curl_share_init()) == NULL) {
		free(hs);
		return NULL;
	}
	for (int i = 0; i < CURL_LOCK_DATA_LAST; i++)
		pthread_mutex_init(&hs->mu[i], NULL);
	curl_share_setopt(hs->sh, CURLSHOPT_LOCKFUNC, share_lock);
	curl_share_setopt(hs->sh, CURLSHOPT_UNLOCKFUNC, share_unlock);
	curl_share_setopt(hs->sh, CURLSHOPT_USERDATA, hs);
	curl_share_setopt(hs->sh, CURLSHOPT_SHARE, CURL_LOCK_DATA_CONNECT);
	curl_share_setopt(hs->sh, CURLSHOPT_SHARE, CURL_LOCK_DATA_DNS);
	curl_share_setopt(hs->sh, CURLSHOPT_SHARE, CURL_LOCK_DATA_SSL_SESSION);
	return hs;
}

void
http_share_free(struct http_share *hs)
{
	if (hs == NULL)
		return;
	curl_share_cleanup(hs->sh);
	for (int i = 0; i < CURL_LOCK_DATA_LAST; i++)
		pthread_mutex_destroy(&hs->mu[i]);
	free(hs);
}

void
http_response_init(struct http_response *r)
{
	r->status = 0;
	buf_init(&r->body, 0);
	r->retry_after_ms = -1;
	r->truncated = false;
	r->fail = HTTP_FAIL_NONE;
	r->deadline = false;
}

void
http_response_free(struct http_response *r)
{
	buf_free(&r->body);
}

int
http_global_init(struct terr *err)
{
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
		return terr_set(err, "cannot initialise libcurl");
	return 0;
}

void
http_redact_url(const char *url, char *out, size_t len)
{
	const char	*p, *host, *end, *at;
	size_t		 hl;

	if (len == 0)
		return;
	out[0] = '\0';
	if (url == NULL || (p = strstr(url, "://")) == NULL) {
		snprintf(out, len, "<redacted url>");
		return;
	}
	host = p + 3;
	end = host + strcspn(host, "/?#");
	/* Drop user:password@. */
	for (at = end; at > host; at--)
		if (at[-1] == '@')
			break;
	if (at > host)
		host = at;
	hl = (size_t)(end - host);
	snprintf(out, len, "%.*s://%.*s%s", (int)(p - url), url, (int)hl, host,
	    (*end == '\0' || strcmp(end, "/") == 0) ? "" : "/<redacted>");
}

struct sink {
	struct buf	*b;
	int		 over;
};

static size_t
on_body(char *data, size_t size, size_t nmemb, void *arg)
{
	struct sink	*s = arg;
	size_t		 n = size * nmemb;

	size_t		 room = s->b->cap - s->b->len;

	if (n > room) {
		/* What fits is kept for the classification; the rest is
		 * never read. */
		if (room > 0 && buf_add(s->b, data, room) == -1)
			return 0;
		s->over = 1;
		return 0;	/* aborts the transfer */
	}
	if (buf_add(s->b, data, n) == -1)
		return 0;	/* out of memory: a failed transfer */
	return n;
}

static size_t
on_header(char *data, size_t size, size_t nmemb, void *arg)
{
	struct http_response	*r = arg;
	size_t			 n = size * nmemb;
	static const char	 name[] = "retry-after:";

	if (n > sizeof(name) - 1 && strncasecmp(data, name, sizeof(name) - 1) == 0) {
		int64_t ms = retry_after_ms(data + sizeof(name) - 1,
		    n - (sizeof(name) - 1), wall_ms());

		if (ms >= 0)
			r->retry_after_ms = ms;
	}
	return n;
}

/* curl calls this about once a second while a transfer runs. */
static int
on_progress(void *arg, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal,
    curl_off_t ulnow)
{
	const struct http_request *req = arg;

	(void)dltotal, (void)dlnow, (void)ultotal, (void)ulnow;
	return req->cancel(req->cancel_arg) ? 1 : 0;
}

static long
tls_version(const char *v)
{
	if (v == NULL)
		return CURL_SSLVERSION_TLSv1_2;
	if (strcmp(v, "TLS10") == 0)
		return CURL_SSLVERSION_TLSv1_0;
	if (strcmp(v, "TLS11") == 0)
		return CURL_SSLVERSION_TLSv1_1;
	if (strcmp(v, "TLS13") == 0)
		return CURL_SSLVERSION_TLSv1_3;
	return CURL_SSLVERSION_TLSv1_2;
}

int
http_post(const struct http_request *req, struct http_response *resp,
    struct terr *err)
{
	CURL			*c = NULL;
	struct curl_slist	*hdr = NULL, *tmp;
	struct sink		 sink;
	char			 redacted[256], ebuf[CURL_ERROR_SIZE], line[512];
	CURLcode		 cc;
	int			 rc = -1;
	const struct http_config *hc = req->cfg;
	const char		*method = req->method ? req->method : "POST";
	long			 total = req->timeout_ms ? req->timeout_ms :
				    (long)HTTP_DEFAULT_TIMEOUT_MS;
	long			 connect = req->connect_timeout_ms ?
				    req->connect_timeout_ms :
				    (long)HTTP_DEFAULT_CONNECT_TIMEOUT_MS;

	http_redact_url(req->url, redacted, sizeof(redacted));
	buf_free(&resp->body);
	buf_init(&resp->body, req->max_response ? req->max_response :
	    HTTP_DEFAULT_MAX_RESPONSE);
	resp->status = 0;
	resp->retry_after_ms = -1;
	resp->truncated = false;
	resp->fail = HTTP_FAIL_NETWORK;
	resp->deadline = false;
	sink.b = &resp->body;
	sink.over = 0;
	ebuf[0] = '\0';
	if ((c = curl_easy_init()) == NULL) {
		terr_set(err, "%s %s: cannot create a curl handle", method, redacted);
		goto out;
	}
	snprintf(line, sizeof(line), "Content-Type: %s",
	    req->content_type ? req->content_type : "application/json");
	if ((tmp = curl_slist_append(hdr, line)) == NULL)
		goto oom;
	hdr = tmp;
	if ((tmp = curl_slist_append(hdr, "Expect:")) == NULL)
		goto oom;
	hdr = tmp;
	if (hc != NULL && hc->authorization_credentials != NULL &&
	    hc->authorization_credentials[0] != '\0') {
		struct buf	 ab;
		int		 arc;

		buf_init(&ab, 0);
		arc = buf_printf(&ab, "Authorization: %s %s",
		    hc->authorization_type ? hc->authorization_type : "Bearer",
		    hc->authorization_credentials);
		tmp = arc == 0 ? curl_slist_append(hdr, buf_str(&ab)) : NULL;
		buf_free(&ab);
		if (tmp == NULL)
			goto oom;
		hdr = tmp;
	}
	for (const char *const *h = req->headers; h != NULL && *h != NULL; h++) {
		if ((tmp = curl_slist_append(hdr, *h)) == NULL)
			goto oom;
		hdr = tmp;
	}
	curl_easy_setopt(c, CURLOPT_URL, req->url);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	if (req->method == NULL) {
		curl_easy_setopt(c, CURLOPT_POST, 1L);
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, req->body);
		curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE,
		    (curl_off_t)req->body_len);
	} else if (strcmp(req->method, "GET") != 0)
		curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, req->method);
	if (req->cancel != NULL) {
		curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, on_progress);
		curl_easy_setopt(c, CURLOPT_XFERINFODATA, req);
		curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
	}
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdr);
	curl_easy_setopt(c, CURLOPT_USERAGENT, "tocsin/" TOCSIN_VERSION);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, connect);
	curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, total);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &sink);
	curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(c, CURLOPT_HEADERDATA, resp);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, ebuf);
	curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
	curl_easy_setopt(c, CURLOPT_SSLVERSION, CURL_SSLVERSION_TLSv1_2);
	if (req->share != NULL)
		curl_easy_setopt(c, CURLOPT_SHARE, req->share->sh);
	if (hc != NULL) {
		const struct tls_config *t = &hc->tls;

		if (hc->basic_auth_username != NULL &&
		    hc->basic_auth_username[0] != '\0') {
			curl_easy_setopt(c, CURLOPT_HTTPAUTH, CURLAUTH_BASIC);
			curl_easy_setopt(c, CURLOPT_USERNAME, hc->basic_auth_username);
			curl_easy_setopt(c, CURLOPT_PASSWORD, hc->basic_auth_password ?
			    hc->basic_auth_password : "");
		}
		if (hc->proxy_url != NULL && hc->proxy_url[0] != '\0')
			curl_easy_setopt(c, CURLOPT_PROXY, hc->proxy_url);
		if (t->ca_file != NULL)
			curl_easy_setopt(c, CURLOPT_CAINFO, t->ca_file);
		if (t->cert_file != NULL)
			curl_easy_setopt(c, CURLOPT_SSLCERT, t->cert_file);
		if (t->key_file != NULL)
			curl_easy_setopt(c, CURLOPT_SSLKEY, t->key_file);
		if (t->insecure_skip_verify) {
			curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 0L);
			curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 0L);
		}
		if (t->min_version != NULL)
			curl_easy_setopt(c, CURLOPT_SSLVERSION, tls_version(t->min_version));
	}
	cc = curl_easy_perform(c);
	if (cc != CURLE_OK && sink.over) {
		/* The status line and headers came, so the answer is known:
		 * a 2xx is a delivery whatever follows it, and a larger body
		 * adds nothing a classification reads. */
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &resp->status);
		resp->truncated = true;
		resp->fail = HTTP_FAIL_NONE;
		rc = 0;
		goto out;
	}
	if (cc != CURLE_OK) {
		if (cc == CURLE_OPERATION_TIMEDOUT) {
			curl_off_t	 conn = 0;

			resp->fail = HTTP_FAIL_TIMEOUT;
			/* Connected: only the whole timeout was left to run
			 * out; not connected: the connect timeout, unless the
			 * whole one is as short (it then ends first). */
			(void)curl_easy_getinfo(c, CURLINFO_CONNECT_TIME_T, &conn);
			resp->deadline = conn > 0 || total <= connect;
		}
		/* curl's messages name hosts and addresses, not paths. */
		terr_set(err, "%s %s: %s", method, redacted,
		    curl_easy_strerror(cc));
		goto out;
	}
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &resp->status);
	resp->fail = HTTP_FAIL_NONE;
	rc = 0;
	goto out;
oom:
	terr_set(err, "%s %s: out of memory", method, redacted);
out:
	curl_slist_free_all(hdr);
	if (c != NULL)
		curl_easy_cleanup(c);
	return rc;
}
