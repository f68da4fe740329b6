/* test_httpd.c: the HTTP server's router, body cap, auth and metrics, driven
 * over loopback with libcurl. */
#include <stdarg.h>
#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <curl/curl.h>

#include "buf.h"
#include "httpd.h"
#include "metrics.h"
#include "webconfig.h"

/* bcrypt("s3cret") at cost 4. */
#define HASH "$2b$04$IquFtxGBEcmley7NVyVFkOdf7Hhg2PxawV2WVMsx9o8FtRF2ntxCG"

struct resp {
	long		 code;
	struct buf	 body;
	struct buf	 headers;
};

static size_t
collect(char *p, size_t size, size_t n, void *arg)
{
	return buf_add(arg, p, size * n) == 0 ? size * n : 0;
}

/* Performs one request; body NULL means no body. */
static void
request(const char *base, const char *method, const char *path, const char *body,
    const char *const *hdrs, const char *userpwd, struct resp *r)
{
	struct curl_slist *h = NULL;
	char		 url[256];
	CURL		*c;

	buf_init(&r->body, 0);
	buf_init(&r->headers, 0);
	snprintf(url, sizeof(url), "%s%s", base, path);
	assert_non_null(c = curl_easy_init());
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
	if (strcmp(method, "HEAD") == 0)
		curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
	if (body)
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
	for (; hdrs && *hdrs; hdrs++)
		h = curl_slist_append(h, *hdrs);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
	if (userpwd)
		curl_easy_setopt(c, CURLOPT_USERPWD, userpwd);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, collect);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &r->body);
	curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, collect);
	curl_easy_setopt(c, CURLOPT_HEADERDATA, &r->headers);
	assert_int_equal(curl_easy_perform(c), CURLE_OK);
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r->code);
	curl_slist_free_all(h);
	curl_easy_cleanup(c);
}

static void
resp_free(struct resp *r)
{
	buf_free(&r->body);
	buf_free(&r->headers);
}

static void
expect(const char *base, const char *method, const char *path, const char *body,
    long code, const char *want)
{
	struct resp	 r;

	request(base, method, path, body, NULL, NULL, &r);
	assert_int_equal(r.code, code);
	assert_string_equal(buf_str(&r.body), want);
	resp_free(&r);
}

static void
h_echo(struct httpd_req *req, void *arg)
{
	httpd_reply_text(req, 200, "%s %s", httpd_req_method(req), httpd_req_path(req));
}

static void
h_body(struct httpd_req *req, void *arg)
{
	const char	*b;
	size_t		 len;

	b = httpd_req_body(req, &len);
	httpd_reply(req, 201, "application/octet-stream", b, len);
}

static void
h_rest(struct httpd_req *req, void *arg)
{
	httpd_reply_text(req, 200, "rest=[%s]", httpd_req_rest(req));
}

static void
h_silent(struct httpd_req *req, void *arg)
{
}

static void
h_headers(struct httpd_req *req, void *arg)
{
	const char	*const hdrs[] = { "Ping-Body-Limit", "10240", "X-Two", "2", NULL };

	httpd_reply_headers(req, 200, NULL, "OK\n", 3, hdrs);
	/* The first answer wins, headers and all. */
	httpd_reply_headers(req, 500, NULL, "no\n", 3, (const char *const[]){ "X-No", "1", NULL });
}

static struct httpd *
start(struct metrics *m, struct webconfig *wc, char *base, size_t len)
{
	struct httpd_params p;
	struct httpd	*h;
	struct terr	 err;

	memset(&p, 0, sizeof(p));
	p.listen = "127.0.0.1:0";
	p.max_body = 16;
	p.threads = 2;
	p.metrics = m;
	p.web = wc;
	assert_non_null(h = httpd_new(&p, &err));
	assert_int_equal(httpd_handle(h, "GET", "/echo", false, NULL, h_echo, NULL), 0);
	assert_int_equal(httpd_handle(h, "POST", "/body", false, NULL, h_body, NULL), 0);
	assert_int_equal(httpd_handle(h, "POST", "/p/", true, "/p/{x}", h_rest, NULL), 0);
	assert_int_equal(httpd_handle(h, "GET", "/silent", false, NULL, h_silent, NULL), 0);
	assert_int_equal(httpd_handle(h, "GET", "/headers", false, NULL, h_headers, NULL), 0);
	assert_int_equal(httpd_start(h, &err), 0);
	snprintf(base, len, "http://%s", httpd_address(h));
	return h;
}

