/* test_sender_email.c: the e-mail sender against a real SMTP server
 * (aiosmtpd, tests/smtp/smtp_server.py): the exact message a real payload
 * renders to and the server records, a Message-ID that survives re-rendering,
 * send_resolved, 451 -> TEMPFAIL and 550 -> PERMFAIL through the sender ops
 * with no secret in the reason, and deliver_enqueue -> dispatcher -> server. */
#include <stdarg.h>
#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <time.h>
#include <unistd.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <cmocka.h>

#include <jansson.h>

#include "config.h"
#include "dedup.h"
#include "deliver.h"
#include "dispatcher.h"
#include "payload.h"
#include "receiver_configs.h"
#include "sender.h"
#include "smtp_server.h"
#include "store.h"
#include "tmpl.h"

#define USER SMTP_USER
#define PASSWORD SMTP_PASSWORD

/* A small template set, as a config's templates: would give it. */
#define TEMPLATES \
	"{{ define \"mail.subject\" }}[{{ .Status | toUpper }}] " \
	"{{ .CommonAnnotations.summary }}{{ end }}" \
	"{{ define \"mail.text\" }}{{ range .Alerts }}{{ .Labels.alertname }} on " \
	"{{ .Labels.instance }}: {{ .Annotations.description }}\n{{ end }}{{ end }}" \
	"{{ define \"mail.html\" }}<p title=\"{{ .GroupLabels.alertname }}\">" \
	"{{ .CommonLabels.instance }} &amp; {{ \"<b>\" }}</p>{{ end }}"

struct env {
	struct smtp_server	 srv;
	struct tmpl_set		*tmpl;
	struct tmpl_opts	 opts;
	struct notification	*firing, *resolved;
};

static char *
slurp(const char *path, size_t *lenp)
{
	FILE	*f = fopen(path, "rb");
	char	*data;
	long	 len;

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
	if (lenp != NULL)
		*lenp = (size_t)len;
	return data;
}

static struct notification *
fixture(const char *name)
{
	char			 path[512];
	struct terr		 err;
	struct notification	*n;
	char			*body;
	size_t			 len;

	snprintf(path, sizeof(path), "%s/%s", TOCSIN_FIXTURES_DIR, name);
	body = slurp(path, &len);
	assert_non_null(body);
	n = payload_parse(body, len, &err);
	if (n == NULL)
		fail_msg("%s: %s", name, err.msg);
	free(body);
	return n;
}

static int
setup(void **state)
{
	static struct env	 e;
	struct terr		 err;

	if (smtp_server_start(&e.srv) == -1)
		return -1;
	/* Alertmanager's defaults, which the config's defaults name. */
	if ((e.tmpl = tmpl_set_new()) == NULL || tmpl_set_add_file(e.tmpl,
	    "/usr/share/prometheus/alertmanager/default.tmpl", &err) == -1 ||
	    tmpl_set_add_file(e.tmpl,
	    "/usr/share/prometheus/alertmanager/email.tmpl", &err) == -1 ||
	    tmpl_set_add_text(e.tmpl, "mail.tmpl", TEMPLATES, &err) == -1) {
		fprintf(stderr, "templates: %s\n", err.msg);
		return -1;
	}
	e.opts.now_sec = 1795441781;	/* 2026-11-23T13:49:41Z */
	e.opts.local_tz = "UTC";
	e.firing = fixture("ssh-login-firing.json");
	e.resolved = fixture("ssh-login-resolved.json");
	*state = &e;
	return 0;
}

static int
teardown(void **state)
{
	struct env	*e = *state;

	tmpl_set_free(e->tmpl);
	notification_free(e->firing);
	notification_free(e->resolved);
	return smtp_server_stop(&e->srv);
}

