/* am_silences.c: Alertmanager API v2 silences and alerts over the HTTP
 * client. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>
#include <jansson.h>

#include "am_silences.h"
#include "buf.h"
#include "httpclient.h"
#include "jsonw.h"

#define AM_TIMEOUT_MS	10000L

/* Sends one request to base URL + path; 2xx answers 0 with resp filled,
 * anything else -1 with err ("Alertmanager answered 500: ..."). */
static int
am_request(const struct am_api *am, const char *method, const char *path,
    const struct buf *body, struct http_response *resp, struct terr *err)
{
	struct http_request	 req;
	struct buf		 url;
	size_t			 ulen = strlen(am->url ? am->url : "");
	char			 red[256];
	int			 rc = -1;

	buf_init(&url, 0);
	while (ulen > 0 && am->url[ulen - 1] == '/')
		ulen--;
	if (buf_add(&url, am->url ? am->url : "", ulen) == -1 ||
	    buf_adds(&url, path) == -1) {
		terr_set(err, "out of memory");
		goto out;
	}
	memset(&req, 0, sizeof(req));
	req.url = buf_str(&url);
	req.method = method;
	req.content_type = "application/json";
	req.body = body ? body->data : NULL;
	req.body_len = body ? body->len : 0;
	req.cfg = am->http;
	req.timeout_ms = am->timeout_ms ? am->timeout_ms : AM_TIMEOUT_MS;
	if (http_post(&req, resp, err) == -1)
		goto out;
	if (resp->status < 200 || resp->status > 299) {
		/* Alertmanager's error bodies are short JSON strings or
		 * objects; one line of them is enough for a toast. */
		http_redact_url(am->url ? am->url : "", red, sizeof(red));
		terr_set(err, "Alertmanager %s answered %ld: %.120s", red,
		    resp->status, buf_str(&resp->body));
		goto out;
	}
	rc = 0;
out:
	buf_free(&url);
	return rc;
}

static int
matchers_json(struct buf *b, const struct kv *m)
{
	if (buf_addc(b, '[') == -1)
		return -1;
	for (size_t i = 0; i < m->n; i++)
		if ((i > 0 && buf_addc(b, ',') == -1) ||
		    buf_adds(b, "{\"isEqual\":true,\"isRegex\":false,\"name\":") == -1 ||
		    jsonw_cstr(b, m->v[i].name) == -1 ||
		    buf_adds(b, ",\"value\":") == -1 ||
		    jsonw_cstr(b, m->v[i].value) == -1 || buf_addc(b, '}') == -1)
			return -1;
	return buf_addc(b, ']');
}

static void
rfc3339(int64_t ms, char *out, size_t len)
{
	struct tstamp	 t;

	memset(&t, 0, sizeof(t));
	t.sec = ms / 1000;
	t.nsec = (int32_t)(ms % 1000) * 1000000;
	snprintf(t.zone, sizeof(t.zone), "UTC");
	tstamp_format_rfc3339(&t, out, len);
}

int
am_silence_create(const struct am_api *am, const struct kv *matchers,
    int64_t starts_ms, int64_t ends_ms, const char *created_by,
    const char *comment, char *id, size_t idlen, struct terr *err)
{
	struct http_response	 resp;
	struct buf		 body;
	char			 s[48], e[48];
	const char		*sid;
	json_t			*root = NULL;
	int			 rc = -1;

	http_response_init(&resp);
	buf_init(&body, 0);
	rfc3339(starts_ms, s, sizeof(s));
	rfc3339(ends_ms, e, sizeof(e));
	if (buf_adds(&body, "{\"comment\":") == -1 ||
	    jsonw_cstr(&body, comment) == -1 ||
	    buf_adds(&body, ",\"createdBy\":") == -1 ||
	    jsonw_cstr(&body, created_by) == -1 ||
	    buf_printf(&body, ",\"endsAt\":\"%s\",\"matchers\":", e) == -1 ||
	    matchers_json(&body, matchers) == -1 ||
	    buf_printf(&body, ",\"startsAt\":\"%s\"}", s) == -1) {
		terr_set(err, "out of memory");
		goto out;
	}
	if (am_request(am, NULL, "/api/v2/silences", &body, &resp, err) == -1)
		goto out;
	root = json_loadb(buf_str(&resp.body), resp.body.len, 0, NULL);
	if ((sid = json_string_value(json_object_get(root, "silenceID"))) == NULL ||
	    sid[0] == '\0' || strlen(sid) >= idlen) {
		terr_set(err, "Alertmanager's answer has no silenceID");
		goto out;
	}
	snprintf(id, idlen, "%s", sid);
	rc = 0;
out:
	json_decref(root);
	buf_free(&body);
	http_response_free(&resp);
	return rc;
}