static void
test_httpd_routes_methods_and_paths(void **state)
{
	struct metrics	*m = metrics_new(0);
	struct httpd	*h;
	struct resp	 r;
	struct buf	 text;
	char		 base[64];

	h = start(m, NULL, base, sizeof(base));
	assert_non_null(strstr(base, "http://127.0.0.1:"));
	expect(base, "GET", "/echo", NULL, 200, "GET /echo\n");
	expect(base, "HEAD", "/echo", NULL, 200, "");
	expect(base, "GET", "/echo/", NULL, 404, "not found\n");
	expect(base, "GET", "/nope", NULL, 404, "not found\n");
	expect(base, "POST", "/body", "hello", 201, "hello");
	expect(base, "POST", "/body", "", 201, "");
	expect(base, "POST", "/p/abc", "", 200, "rest=[abc]\n");
	expect(base, "POST", "/p/", "", 200, "rest=[]\n");
	expect(base, "GET", "/silent", NULL, 500, "internal error\n");
	request(base, "POST", "/echo", "x", NULL, NULL, &r);
	assert_int_equal(r.code, 405);
	assert_string_equal(buf_str(&r.body), "method POST not allowed\n");
	assert_non_null(strstr(buf_str(&r.headers), "\r\nAllow: GET, HEAD\r\n"));
	resp_free(&r);
	request(base, "GET", "/p/x", NULL, NULL, NULL, &r);
	assert_int_equal(r.code, 405);
	assert_non_null(strstr(buf_str(&r.headers), "\r\nAllow: POST\r\n"));
	resp_free(&r);
	httpd_free(h);

	buf_init(&text, 0);
	assert_int_equal(metrics_write(m, &text), 0);
	assert_non_null(strstr(buf_str(&text),
	    "tocsin_http_requests_total{code=\"200\",handler=\"/echo\"} 2\n"
	    "tocsin_http_requests_total{code=\"200\",handler=\"/p/{x}\"} 2\n"
	    "tocsin_http_requests_total{code=\"201\",handler=\"/body\"} 2\n"
	    "tocsin_http_requests_total{code=\"404\",handler=\"other\"} 2\n"
	    "tocsin_http_requests_total{code=\"405\",handler=\"/echo\"} 1\n"
	    "tocsin_http_requests_total{code=\"405\",handler=\"/p/{x}\"} 1\n"
	    "tocsin_http_requests_total{code=\"500\",handler=\"/silent\"} 1\n"));
	assert_non_null(strstr(buf_str(&text),
	    "tocsin_http_request_duration_seconds_count{handler=\"/body\"} 2\n"));
	buf_free(&text);
	metrics_free(m);
}

static void
test_httpd_reply_headers_adds_them_to_the_answer(void **state)
{
	struct httpd	*h;
	struct resp	 r;
	char		 base[64];

	h = start(NULL, NULL, base, sizeof(base));
	request(base, "GET", "/headers", NULL, NULL, NULL, &r);
	assert_int_equal(r.code, 200);
	assert_string_equal(buf_str(&r.body), "OK\n");
	assert_non_null(strstr(buf_str(&r.headers), "\r\nPing-Body-Limit: 10240\r\n"));
	assert_non_null(strstr(buf_str(&r.headers), "\r\nX-Two: 2\r\n"));
	assert_non_null(strstr(buf_str(&r.headers),
	    "\r\nContent-Type: text/plain; charset=utf-8\r\n"));
	assert_null(strstr(buf_str(&r.headers), "X-No"));
	resp_free(&r);
	httpd_free(h);
}