/* A config with one email integration to `to`; extra YAML lines under it. */
static struct config *
load(struct env *e, const char *to, const char *extra)
{
	char		 yaml[4096];
	struct terr	 err;
	struct config	*cfg;

	snprintf(yaml, sizeof(yaml),
	    "route:\n  receiver: mail\nreceivers:\n- name: mail\n  email_configs:\n"
	    "  - to: '%s'\n    from: 'Tocsin Alerts <alerts@example.org>'\n"
	    "    smarthost: 'localhost:%d'\n    hello: tocsin.test\n"
	    "    auth_username: " USER "\n    auth_password: " PASSWORD "\n"
	    "    tls_config:\n      ca_file: %s\n%s",
	    to, e->srv.starttls, e->srv.ca, extra ? extra : "");
	cfg = config_load_buffer("mail.yml", "/tmp", yaml, strlen(yaml), &err);
	if (cfg == NULL)
		fail_msg("config: %s", err.msg);
	return cfg;
}

static const struct email_config *
email_of(const struct config *cfg)
{
	const struct receiver	*r = config_receiver(cfg, "mail");
	const struct sender_ops	*ops;
	const void		*c;

	assert_non_null(r);
	assert_int_equal(sender_lookup(r, "email/0", &ops, &c), 0);
	assert_ptr_equal(ops, &sender_email_ops);
	assert_ptr_equal(c, EMAIL_AT(r, 0));
	return c;
}

static void
render(struct env *e, const struct email_config *c,
    const struct notification *n, struct sender_parts *parts)
{
	struct sender_render_ctx	ctx = { e->tmpl, &e->opts };
	struct terr			err;

	memset(parts, 0, sizeof(*parts));
	if (sender_email_ops.render(c, n, &ctx, parts, &err) == -1)
		fail_msg("render: %s", err.msg);
}

static void
send(const struct email_config *c, const struct sender_part *p,
    struct send_result *res)
{
	struct sender_send_ctx ctx = { "mail", "email/0", NULL, 10000, NULL, NULL };

	memset(res, 0, sizeof(*res));
	sender_email_ops.send(c, &ctx, p->dest, p->payload, p->len, res);
	print_message("send: status %d reason \"%s\"\n", (int)res->status,
	    res->reason);
	assert_null(strstr(res->reason, PASSWORD));
}

/* The next message the server recorded, and its envelope. */
static void
expect_recorded(struct env *e, const char *data, const char *envelope)
{
	char path[128], *got;

	e->srv.nmsg++;
	snprintf(path, sizeof(path), "%s/%d.eml", e->srv.dir, e->srv.nmsg);
	got = slurp(path, NULL);
	assert_non_null(got);
	assert_string_equal(got, data);
	free(got);
	snprintf(path, sizeof(path), "%s/%d.json", e->srv.dir, e->srv.nmsg);
	got = slurp(path, NULL);
	assert_non_null(got);
	assert_string_equal(got, envelope);
	free(got);
}

static void
expect_nothing_new(struct env *e)
{
	char path[128];

	snprintf(path, sizeof(path), "%s/%d.eml", e->srv.dir, e->srv.nmsg + 1);
	assert_int_not_equal(access(path, F_OK), 0);
}

/* Replaces every occurrence of from in s (in place, to is not longer). */
static void
replace_all(char *s, const char *from, const char *to)
{
	size_t	 fl = strlen(from), tl = strlen(to);
	char	*p;

	assert_true(tl <= fl && fl > 0);
	while ((p = strstr(s, from)) != NULL) {
		memcpy(p, to, tl);
		memmove(p + tl, p + fl, strlen(p + fl) + 1);
	}
}

/*
 * The payload with its two port-dependent parts masked, after checking
 * them: the Message-ID is the dedup key of (receiver, destination,
 * notification), and the MIME boundary "=_tocsin_" and 32 hex digits,
 * seeded by that key. Caller frees.
 */
static char *
masked(const struct sender_part *p, const struct notification *n)
{
	char		 key[DEDUP_KEY_LEN + 1], boundary[64], *out, *b;
	struct terr	 err;

	assert_int_equal(dedup_key(n->receiver, p->dest, n, key, &err), 0);
	out = strdup(p->payload);
	assert_non_null(out);
	assert_non_null(strstr(out, key));
	replace_all(out, key, "MSGID");
	b = strstr(out, "boundary=\"=_tocsin_");
	assert_non_null(b);
	b += strlen("boundary=\"");
	assert_true(strlen(b) > 41 && b[41] == '"');
	memcpy(boundary, b, 41);
	boundary[41] = '\0';
	assert_int_equal(strspn(boundary + 9, "0123456789abcdef"), 32);
	replace_all(out, boundary, "BOUNDARY");
	return out;
}

