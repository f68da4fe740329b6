/* test_httpclient.c: URL redaction (secrets live in Telegram's and Slack's
 * paths), that errors name only the redacted URL, and why no response came. */
#include <stdarg.h>
#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <cmocka.h>

#include "httpclient.h"

static void
check(const char *url, const char *want)
{
	char out[256];

	http_redact_url(url, out, sizeof(out));
	assert_string_equal(out, want);
}

static void
test_redact(void **state)
{
	(void)state;
	check("https://api.telegram.org/bot123:SECRET/sendMessage",
	    "https://api.telegram.org/<redacted>");
	check("https://hooks.slack.com/services/T0/B0/SECRET",
	    "https://hooks.slack.com/<redacted>");
	check("http://user:SECRET@hook.lan:8080/x?token=SECRET#f",
	    "http://hook.lan:8080/<redacted>");
	check("http://hook.lan:8080?token=SECRET", "http://hook.lan:8080/<redacted>");
	check("http://hook.lan/", "http://hook.lan");
	check("http://hook.lan", "http://hook.lan");
	check("not a url SECRET", "<redacted url>");
}

static void
test_error_is_redacted(void **state)
{
	struct http_request	req;
	struct http_response	resp;
	struct terr		err;

	(void)state;
	memset(&req, 0, sizeof(req));
	req.url = "http://127.0.0.1:1/bot1:SECRET/sendMessage";
	req.body = "{}";
	req.body_len = 2;
	http_response_init(&resp);
	assert_int_equal(http_post(&req, &resp, &err), -1);
	assert_string_equal(err.msg,
	    "POST http://127.0.0.1:1/<redacted>: Couldn't connect to server");
	assert_int_equal(resp.fail, HTTP_FAIL_NETWORK);
	/* Only http and https. */
	req.url = "file:///etc/SECRET";
	assert_int_equal(http_post(&req, &resp, &err), -1);
	assert_null(strstr(err.msg, "SECRET"));
	http_response_free(&resp);
}

/* A one-shot HTTPS server (python3) with a self-signed certificate for
 * "localhost", answering 200 "ok" with a Retry-After header. */
static const char server_py[] =
    "import http.server, ssl, sys\n"
    "class H(http.server.BaseHTTPRequestHandler):\n"
    "    def do_POST(self):\n"
    "        n = int(self.headers.get('Content-Length', 0)); self.rfile.read(n)\n"
    "        ua = self.headers.get('User-Agent', '')\n"
    "        auth = self.headers.get('Authorization', '')\n"
    "        body = (ua + '|' + auth).encode()\n"
    "        self.send_response(200); self.send_header('Retry-After', '12')\n"
    "        self.send_header('Content-Length', str(len(body))); self.end_headers()\n"
    "        self.wfile.write(body)\n"
    "    def log_message(self, *a): pass\n"
    "s = http.server.HTTPServer(('127.0.0.1', 0), H)\n"
    "c = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)\n"
    "c.load_cert_chain(sys.argv[1] + '/cert.pem', sys.argv[1] + '/key.pem')\n"
    "s.socket = c.wrap_socket(s.socket, server_side=True)\n"
    "open(sys.argv[1] + '/port.tmp', 'w').write(str(s.server_address[1]))\n"
    "import os; os.rename(sys.argv[1] + '/port.tmp', sys.argv[1] + '/port')\n"
    "s.serve_forever()\n";

