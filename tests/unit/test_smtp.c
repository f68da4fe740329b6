/* test_smtp.c: smtp_deliver against a real SMTP server (aiosmtpd, see
 * tests/smtp/smtp_server.py): STARTTLS, implicit TLS, AUTH, 4xx/5xx per
 * recipient, certificate names, and the exact bytes the server received. */
#include <stdarg.h>
#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <unistd.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <cmocka.h>

#include <jansson.h>

#include "mime.h"
#include "smtp.h"
#include "smtp_server.h"

#define USER SMTP_USER
#define PASSWORD SMTP_PASSWORD

static char *
slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *data;
	long len;

	if (f == NULL)
		return NULL;
	fseek(f, 0, SEEK_END);
	len = ftell(f);
	fseek(f, 0, SEEK_SET);
	data = calloc(1, (size_t)len + 1);
	if (data != NULL && fread(data, 1, (size_t)len, f) != (size_t)len) {
		free(data);
		data = NULL;
	}
	fclose(f);
	return data;
}

static int
server_start(void **state)
{
	static struct smtp_server s;

	if (smtp_server_start(&s) == -1)
		return -1;
	*state = &s;
	return 0;
}

static int
server_stop(void **state)
{
	return *state == NULL ? 0 : smtp_server_stop(*state);
}

/* An email_config as the config loader leaves it, pointing at one port. */
struct cfgbuf {
	struct email_config c;
	char	 hostport[64];
	char	 port[16];
};

static void
config(struct cfgbuf *b, struct smtp_server *s, int port, const char *to)
{
	memset(b, 0, sizeof(*b));
	snprintf(b->port, sizeof(b->port), "%d", port);
	snprintf(b->hostport, sizeof(b->hostport), "localhost:%d", port);
	b->c.to = (char *)to;
	b->c.from = "Tocsin Alerts <alerts@example.org>";
	b->c.hello = "tocsin.test";
	b->c.smarthost = b->hostport;
	b->c.smarthost_host = "localhost";
	b->c.smarthost_port = b->port;
	b->c.auth_username = USER;
	b->c.auth_password = PASSWORD;
	b->c.require_tls = true;
	b->c.tls.ca_file = s->ca;
}

static char *
build(const char *subject)
{
	struct kv h;
	struct buf b;
	struct terr err;
	struct mime_input in = {
		.headers = &h,
		.text = "Disk almost full.\n.\nÜberlauf droht\n",
		.html = "<p>Disk <b>almost</b> full.</p>\n",
		.date = 1700000000,
		.key = "dedup-1",
		.keylen = 7,
		.boundary_seed = 7,
	};

	kv_init(&h);
	assert_int_equal(kv_set(&h, "Subject", subject), 0);
	assert_int_equal(kv_set(&h, "To", "ops@example.org"), 0);
	assert_int_equal(kv_set(&h, "From", "Tocsin Alerts <alerts@example.org>"), 0);
	buf_init(&b, 0);
	assert_int_equal(mime_build(&in, &b, &err), 0);
	kv_free(&h);
	return buf_steal(&b);
}

/* A hand-made message: libesmtp adds Date, From and Message-Id when they
 * are missing (mime_build always writes them), so raw ones carry them too. */
#define RAW_HEAD "From: alerts@example.org\r\nDate: Tue, 14 Nov 2023 22:13:20 +0000\r\n" \
	"Message-Id: <raw@example.org>\r\n"

static int
deliver(struct cfgbuf *b, const char *data, enum smtp_implicit_tls tls,
    struct send_result *res)
{
	struct smtp_message m = {
		.data = data, .len = strlen(data), .implicit_tls = tls, .timeout_s = 10,
	};

	int rc;

	memset(res, 0, sizeof(*res));
	rc = smtp_deliver(&b->c, &m, res);
	print_message("smtp_deliver: %d status %d reason \"%s\"\n", rc,
	    (int)res->status, res->reason);
	return rc;
}

/* The next message the server recorded: its bytes and its envelope. */
static void
expect_recorded(struct smtp_server *s, const char *data, const char *envelope)
{
	char path[128], *got;

	s->nmsg++;
	snprintf(path, sizeof(path), "%s/%d.eml", s->dir, s->nmsg);
	got = slurp(path);
	assert_non_null(got);
	assert_string_equal(got, data);
	free(got);
	snprintf(path, sizeof(path), "%s/%d.json", s->dir, s->nmsg);
	got = slurp(path);
	assert_non_null(got);
	assert_string_equal(got, envelope);
	free(got);
}