#define FIRING_ENVELOPE \
	"tocsin-email/1\n" \
	"Tocsin Alerts <alerts@example.org>\n" \
	"Ops Team <ops@example.org>, oncall@example.org\n" \
	"\n"

#define FIRING_HEAD(date) \
	"From: Tocsin Alerts <alerts@example.org>\r\n" \
	"Subject: [FIRING] Shell login for root from 203.0.113.7\r\n" \
	"To: Ops Team <ops@example.org>, oncall@example.org\r\n" \
	"X-Alert-Group: SSHLoginFromNonLAN\r\n" \
	"Message-Id: <MSGID@example.org>\r\n" \
	"Date: " date "\r\n" \
	"MIME-Version: 1.0\r\n" \
	"Content-Type: multipart/alternative; boundary=\"BOUNDARY\"\r\n" \
	"\r\n"

#define FIRING_TEXT_PART \
	"--BOUNDARY\r\n" \
	"Content-Transfer-Encoding: quoted-printable\r\n" \
	"Content-Type: text/plain; charset=UTF-8\r\n" \
	"\r\n" \
	"SSHLoginFromNonLAN on homelab:9100: A shell login succeeded from a non-LAN =\r\n" \
	"address.\r\n" \
	"\r\n"

#define FIRING_HTML_PART \
	"--BOUNDARY\r\n" \
	"Content-Transfer-Encoding: quoted-printable\r\n" \
	"Content-Type: text/html; charset=UTF-8\r\n" \
	"\r\n" \
	"<p title=3D\"SSHLoginFromNonLAN\">homelab:9100 &amp; &lt;b&gt;</p>\r\n" \
	"--BOUNDARY--\r\n"

#define MAIL_EXTRA \
	"    headers:\n" \
	"      x-alert-group: '{{ .GroupLabels.alertname }}'\n" \
	"      Subject: '{{ template \"mail.subject\" . }}'\n"

#define ENVELOPE(to) "{\"port\": \"starttls\", \"mail_from\": " \
	"\"alerts@example.org\", \"rcpt_tos\": " to ", \"tls\": true, " \
	"\"auth\": true, \"helo\": \"tocsin.test\"}"

static void
test_email_render_and_send_exact_bytes(void **state)
{
	struct env		*e = *state;
	struct config		*cfg = load(e, "Ops Team <ops@example.org>, "
	    "oncall@example.org", MAIL_EXTRA
	    "    text: '{{ template \"mail.text\" . }}'\n"
	    "    html: '{{ template \"mail.html\" . }}'\n");
	const struct email_config *c = email_of(cfg);
	struct sender_parts	 parts;
	struct send_result	 res;
	char			 dest[128], *msg, *m;

	render(e, c, e->firing, &parts);
	assert_int_equal(parts.n, 1);
	snprintf(dest, sizeof(dest), "email:localhost:%d:oncall@example.org,"
	    "ops@example.org", e->srv.starttls);
	assert_string_equal(parts.v[0].dest, dest);
	assert_int_equal(parts.v[0].len, strlen(parts.v[0].payload));
	m = masked(&parts.v[0], e->firing);
	assert_string_equal(m, FIRING_ENVELOPE
	    FIRING_HEAD("Mon, 23 Nov 2026 13:49:41 +0000")
	    FIRING_TEXT_PART FIRING_HTML_PART);
	free(m);

	send(c, &parts.v[0], &res);
	assert_int_equal(res.status, SEND_OK);
	assert_string_equal(res.reason, "email: 250 2.0.0 queued");
	/* What the server got is the stored message, byte for byte. */
	msg = strstr(parts.v[0].payload, "\n\n");
	assert_non_null(msg);
	expect_recorded(e, msg + 2,
	    ENVELOPE("[\"ops@example.org\", \"oncall@example.org\"]"));
	sender_parts_free(&parts);
	config_free(cfg);
}