static void
test_httpd_body_cap_answers_413(void **state)
{
	static const char *const chunked[] = { "Transfer-Encoding: chunked", NULL };
	struct httpd	*h;
	struct resp	 r;
	char		 base[64];

	h = start(NULL, NULL, base, sizeof(base));
	expect(base, "POST", "/body", "0123456789abcdef", 201, "0123456789abcdef");
	expect(base, "POST", "/body", "0123456789abcdefg", 413, "request body larger than 16 bytes\n");
	request(base, "POST", "/body", "0123456789abcdef", chunked, NULL, &r);
	assert_int_equal(r.code, 201);
	resp_free(&r);
	request(base, "POST", "/body", "0123456789abcdefg", chunked, NULL, &r);
	assert_int_equal(r.code, 413);
	assert_string_equal(buf_str(&r.body), "request body larger than 16 bytes\n");
	resp_free(&r);
	httpd_free(h);
}

static void
test_httpd_basic_auth_guards_every_path(void **state)
{
	static const char yaml[] = "basic_auth_users:\n  alice: " HASH "\n"
	    "http_server_config:\n  headers:\n    X-Content-Type-Options: nosniff\n";
	static const char yaml2[] = "basic_auth_users:\n  bob: " HASH "\n";
	struct webconfig *wc;
	struct httpd	*h;
	struct resp	 r;
	struct terr	 err;
	char		 base[64];

	assert_non_null(wc = webconfig_load_buffer("web.yml", ".", yaml, strlen(yaml), &err));
	h = start(NULL, wc, base, sizeof(base));
	request(base, "GET", "/nope", NULL, NULL, NULL, &r);
	assert_int_equal(r.code, 401);
	assert_string_equal(buf_str(&r.body), "Unauthorized\n");
	assert_non_null(strstr(buf_str(&r.headers), "\r\nWWW-Authenticate: Basic\r\n"));
	assert_non_null(strstr(buf_str(&r.headers), "\r\nX-Content-Type-Options: nosniff\r\n"));
	resp_free(&r);
	request(base, "GET", "/echo", NULL, NULL, "alice:wrong", &r);
	assert_int_equal(r.code, 401);
	resp_free(&r);
	request(base, "GET", "/echo", NULL, NULL, "bob:s3cret", &r);
	assert_int_equal(r.code, 401);
	resp_free(&r);
	request(base, "GET", "/echo", NULL, NULL, "alice:s3cret", &r);
	assert_int_equal(r.code, 200);
	assert_string_equal(buf_str(&r.body), "GET /echo\n");
	assert_non_null(strstr(buf_str(&r.headers), "\r\nX-Content-Type-Options: nosniff\r\n"));
	resp_free(&r);
	request(base, "GET", "/nope", NULL, NULL, "alice:s3cret", &r);
	assert_int_equal(r.code, 404);
	resp_free(&r);

	/* A swapped web config applies to the next request. */
	assert_non_null(wc = webconfig_load_buffer("web.yml", ".", yaml2, strlen(yaml2), &err));
	assert_int_equal(httpd_set_webconfig(h, wc, &err), 0);
	request(base, "GET", "/echo", NULL, NULL, "alice:s3cret", &r);
	assert_int_equal(r.code, 401);
	assert_null(strstr(buf_str(&r.headers), "X-Content-Type-Options"));
	resp_free(&r);
	request(base, "GET", "/echo", NULL, NULL, "bob:s3cret", &r);
	assert_int_equal(r.code, 200);
	resp_free(&r);
	/* The server owns both configs. */
	httpd_free(h);
}

static void
test_httpd_rejects_bad_listen_addresses(void **state)
{
	struct httpd_params p;
	struct terr	 err;

	memset(&p, 0, sizeof(p));
	p.listen = "localhost";
	assert_null(httpd_new(&p, &err));
	assert_string_equal(err.msg, "listen address localhost: missing port");
	p.listen = "127.0.0.1:";
	assert_null(httpd_new(&p, &err));
	assert_string_equal(err.msg, "listen address 127.0.0.1:: missing port");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_httpd_routes_methods_and_paths),
		cmocka_unit_test(test_httpd_reply_headers_adds_them_to_the_answer),
		cmocka_unit_test(test_httpd_body_cap_answers_413),
		cmocka_unit_test(test_httpd_basic_auth_guards_every_path),
		cmocka_unit_test(test_httpd_rejects_bad_listen_addresses),
	};
	int	 rc;

	curl_global_init(CURL_GLOBAL_DEFAULT);
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	curl_global_cleanup();
	return rc;
}