static void
test_https_verified(void **state)
{
	char			 dir[] = "/tmp/tocsin-https-XXXXXX", cmd[512];
	char			 url[128], ca[128], py[128], port[16] = "";
	struct http_request	 req;
	struct http_response	 resp;
	struct http_config	 hc;
	struct terr		 err;
	FILE			*f;
	pid_t			 pid;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(cmd, sizeof(cmd), "openssl req -x509 -newkey rsa:2048 -nodes "
	    "-keyout %s/key.pem -out %s/cert.pem -days 1 -subj /CN=localhost "
	    "-addext subjectAltName=DNS:localhost >/dev/null 2>&1", dir, dir);
	assert_int_equal(system(cmd), 0);
	snprintf(py, sizeof(py), "%s/server.py", dir);
	f = fopen(py, "w");
	assert_non_null(f);
	fputs(server_py, f);
	fclose(f);
	if ((pid = fork()) == 0) {
		execlp("python3", "python3", py, dir, (char *)NULL);
		_exit(127);
	}
	snprintf(cmd, sizeof(cmd), "%s/port", dir);
	for (int i = 0; i < 200 && port[0] == '\0'; i++) {
		struct timespec ts = { 0, 50000000 };

		if ((f = fopen(cmd, "r")) != NULL) {
			if (fgets(port, sizeof(port), f) == NULL)
				port[0] = '\0';
			fclose(f);
		}
		nanosleep(&ts, NULL);
	}
	assert_true(port[0] != '\0');
	snprintf(url, sizeof(url), "https://localhost:%s/hook/SECRET", port);
	snprintf(ca, sizeof(ca), "%s/cert.pem", dir);

	memset(&req, 0, sizeof(req));
	memset(&hc, 0, sizeof(hc));
	req.url = url;
	req.body = "{}";
	req.body_len = 2;
	http_response_init(&resp);
	/* Self-signed: refused by default. */
	assert_int_equal(http_post(&req, &resp, &err), -1);
	assert_null(strstr(err.msg, "SECRET"));
	assert_non_null(strstr(err.msg, "https://localhost:"));
	/* With the CA: accepted; headers as sent. */
	hc.tls.ca_file = ca;
	hc.authorization_type = "Bearer";
	hc.authorization_credentials = "tok";
	req.cfg = &hc;
	assert_int_equal(http_post(&req, &resp, &err), 0);
	assert_int_equal(resp.status, 200);
	assert_int_equal(resp.retry_after_ms, 12000);
	assert_string_equal(buf_str(&resp.body), "tocsin/" TOCSIN_VERSION "|Bearer tok");
	/* insecure_skip_verify without the CA. */
	hc.tls.ca_file = NULL;
	hc.tls.insecure_skip_verify = true;
	hc.authorization_credentials = NULL;
	hc.basic_auth_username = "u";
	hc.basic_auth_password = "p";
	assert_int_equal(http_post(&req, &resp, &err), 0);
	assert_string_equal(buf_str(&resp.body), "tocsin/" TOCSIN_VERSION "|Basic dTpw");
	/* Response size cap: the answer is the status and what fits; the
	 * rest is not read. */
	req.max_response = 4;
	assert_int_equal(http_post(&req, &resp, &err), 0);
	assert_int_equal(resp.status, 200);
	assert_true(resp.truncated);
	assert_int_equal(resp.fail, HTTP_FAIL_NONE);
	assert_string_equal(buf_str(&resp.body), "tocs");
	req.max_response = 0;
	assert_int_equal(http_post(&req, &resp, &err), 0);
	assert_false(resp.truncated);
	assert_int_equal(resp.fail, HTTP_FAIL_NONE);
	http_response_free(&resp);
	kill(pid, SIGTERM);
	waitpid(pid, NULL, 0);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
}

/* A peer that completes the handshake (the kernel does, from the listen
 * backlog) and never answers is a timeout, not a network failure. */
static void
test_timeout_classified(void **state)
{
	struct sockaddr_in	 sin;
	socklen_t		 sl = sizeof(sin);
	struct http_request	 req;
	struct http_response	 resp;
	struct terr		 err;
	char			 url[64], want[128];
	int			 fd;

	(void)state;
	fd = socket(AF_INET, SOCK_STREAM, 0);
	assert_true(fd >= 0);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(fd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	assert_int_equal(listen(fd, 4), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&sin, &sl), 0);
	snprintf(url, sizeof(url), "http://127.0.0.1:%d/x", ntohs(sin.sin_port));
	memset(&req, 0, sizeof(req));
	req.url = url;
	req.body = "{}";
	req.body_len = 2;
	req.timeout_ms = 200;
	http_response_init(&resp);
	assert_int_equal(http_post(&req, &resp, &err), -1);
	assert_int_equal(resp.fail, HTTP_FAIL_TIMEOUT);
	/* Connected (the kernel's backlog accepts), so it was the whole
	 * request's timeout that ran out. */
	assert_true(resp.deadline);
	snprintf(want, sizeof(want), "POST http://127.0.0.1:%d/<redacted>: "
	    "Timeout was reached", ntohs(sin.sin_port));
	assert_string_equal(err.msg, want);
	http_response_free(&resp);
	close(fd);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_redact),
		cmocka_unit_test(test_error_is_redacted),
		cmocka_unit_test(test_https_verified),
		cmocka_unit_test(test_timeout_classified),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