/* A retry of the same notification by Alertmanager renders again, later:
 * a new Date, everything else (Message-ID, boundary) the same. */
static void
test_email_rerender_keeps_message_id(void **state)
{
	struct env		*e = *state;
	struct config		*cfg = load(e, "ops@example.org", MAIL_EXTRA
	    "    text: '{{ template \"mail.text\" . }}'\n    html: ''\n");
	const struct email_config *c = email_of(cfg);
	struct sender_parts	 a, b;
	char			*ma, *mb, *p;
	int64_t			 now = e->opts.now_sec;

	render(e, c, e->firing, &a);
	e->opts.now_sec = now + 3600;
	render(e, c, e->firing, &b);
	e->opts.now_sec = now;
	assert_int_equal(a.n, 1);
	assert_int_equal(b.n, 1);
	ma = strdup(a.v[0].payload);
	mb = strdup(b.v[0].payload);
	assert_non_null(p = strstr(ma, "Date: "));
	memcpy(p, "Date: Mon, 23 Nov 2026 14:49:41 +0000", 37);
	assert_string_equal(ma, mb);
	free(ma);
	free(mb);
	/* html is empty here: only the text part, as in Alertmanager. */
	ma = masked(&b.v[0], e->firing);
	assert_string_equal(ma, "tocsin-email/1\n"
	    "Tocsin Alerts <alerts@example.org>\nops@example.org\n\n"
	    "From: Tocsin Alerts <alerts@example.org>\r\n"
	    "Subject: [FIRING] Shell login for root from 203.0.113.7\r\n"
	    "To: ops@example.org\r\n"
	    "X-Alert-Group: SSHLoginFromNonLAN\r\n"
	    "Message-Id: <MSGID@example.org>\r\n"
	    "Date: Mon, 23 Nov 2026 14:49:41 +0000\r\n"
	    "MIME-Version: 1.0\r\n"
	    "Content-Type: multipart/alternative; boundary=\"BOUNDARY\"\r\n"
	    "\r\n" FIRING_TEXT_PART "--BOUNDARY--\r\n");
	free(ma);
	sender_parts_free(&a);
	sender_parts_free(&b);
	config_free(cfg);
}

/* Alertmanager's email default: send_resolved false. */
static void
test_email_send_resolved(void **state)
{
	struct env		*e = *state;
	struct config		*off = load(e, "ops@example.org", NULL);
	struct config		*on = load(e, "ops@example.org",
	    "    send_resolved: true\n    html: ''\n"
	    "    text: '{{ .Status }} {{ len .Alerts.Resolved }}'\n");
	struct sender_parts	 parts;
	char			*m;

	render(e, email_of(off), e->resolved, &parts);
	assert_int_equal(parts.n, 0);
	render(e, email_of(on), e->resolved, &parts);
	assert_int_equal(parts.n, 1);
	m = strstr(parts.v[0].payload, "\r\n\r\n--");
	assert_non_null(m);
	assert_non_null(strstr(m, "charset=UTF-8\r\n\r\nresolved 1\r\n--"));
	sender_parts_free(&parts);
	config_free(off);
	config_free(on);
}

/* Renders a one-alert message to `to` and sends it once. */
static void
render_send(struct env *e, const char *to, struct send_result *res)
{
	struct config		*cfg = load(e, to, "    html: ''\n    text: x\n");
	struct sender_parts	 parts;

	render(e, email_of(cfg), e->firing, &parts);
	assert_int_equal(parts.n, 1);
	send(email_of(cfg), &parts.v[0], res);
	sender_parts_free(&parts);
	config_free(cfg);
}

static void
test_email_451_is_tempfail(void **state)
{
	struct env		*e = *state;
	struct send_result	 res;

	render_send(e, "busy@example.org", &res);
	assert_int_equal(res.status, SEND_TEMPFAIL);
	assert_int_equal(res.retry_after_ms, -1);
	assert_string_equal(res.reason, "email: recipients refused for now: "
	    "busy@example.org (451 4.3.0 mailbox busy, try later)");
	expect_nothing_new(e);
}