static void
expect_nothing_new(struct smtp_server *s)
{
	char path[128];

	snprintf(path, sizeof(path), "%s/%d.eml", s->dir, s->nmsg + 1);
	assert_int_not_equal(access(path, F_OK), 0);
}

static void
test_smtp_starttls_auth_delivers_exact_bytes(void **state)
{
	struct smtp_server *s = *state;
	struct cfgbuf b;
	struct send_result res;
	char *msg = build("[FIRING:1] Plattenplatz knapp ⚠");

	config(&b, s, s->starttls, "Ops Team <ops@example.org>, oncall@example.org");
	assert_int_equal(deliver(&b, msg, SMTP_IMPLICIT_TLS_AUTO, &res), 0);
	assert_int_equal(res.status, SEND_OK);
	assert_string_equal(res.reason, "250 2.0.0 queued");
	expect_recorded(s, msg, "{\"port\": \"starttls\", \"mail_from\": "
	    "\"alerts@example.org\", \"rcpt_tos\": [\"ops@example.org\", "
	    "\"oncall@example.org\"], \"tls\": true, \"auth\": true, "
	    "\"helo\": \"tocsin.test\"}");
	free(msg);
}

static void
test_smtp_leading_dots_survive_the_session(void **state)
{
	struct smtp_server *s = *state;
	struct cfgbuf b;
	struct send_result res;
	const char *raw = RAW_HEAD "Subject: dots\r\n\r\n.leading\r\n..two\r\n.\r\nend\r\n";

	config(&b, s, s->starttls, "ops@example.org");
	assert_int_equal(deliver(&b, raw, SMTP_IMPLICIT_TLS_AUTO, &res), 0);
	expect_recorded(s, raw, "{\"port\": \"starttls\", \"mail_from\": "
	    "\"alerts@example.org\", \"rcpt_tos\": [\"ops@example.org\"], "
	    "\"tls\": true, \"auth\": true, \"helo\": \"tocsin.test\"}");
}

static void
test_smtp_implicit_tls_delivers(void **state)
{
	struct smtp_server *s = *state;
	struct cfgbuf b;
	struct send_result res;
	char *msg = build("implicit");

	config(&b, s, s->tls, "ops@example.org");
	assert_int_equal(deliver(&b, msg, SMTP_IMPLICIT_TLS_ALWAYS, &res), 0);
	assert_int_equal(res.status, SEND_OK);
	expect_recorded(s, msg, "{\"port\": \"tls\", \"mail_from\": "
	    "\"alerts@example.org\", \"rcpt_tos\": [\"ops@example.org\"], "
	    "\"tls\": true, \"auth\": true, \"helo\": \"tocsin.test\"}");
	free(msg);
}

static void
test_smtp_implicit_tls_classifies_auth_and_recipients(void **state)
{
	struct smtp_server *s = *state;
	struct cfgbuf b;
	struct send_result res;
	const char *raw = RAW_HEAD "Subject: x\r\n\r\nx\r\n";
	char want[128];

	config(&b, s, s->tls, "ops@example.org");
	b.c.auth_password = "not-the-password";
	assert_int_equal(deliver(&b, raw, SMTP_IMPLICIT_TLS_ALWAYS, &res), -1);
	assert_int_equal(res.status, SEND_PERMFAIL);
	assert_string_equal(res.reason, "authentication as alertuser failed: 535");
	config(&b, s, s->tls, "busy@example.org");
	assert_int_equal(deliver(&b, raw, SMTP_IMPLICIT_TLS_ALWAYS, &res), -1);
	assert_int_equal(res.status, SEND_TEMPFAIL);
	snprintf(want, sizeof(want), "localhost:%d refused: 451 (RCPT failed: 451)",
	    s->tls);
	assert_string_equal(res.reason, want);
	config(&b, s, s->tls, "gone@example.org");
	assert_int_equal(deliver(&b, raw, SMTP_IMPLICIT_TLS_ALWAYS, &res), -1);
	assert_int_equal(res.status, SEND_PERMFAIL);
	snprintf(want, sizeof(want), "localhost:%d refused: 550 (RCPT failed: 550)",
	    s->tls);
	assert_string_equal(res.reason, want);
	expect_nothing_new(s);
}