int
am_silence_expire(const struct am_api *am, const char *id, struct terr *err)
{
	struct http_response	 resp;
	struct buf		 path;
	char			*esc;
	int			 rc = -1;

	http_response_init(&resp);
	buf_init(&path, 0);
	if ((esc = curl_easy_escape(NULL, id, 0)) == NULL ||
	    buf_printf(&path, "/api/v2/silence/%s", esc) == -1)
		terr_set(err, "out of memory");
	else
		rc = am_request(am, "DELETE", buf_str(&path), NULL, &resp, err);
	curl_free(esc);
	buf_free(&path);
	http_response_free(&resp);
	return rc;
}

/* True when v can stand in a quoted matcher value without escapes. */
static int
plain_value(const char *v)
{
	for (; *v != '\0'; v++)
		if (*v < 0x20 || *v > 0x7e || strchr("\"\\<>&", *v) != NULL)
			return 0;
	return 1;
}

/* "?filter=name%3D%22value%22&filter=..." for the matchers whose values
 * need no escaping: only a narrowing, the labels are compared exactly
 * afterwards, so a skipped matcher changes nothing but the answer's size. */
static int
filter_query(struct buf *q, const struct kv *m)
{
	struct buf	 one;
	char		*esc;
	int		 rc = 0, k = 0;

	buf_init(&one, 0);
	for (size_t i = 0; i < m->n && rc == 0; i++) {
		if (!plain_value(m->v[i].value))
			continue;
		buf_reset(&one);
		if (buf_printf(&one, "%s=\"%s\"", m->v[i].name, m->v[i].value) == -1 ||
		    (esc = curl_easy_escape(NULL, buf_str(&one), 0)) == NULL)
			rc = -1;
		else {
			rc = buf_printf(q, "%cfilter=%s", k++ == 0 ? '?' : '&', esc);
			curl_free(esc);
		}
	}
	buf_free(&one);
	return rc;
}

static int
labels_equal(json_t *labels, const struct kv *want)
{
	if (json_object_size(labels) != want->n)
		return 0;
	for (size_t i = 0; i < want->n; i++) {
		const char *v = json_string_value(json_object_get(labels,
		    want->v[i].name));

		if (v == NULL || strcmp(v, want->v[i].value) != 0)
			return 0;
	}
	return 1;
}

/* Whether Alertmanager's alert it is suppressed by a silence. */
static int
silenced(json_t *it)
{
	return json_array_size(json_object_get(json_object_get(it, "status"),
	    "silencedBy")) > 0;
}

int
am_alerts_state(const struct am_api *am, const struct kv *matchers,
    const struct kv *alerts, size_t n, struct am_group_state *st,
    struct terr *err)
{
	struct http_response	 resp;
	struct buf		 path;
	json_t			*root = NULL, *it;
	size_t			 i, k;
	int			 rc = -1;

	memset(st, 0, sizeof(*st));
	http_response_init(&resp);
	buf_init(&path, 0);
	if (buf_adds(&path, "/api/v2/alerts") == -1 ||
	    filter_query(&path, matchers) == -1) {
		terr_set(err, "out of memory");
		goto out;
	}
	if (am_request(am, "GET", buf_str(&path), NULL, &resp, err) == -1)
		goto out;
	if ((root = json_loadb(buf_str(&resp.body), resp.body.len, 0,
	    NULL)) == NULL || !json_is_array(root)) {
		terr_set(err, "Alertmanager's alerts answer is not a list");
		goto out;
	}
	json_array_foreach(root, i, it)
		for (k = 0; k < n; k++)
			if (labels_equal(json_object_get(it, "labels"),
			    &alerts[k])) {
				st->known++;
				if (silenced(it))
					st->silenced++;
				break;
			}
	rc = 0;
out:
	json_decref(root);
	buf_free(&path);
	http_response_free(&resp);
	return rc;
}

int
am_alerts_active(const struct am_api *am, const struct kv *matchers,
    const struct kv *alerts, size_t n, int *active, struct terr *err)
{
	struct am_group_state	 st;

	*active = 0;
	if (am_alerts_state(am, matchers, alerts, n, &st, err) == -1)
		return -1;
	*active = st.known > 0;
	return 0;
}