static void
test_email_550_is_permfail(void **state)
{
	struct env		*e = *state;
	struct send_result	 res;

	render_send(e, "gone@example.org", &res);
	assert_int_equal(res.status, SEND_PERMFAIL);
	assert_string_equal(res.reason, "email: recipients refused: "
	    "gone@example.org (550 5.1.1 no such user)");
	expect_nothing_new(e);
}

/* A wrong password is refused for good, and the reason does not echo it. */
static void
test_email_wrong_password_not_in_reason(void **state)
{
	struct env		*e = *state;
	struct config		*cfg = load(e, "ops@example.org",
	    "    html: ''\n    text: x\n");
	struct email_config	 c = *email_of(cfg);
	struct sender_parts	 parts;
	struct send_result	 res;

	render(e, &c, e->firing, &parts);
	c.auth_password = "hunter2-wrong";
	send(&c, &parts.v[0], &res);
	assert_int_equal(res.status, SEND_PERMFAIL);
	assert_string_equal(res.reason, "email: authentication as alertuser "
	    "failed: 535 5.7.8 Authentication credentials invalid");
	expect_nothing_new(e);
	sender_parts_free(&parts);
	config_free(cfg);
}

/* Templated addresses are checked at render, as Alertmanager checks them
 * before MAIL FROM: one From address, no line break, a parsable To. */
static void
test_email_bad_addresses_fail_render(void **state)
{
	struct env			*e = *state;
	struct sender_render_ctx	 ctx = { e->tmpl, &e->opts };
	struct sender_parts		 parts = { 0 };
	struct terr			 err;
	struct config			*cfg = load(e, "ops@example.org",
	    "    html: ''\n    text: x\n");
	struct email_config		 c = *email_of(cfg);

	c.from = "a@example.org, b@example.org";
	assert_int_equal(sender_email_ops.render(&c, e->firing, &ctx, &parts,
	    &err), -1);
	assert_string_equal(err.msg, "must be exactly one from address");
	c.from = "a@example.org";
	c.to = "ops@example.org{{ \"\\r\\nBcc: x@example.org\" }}";
	assert_int_equal(sender_email_ops.render(&c, e->firing, &ctx, &parts,
	    &err), -1);
	assert_string_equal(err.msg,
	    "email from or to address contains a line break");
	c.to = "{{ .Nope";
	assert_int_equal(sender_email_ops.render(&c, e->firing, &ctx, &parts,
	    &err), -1);
	assert_int_equal(strncmp(err.msg, "email to template: ", 19), 0);
	assert_int_equal(parts.n, 0);
	config_free(cfg);

	/* A header template cannot smuggle in another header either. */
	cfg = load(e, "ops@example.org", "    html: ''\n    text: x\n"
	    "    headers:\n      Subject: '{{ \"x\\r\\nBcc: evil@example.org\" }}'\n");
	assert_int_equal(sender_email_ops.render(email_of(cfg), e->firing, &ctx,
	    &parts, &err), -1);
	assert_string_equal(err.msg,
	    "e-mail header Subject contains a line break (CR or LF), refused");
	assert_int_equal(parts.n, 0);
	config_free(cfg);
}

/* A stored payload that is not ours is dead, not retried for a day. */
static void
test_email_corrupt_payload_is_permfail(void **state)
{
	struct env		*e = *state;
	struct config		*cfg = load(e, "ops@example.org", NULL);
	struct sender_part	 p = { "email:x", "From: x\r\n\r\nbody", 15 };
	struct send_result	 res;

	send(email_of(cfg), &p, &res);
	assert_int_equal(res.status, SEND_PERMFAIL);
	assert_string_equal(res.reason,
	    "email: stored message is not an e-mail payload");
	expect_nothing_new(e);
	config_free(cfg);
}

static void
on_enqueue(void *arg)
{
	dispatcher_wake(__atomic_load_n((struct dispatcher **)arg,
	    __ATOMIC_ACQUIRE));
}

/* intake's path: deliver_enqueue stores the e-mail, the dispatcher sends
 * it on a worker, the server records the stored message. */