static void
test_smtp_implicit_tls_unknown_ca_fails(void **state)
{
	struct smtp_server *s = *state;
	struct cfgbuf b;
	struct send_result res;

	config(&b, s, s->tls, "ops@example.org");
	b.c.tls.ca_file = NULL;		/* the system store does not know our CA */
	assert_int_equal(deliver(&b, RAW_HEAD "Subject: x\r\n\r\nx\r\n",
	    SMTP_IMPLICIT_TLS_ALWAYS, &res), -1);
	assert_int_equal(res.status, SEND_TEMPFAIL);
	assert_non_null(strstr(res.reason, "SMTP session with localhost:"));
	assert_non_null(strstr(res.reason, "certificate"));
	expect_nothing_new(s);
}

static void
test_smtp_require_tls_without_starttls_is_tempfail(void **state)
{
	struct smtp_server *s = *state;
	struct cfgbuf b;
	struct send_result res;
	char want[128];

	config(&b, s, s->plain, "ops@example.org");
	assert_int_equal(deliver(&b, RAW_HEAD "Subject: x\r\n\r\nx\r\n",
	    SMTP_IMPLICIT_TLS_AUTO, &res), -1);
	assert_int_equal(res.status, SEND_TEMPFAIL);
	assert_int_equal(res.retry_after_ms, -1);
	snprintf(want, sizeof(want), "require_tls is true but localhost:%d does "
	    "not offer STARTTLS", s->plain);
	assert_string_equal(res.reason, want);
	expect_nothing_new(s);
}

static void
test_smtp_plain_when_tls_not_required(void **state)
{
	struct smtp_server *s = *state;
	struct cfgbuf b;
	struct send_result res;
	const char *raw = RAW_HEAD "Subject: clear\r\n\r\nx\r\n";

	config(&b, s, s->plain, "ops@example.org");
	b.c.require_tls = false;
	b.c.auth_username = NULL;
	assert_int_equal(deliver(&b, raw, SMTP_IMPLICIT_TLS_AUTO, &res), 0);
	expect_recorded(s, raw, "{\"port\": \"plain\", \"mail_from\": "
	    "\"alerts@example.org\", \"rcpt_tos\": [\"ops@example.org\"], "
	    "\"tls\": false, \"auth\": false, \"helo\": \"tocsin.test\"}");
}

static void
test_smtp_wrong_password_is_permfail(void **state)
{
	struct smtp_server *s = *state;
	struct cfgbuf b;
	struct send_result res;

	config(&b, s, s->starttls, "ops@example.org");
	b.c.auth_password = "not-the-password";
	assert_int_equal(deliver(&b, RAW_HEAD "Subject: x\r\n\r\nx\r\n",
	    SMTP_IMPLICIT_TLS_AUTO, &res), -1);
	assert_int_equal(res.status, SEND_PERMFAIL);
	assert_string_equal(res.reason, "authentication as alertuser failed: "
	    "535 5.7.8 Authentication credentials invalid");
	assert_null(strstr(res.reason, "not-the-password"));
	expect_nothing_new(s);
}

static void
test_smtp_451_recipient_is_tempfail(void **state)
{
	struct smtp_server *s = *state;
	struct cfgbuf b;
	struct send_result res;

	config(&b, s, s->starttls, "busy@example.org");
	assert_int_equal(deliver(&b, RAW_HEAD "Subject: x\r\n\r\nx\r\n",
	    SMTP_IMPLICIT_TLS_AUTO, &res), -1);
	assert_int_equal(res.status, SEND_TEMPFAIL);
	assert_string_equal(res.reason, "recipients refused for now: "
	    "busy@example.org (451 4.3.0 mailbox busy, try later)");
	expect_nothing_new(s);
}