static void
test_email_enqueue_dispatch_delivers(void **state)
{
	struct env			*e = *state;
	struct config			*cfg = load(e, "ops@example.org",
	    "    html: ''\n    text: '{{ template \"mail.text\" . }}'\n");
	struct sender_render_ctx	 ctx = { e->tmpl, &e->opts };
	struct dispatcher		*disp = NULL;
	struct dispatcher_params	 dp;
	struct store_params		 sp;
	struct deliver_result		 res;
	struct dispatcher_stats		 st;
	struct sender_parts		 parts;
	struct store			*st_;
	struct terr			 err;
	char				 dir[64], cmd[128], *msg;
	int64_t				 counts[STORE_NSTATES];
	struct timespec			 t;
	time_t				 deadline;

	snprintf(dir, sizeof(dir), "/tmp/tocsin-email-store-XXXXXX");
	assert_non_null(mkdtemp(dir));
	memset(&sp, 0, sizeof(sp));
	sp.path = dir;
	sp.on_enqueue = on_enqueue;
	sp.on_enqueue_arg = &disp;
	st_ = store_open(&sp, &err);
	if (st_ == NULL)
		fail_msg("store: %s", err.msg);
	memset(&dp, 0, sizeof(dp));
	dp.store = st_;
	dp.cfg = cfg;
	dp.workers = 1;
	dp.send_timeout_ms = 10000;
	__atomic_store_n(&disp, dispatcher_start(&dp, &err), __ATOMIC_RELEASE);
	if (disp == NULL)
		fail_msg("dispatcher: %s", err.msg);

	assert_int_equal(deliver_enqueue(st_, config_receiver(cfg, "mail"),
	    e->firing, &ctx, 300000, &res, &err), 0);
	assert_int_equal(res.accepted, 1);
	/* Alertmanager sends it again: a duplicate, not a second e-mail. */
	assert_int_equal(deliver_enqueue(st_, config_receiver(cfg, "mail"),
	    e->firing, &ctx, 300000, &res, &err), 0);
	assert_int_equal(res.accepted, 0);
	assert_int_equal(res.duplicates, 1);
	/* The worker marks the store before it counts the outcome: wait for
	 * both, on a deadline generous enough for ASan on a busy machine. */
	clock_gettime(CLOCK_MONOTONIC, &t);
	deadline = t.tv_sec + 60;
	do {
		struct timespec ts = { 0, 20 * 1000000 };

		dispatcher_get_stats(disp, &st);
		assert_int_equal(store_count(st_, counts, &err), 0);
		if (counts[STORE_PENDING] == 0 &&
		    (int64_t)st.delivered == counts[STORE_DELIVERED] &&
		    (int64_t)st.dead == counts[STORE_DEAD])
			break;
		nanosleep(&ts, NULL);
		clock_gettime(CLOCK_MONOTONIC, &t);
	} while (t.tv_sec < deadline);
	assert_int_equal(counts[STORE_PENDING], 0);
	assert_int_equal(counts[STORE_DELIVERED], 1);
	assert_int_equal(st.delivered, 1);
	assert_int_equal(st.dead, 0);

	/* The stored message is what this render gives (same key, same
	 * clock), and the server got exactly it. */
	render(e, email_of(cfg), e->firing, &parts);
	assert_int_equal(parts.n, 1);
	msg = strstr(parts.v[0].payload, "\n\n");
	assert_non_null(msg);
	expect_recorded(e, msg + 2, ENVELOPE("[\"ops@example.org\"]"));
	sender_parts_free(&parts);

	dispatcher_stop(disp);
	store_close(st_);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
	config_free(cfg);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_email_render_and_send_exact_bytes),
		cmocka_unit_test(test_email_rerender_keeps_message_id),
		cmocka_unit_test(test_email_send_resolved),
		cmocka_unit_test(test_email_451_is_tempfail),
		cmocka_unit_test(test_email_550_is_permfail),
		cmocka_unit_test(test_email_wrong_password_not_in_reason),
		cmocka_unit_test(test_email_bad_addresses_fail_render),
		cmocka_unit_test(test_email_corrupt_payload_is_permfail),
		cmocka_unit_test(test_email_enqueue_dispatch_delivers),
	};

	signal(SIGPIPE, SIG_IGN);
	return cmocka_run_group_tests(tests, setup, teardown);
}