static void
test_smtp_550_recipient_is_permfail_others_delivered(void **state)
{
	struct smtp_server *s = *state;
	struct cfgbuf b;
	struct send_result res;
	const char *raw = RAW_HEAD "Subject: partial\r\n\r\nx\r\n";

	config(&b, s, s->starttls, "gone@example.org");
	assert_int_equal(deliver(&b, raw, SMTP_IMPLICIT_TLS_AUTO, &res), -1);
	assert_int_equal(res.status, SEND_PERMFAIL);
	assert_string_equal(res.reason, "recipients refused: "
	    "gone@example.org (550 5.1.1 no such user)");
	expect_nothing_new(s);

	config(&b, s, s->starttls, "ops@example.org, gone@example.org");
	assert_int_equal(deliver(&b, raw, SMTP_IMPLICIT_TLS_AUTO, &res), -1);
	assert_int_equal(res.status, SEND_PERMFAIL);
	assert_string_equal(res.reason, "recipients refused (delivered to 1 "
	    "other): gone@example.org (550 5.1.1 no such user)");
	expect_recorded(s, raw, "{\"port\": \"starttls\", \"mail_from\": "
	    "\"alerts@example.org\", \"rcpt_tos\": [\"ops@example.org\"], "
	    "\"tls\": true, \"auth\": true, \"helo\": \"tocsin.test\"}");
}

static void
test_smtp_server_down_is_tempfail(void **state)
{
	struct smtp_server *s = *state;
	struct cfgbuf b;
	struct send_result res;

	config(&b, s, 1, "ops@example.org");
	assert_int_equal(deliver(&b, RAW_HEAD "Subject: x\r\n\r\nx\r\n",
	    SMTP_IMPLICIT_TLS_AUTO, &res), -1);
	assert_int_equal(res.status, SEND_TEMPFAIL);
	assert_string_equal(res.reason,
	    "SMTP session with localhost:1 failed: Connection refused");
}

static void
test_smtp_certificate_for_another_name_fails(void **state)
{
	struct smtp_server *s = *state;
	struct cfgbuf b;
	struct send_result res;
	char want[128];

	config(&b, s, s->wrongname, "ops@example.org");
	assert_int_equal(deliver(&b, RAW_HEAD "Subject: x\r\n\r\nx\r\n",
	    SMTP_IMPLICIT_TLS_AUTO, &res), -1);
	assert_int_equal(res.status, SEND_TEMPFAIL);
	snprintf(want, sizeof(want), "TLS with localhost:%d: hostname mismatch "
	    "(expected name localhost)", s->wrongname);
	assert_string_equal(res.reason, want);
	expect_nothing_new(s);
}

static void
test_smtp_server_name_from_tls_config_is_honoured(void **state)
{
	struct smtp_server *s = *state;
	struct cfgbuf b;
	struct send_result res;
	const char *raw = RAW_HEAD "Subject: renamed\r\n\r\nx\r\n";

	config(&b, s, s->wrongname, "ops@example.org");
	b.c.tls.server_name = "wrong.example";
	assert_int_equal(deliver(&b, raw, SMTP_IMPLICIT_TLS_AUTO, &res), 0);
	expect_recorded(s, raw, "{\"port\": \"wrongname\", \"mail_from\": "
	    "\"alerts@example.org\", \"rcpt_tos\": [\"ops@example.org\"], "
	    "\"tls\": true, \"auth\": true, \"helo\": \"tocsin.test\"}");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_smtp_starttls_auth_delivers_exact_bytes),
		cmocka_unit_test(test_smtp_leading_dots_survive_the_session),
		cmocka_unit_test(test_smtp_implicit_tls_delivers),
		cmocka_unit_test(test_smtp_implicit_tls_classifies_auth_and_recipients),
		cmocka_unit_test(test_smtp_implicit_tls_unknown_ca_fails),
		cmocka_unit_test(test_smtp_require_tls_without_starttls_is_tempfail),
		cmocka_unit_test(test_smtp_plain_when_tls_not_required),
		cmocka_unit_test(test_smtp_wrong_password_is_permfail),
		cmocka_unit_test(test_smtp_451_recipient_is_tempfail),
		cmocka_unit_test(test_smtp_550_recipient_is_permfail_others_delivered),
		cmocka_unit_test(test_smtp_server_down_is_tempfail),
		cmocka_unit_test(test_smtp_certificate_for_another_name_fails),
		cmocka_unit_test(test_smtp_server_name_from_tls_config_is_honoured),
	};

	signal(SIGPIPE, SIG_IGN);
	return cmocka_run_group_tests(tests, server_start, server_stop);
}
