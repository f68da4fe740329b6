/* test_sender_email.c: the e-mail sender against a real SMTP server
 * (aiosmtpd, tests/smtp/smtp_server.py): the exact message a real payload
 * renders to and the server records, a Message-ID that survives re-rendering,
 * send_resolved, 451 -> TEMPFAIL and 550 -> PERMFAIL through the sender ops
 * with no secret in the reason, and deliver_enqueue -> dispatcher -> server;
 * Alertmanager 0.30-0.34's fields: threading (References and In-Reply-To per
 * alert group), force_implicit_tls, auth_secret_file (CRAM-MD5) and the
 * global smtp_tls_config, their config errors with positions and how they
 * inherit from the global section. */
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
#include "config_cases.h"
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
#define SECRET SMTP_SECRET

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
	struct notification	*firing, *resolved, *other;
	struct config_fixture	*cf;	/* secret files */
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
	void			*cf;

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
	e.other = fixture("llm-error-rate-mixed-severity.json");
	e.cf = config_fixture_new(&cf, "test_sender_email");
	scratch_write(e.cf->dir, "secret", "  " SECRET "\n");
	scratch_write(e.cf->dir, "gsecret", "global-secret\n");
	scratch_write(e.cf->dir, "wrong", "not-the-secret\n");
	*state = &e;
	return 0;
}

static int
teardown(void **state)
{
	struct env	*e = *state;
	void		*cf = e->cf;

	tmpl_set_free(e->tmpl);
	notification_free(e->firing);
	notification_free(e->resolved);
	notification_free(e->other);
	config_fixture_teardown(&cf);
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
	struct sender_render_ctx	ctx = { .tmpl = e->tmpl, .opts = &e->opts };
	struct terr			err;

	memset(parts, 0, sizeof(*parts));
	if (sender_email_ops.render(c, n, &ctx, parts, &err) == -1)
		fail_msg("render: %s", err.msg);
}

static void
send(const struct email_config *c, const struct sender_part *p,
    struct send_result *res)
{
	struct sender_send_ctx ctx = { .receiver = "mail",
	    .integration = "email/0", .timeout_ms = 10000 };

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
	struct sender_render_ctx	 ctx = { .tmpl = e->tmpl, .opts = &e->opts };
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
	struct sender_part	 p = { .dest = "email:x", .payload = "From: x\r\n\r\nbody", .len = 15 };
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
	struct sender_render_ctx	 ctx = { .tmpl = e->tmpl, .opts = &e->opts };
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
	dp.max_sends = 1;
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

/* ---- Alertmanager 0.30-0.34's fields: config ---- */

#define HEAD "route:\n  receiver: r\nreceivers:\n- name: r\n"
/* An email config that loads, open for one more key at column 45. */
#define EM "  email_configs:\n  - {to: a@b, from: f@b, smarthost: 'm:25', "
#define GLOBAL_AFTER "  email_configs:\n  - {to: a@b, from: f@b, smarthost: " \
	"'m:25'}\nglobal:\n"

static const struct errcase email_034_errors[] = {
	/* EmailConfig.UnmarshalYAML: thread_by_date has no default. */
	{ EM "threading: {enabled: true}}\n",
	    "6:56: threading.thread_by_date must be either 'none' or 'daily'" },
	{ EM "threading: {enabled: true, thread_by_date: weekly}}\n",
	    "6:88: threading.thread_by_date must be either 'none' or 'daily'" },
	{ EM "threading: {enabled: true, thread_by_date: ''}}\n",
	    "6:88: threading.thread_by_date must be either 'none' or 'daily'" },
	{ EM "threading: {enabled: true, thread_by_date: daily}, headers: "
	    "{X-A: a, references: '<x@y>'}}\n",
	    "6:114: conflicting configuration: threading.enabled conflicts with "
	    "custom References header" },
	{ EM "threading: {enabled: true, thread_by_date: none}, headers: "
	    "{IN-REPLY-TO: '<x@y>'}}\n",
	    "6:105: conflicting configuration: threading.enabled conflicts with "
	    "custom In-Reply-To header" },
	/* The headers first, as Alertmanager checks them. */
	{ EM "threading: {enabled: true, thread_by_date: weekly}, headers: "
	    "{References: '<x@y>'}}\n",
	    "6:107: conflicting configuration: threading.enabled conflicts with "
	    "custom References header" },
	{ EM "threading: {enable: true}}\n",
	    "6:57: unknown field enable in threading" },
	{ EM "threading: [x]}\n",
	    "6:56: threading must be a mapping, not a list" },
	{ EM "threading: {enabled: 'yes'}}\n",
	    "6:66: enabled must be true or false, not the string \"yes\"" },
	{ EM "threading: {enabled: true, thread_by_date: [daily]}}\n",
	    "6:88: thread_by_date must be a string, not a list" },
	/* Before the global section's checks, as in Alertmanager, where
	 * they run after the receivers are read. */
	{ "  email_configs:\n" "  - {to: a@b, threading: {enabled: true}}\n",
	    "6:26: threading.thread_by_date must be either 'none' or 'daily'" },
	{ EM "force_implicit_tls: x}\n",
	    "6:65: force_implicit_tls must be true or false, not \"x\"" },
	{ EM "auth_secret_file: missing}\n",
	    "6:63: cannot read auth_secret_file \"{dir}/missing\": No such file "
	    "or directory" },
	{ EM "auth_secret_file: [x]}\n",
	    "6:63: auth_secret_file must be a file name, not a list" },
	{ GLOBAL_AFTER "  smtp_auth_secret: SECRET\n"
	    "  smtp_auth_secret_file: gsecret\n",
	    "9:26: at most one of smtp_auth_secret & smtp_auth_secret_file must "
	    "be configured" },
	{ GLOBAL_AFTER "  smtp_auth_secret_file: missing\n",
	    "8:26: cannot read smtp_auth_secret_file \"{dir}/missing\": No such "
	    "file or directory" },
	{ GLOBAL_AFTER "  smtp_tls_config: {ca: x}\n",
	    "8:21: unknown field ca in tls_config" },
	{ GLOBAL_AFTER "  smtp_tls_config: {min_version: TLS9}\n",
	    "8:34: unknown TLS version: TLS9" },
	{ GLOBAL_AFTER "  smtp_tls_config: {cert_file: c.pem}\n",
	    "8:20: client cert file \"{dir}/c.pem\" specified without client key "
	    "file" },
	{ GLOBAL_AFTER "  smtp_tls_config: x\n",
	    "8:20: tls_config must be a mapping, not a scalar" },
	{ GLOBAL_AFTER "  smtp_force_implicit_tls: maybe\n",
	    "8:28: smtp_force_implicit_tls must be true or false, not \"maybe\"" },
};

static void
test_email_034_config_errors_with_positions(void **state)
{
	struct env *e = *state;

	check_errors(e->cf->dir, HEAD, "", email_034_errors,
	    nitems(email_034_errors));
}

/* Threading loads as written; thread_by_date is checked only when enabled,
 * as Alertmanager checks it. */
static void
test_email_threading_config(void **state)
{
	struct env		*e = *state;
	struct config		*cfg = config_must_load(e->cf->dir, HEAD EM
	    "threading: {enabled: false, thread_by_date: weekly}}\n"
	    "  - {to: a@b, from: f@b, smarthost: 'm:25', threading: {enabled: "
	    "true, thread_by_date: none}, headers: {X-Ref: a}}\n"
	    "  - {to: a@b, from: f@b, smarthost: 'm:25', threading: null}\n");
	const struct receiver	*r = config_receiver(cfg, "r");

	assert_false(EMAIL_AT(r, 0)->threading.enabled);
	assert_string_equal(EMAIL_AT(r, 0)->threading.thread_by_date, "weekly");
	assert_true(EMAIL_AT(r, 1)->threading.enabled);
	assert_string_equal(EMAIL_AT(r, 1)->threading.thread_by_date, "none");
	assert_false(EMAIL_AT(r, 2)->threading.enabled);
	assert_null(EMAIL_AT(r, 2)->threading.thread_by_date);
	config_free(cfg);
}

/* config.go's inheritance: tls_config and force_implicit_tls are pointers
 * (absent or null: the global one, no merging), auth_secret and
 * auth_secret_file inherit one by one and a file wins. */
static void
test_email_034_fields_inherit_from_global(void **state)
{
	struct env		*e = *state;
	char			 ca[128], path[128];
	struct config		*cfg = config_must_load(e->cf->dir, HEAD
	    "  email_configs:\n"
	    "  - {to: a@b}\n"
	    "  - {to: a@b, tls_config: {server_name: own.example}, "
	    "force_implicit_tls: false, auth_secret_file: secret}\n"
	    "  - {to: a@b, tls_config: null, force_implicit_tls: null, "
	    "auth_secret: own}\n"
	    "global:\n"
	    "  smtp_from: f@b\n  smtp_smarthost: 'm:25'\n"
	    "  smtp_tls_config: {ca_file: ca.pem, server_name: mail.example, "
	    "insecure_skip_verify: true, min_version: TLS13}\n"
	    "  smtp_force_implicit_tls: true\n"
	    "  smtp_auth_secret_file: gsecret\n");
	const struct receiver	*r = config_receiver(cfg, "r");
	const struct email_config *c;

	snprintf(ca, sizeof(ca), "%s/ca.pem", e->cf->dir);
	for (size_t i = 0; i < 3; i += 2) {
		c = EMAIL_AT(r, i);
		assert_string_equal(c->tls.ca_file, ca);
		assert_string_equal(c->tls.server_name, "mail.example");
		assert_true(c->tls.insecure_skip_verify);
		assert_string_equal(c->tls.min_version, "TLS13");
		assert_true(c->force_implicit_tls_set);
		assert_true(c->force_implicit_tls);
		/* The global file, even over the email's own auth_secret. */
		assert_string_equal(c->auth_secret, "global-secret");
	}
	c = EMAIL_AT(r, 1);
	assert_null(c->tls.ca_file);
	assert_string_equal(c->tls.server_name, "own.example");
	assert_false(c->tls.insecure_skip_verify);
	assert_true(c->force_implicit_tls_set);
	assert_false(c->force_implicit_tls);
	snprintf(path, sizeof(path), "%s/secret", e->cf->dir);
	assert_string_equal(c->auth_secret_file, path);
	assert_string_equal(c->auth_secret, SECRET);
	config_free(cfg);

	/* Without them in the global section: port 465 decides, the email's
	 * own secret or the global inline one. */
	cfg = config_must_load(e->cf->dir, HEAD
	    "  email_configs:\n"
	    "  - {to: a@b}\n"
	    "  - {to: a@b, auth_secret: own}\n"
	    "global:\n"
	    "  smtp_from: f@b\n  smtp_smarthost: 'm:25'\n"
	    "  smtp_auth_secret: global-inline\n");
	r = config_receiver(cfg, "r");
	c = EMAIL_AT(r, 0);
	assert_false(c->force_implicit_tls_set);
	assert_null(c->tls.ca_file);
	assert_null(c->tls.server_name);
	assert_string_equal(c->auth_secret, "global-inline");
	assert_null(c->auth_secret_file);
	assert_string_equal(EMAIL_AT(r, 1)->auth_secret, "own");
	config_free(cfg);
}

/* ---- Alertmanager 0.30-0.34's fields: sending ---- */

/* A config whose email integration has `to` ops@example.org, the usual
 * From and HELO, a one-line text part and the lines of fmt (indented four
 * spaces), after the global lines; relative paths are read from the
 * fixture's directory. */
static struct config * PRINTF_LIKE(3, 4)
load_mail(struct env *e, const char *global, const char *fmt, ...)
{
	char		 yaml[4096], lines[2048];
	struct terr	 err;
	struct config	*cfg;
	va_list		 ap;

	va_start(ap, fmt);
	assert_true((size_t)vsnprintf(lines, sizeof(lines), fmt, ap) <
	    sizeof(lines));
	va_end(ap);
	assert_true((size_t)snprintf(yaml, sizeof(yaml), "global:\n%s"
	    "route:\n  receiver: mail\nreceivers:\n- name: mail\n"
	    "  email_configs:\n  - to: ops@example.org\n"
	    "    from: 'Tocsin Alerts <alerts@example.org>'\n"
	    "    hello: tocsin.test\n    html: ''\n    text: x\n%s",
	    global != NULL ? global : "", lines) < sizeof(yaml));
	cfg = config_load_buffer("mail.yml", e->cf->dir, yaml, strlen(yaml), &err);
	if (cfg == NULL)
		fail_msg("config: %s\n%s", err.msg, yaml);
	return cfg;
}

/* Renders n (one part) and sends it once. */
static void
render_send_one(struct env *e, const struct config *cfg,
    const struct notification *n, struct sender_parts *parts,
    struct send_result *res)
{
	render(e, email_of(cfg), n, parts);
	assert_int_equal(parts->n, 1);
	send(email_of(cfg), &parts->v[0], res);
}

/* The message of a part as the server must have recorded it. */
static const char *
message_of(const struct sender_part *p)
{
	const char *m = strstr(p->payload, "\n\n");

	assert_non_null(m);
	return m + 2;
}

/* The value of header name in message m (unfolded lines are enough
 * here), into out; "" when absent. */
static void
header_value(const char *m, const char *name, char *out, size_t len)
{
	size_t nl = strlen(name);
	const char *p, *end;

	out[0] = '\0';
	for (p = m; *p != '\0' && strncmp(p, "\r\n", 2) != 0;
	    p = strstr(p, "\r\n") + 2) {
		if (strncmp(p, name, nl) == 0 && strncmp(p + nl, ": ", 2) == 0) {
			end = strstr(p, "\r\n");
			snprintf(out, len, "%.*s", (int)(end - p - nl - 2), p + nl + 2);
			return;
		}
	}
}

#define ENVELOPE_AT(port, to) "{\"port\": \"" port "\", \"mail_from\": " \
	"\"alerts@example.org\", \"rcpt_tos\": " to ", \"tls\": true, " \
	"\"auth\": true, \"helo\": \"tocsin.test\"}"

/* Thread roots of the fixtures' groups: "<alert-" the first 16 hex digits
 * of sha256sum of the payload's groupKey "-" the day "@alertmanager>". */
#define SSH_GROUP_HASH	"09d5d4fbebcb5436"	/* {}:{alertname="SSHLoginFromNonLAN"} */
#define LLM_GROUP_HASH	"c4252c4d3778ef5f"	/* {}:{alertname="HighLLMErrorRate"} */

/* threading: daily: every notification of one group, firing or resolved,
 * carries the same References and In-Reply-To (right after Message-Id, as
 * Alertmanager writes them), another group another one, the next day a new
 * thread; the server records exactly the stored message. */
static void
test_email_threading_daily_headers_per_group(void **state)
{
	struct env		*e = *state;
	struct config		*cfg = load_mail(e, NULL,
	    "    send_resolved: true\n    smarthost: 'localhost:%d'\n"
	    "    auth_username: " USER "\n    auth_password: " PASSWORD "\n"
	    "    tls_config: {ca_file: '%s'}\n"
	    "    threading: {enabled: true, thread_by_date: daily}\n",
	    e->srv.starttls, e->srv.ca);
	struct sender_parts	 parts;
	struct send_result	 res;
	char			 refs[128], irt[128], *m;
	int64_t			 now = e->opts.now_sec;
	static const struct {
		int		 which;		/* firing, resolved, other */
		int64_t		 later;		/* seconds after now */
		const char	*thread;
	} want[] = {
		{ 0, 0, "<alert-" SSH_GROUP_HASH "-2026-11-23@alertmanager>" },
		{ 1, 600, "<alert-" SSH_GROUP_HASH "-2026-11-23@alertmanager>" },
		{ 2, 0, "<alert-" LLM_GROUP_HASH "-2026-11-23@alertmanager>" },
		/* 2026-11-24T00:00:19Z */
		{ 0, 36638, "<alert-" SSH_GROUP_HASH "-2026-11-24@alertmanager>" },
	};

	/* The whole message once, byte for byte. */
	render(e, email_of(cfg), e->firing, &parts);
	assert_int_equal(parts.n, 1);
	m = masked(&parts.v[0], e->firing);
	assert_string_equal(m, "tocsin-email/1\n"
	    "Tocsin Alerts <alerts@example.org>\nops@example.org\n\n"
	    "From: Tocsin Alerts <alerts@example.org>\r\n"
	    "Subject: [FIRING:1] SSHLoginFromNonLAN (homelab:9100 critical "
	    "203.0.113.7)\r\n"
	    "To: ops@example.org\r\n"
	    "Message-Id: <MSGID@example.org>\r\n"
	    "References: <alert-" SSH_GROUP_HASH "-2026-11-23@alertmanager>\r\n"
	    "In-Reply-To: <alert-" SSH_GROUP_HASH "-2026-11-23@alertmanager>\r\n"
	    "Date: Mon, 23 Nov 2026 13:49:41 +0000\r\n"
	    "MIME-Version: 1.0\r\n"
	    "Content-Type: multipart/alternative; boundary=\"BOUNDARY\"\r\n"
	    "\r\n"
	    "--BOUNDARY\r\n"
	    "Content-Transfer-Encoding: quoted-printable\r\n"
	    "Content-Type: text/plain; charset=UTF-8\r\n"
	    "\r\n"
	    "x\r\n"
	    "--BOUNDARY--\r\n");
	free(m);
	sender_parts_free(&parts);

	for (size_t i = 0; i < nitems(want); i++) {
		const struct notification *n = want[i].which == 0 ? e->firing :
		    want[i].which == 1 ? e->resolved : e->other;

		e->opts.now_sec = now + want[i].later;
		render_send_one(e, cfg, n, &parts, &res);
		e->opts.now_sec = now;
		assert_int_equal(res.status, SEND_OK);
		expect_recorded(e, message_of(&parts.v[0]),
		    ENVELOPE_AT("starttls", "[\"ops@example.org\"]"));
		header_value(message_of(&parts.v[0]), "References", refs,
		    sizeof(refs));
		header_value(message_of(&parts.v[0]), "In-Reply-To", irt,
		    sizeof(irt));
		assert_string_equal(refs, want[i].thread);
		assert_string_equal(irt, want[i].thread);
		sender_parts_free(&parts);
	}
	config_free(cfg);
}

/* thread_by_date: none: one thread per group whatever the day; without
 * threading, neither header. */
static void
test_email_threading_none_and_off(void **state)
{
	struct env		*e = *state;
	struct config		*none = load_mail(e, NULL,
	    "    smarthost: 'localhost:25'\n"
	    "    threading: {enabled: true, thread_by_date: none}\n");
	struct config		*off = load_mail(e, NULL,
	    "    smarthost: 'localhost:25'\n"
	    "    threading: {enabled: false, thread_by_date: daily}\n");
	struct sender_parts	 parts;
	char			 v[128];
	int64_t			 now = e->opts.now_sec;

	for (int day = 0; day < 3; day++) {
		e->opts.now_sec = now + day * 86400;
		render(e, email_of(none), e->firing, &parts);
		header_value(message_of(&parts.v[0]), "References", v, sizeof(v));
		assert_string_equal(v, "<alert-" SSH_GROUP_HASH "-@alertmanager>");
		header_value(message_of(&parts.v[0]), "In-Reply-To", v, sizeof(v));
		assert_string_equal(v, "<alert-" SSH_GROUP_HASH "-@alertmanager>");
		sender_parts_free(&parts);
	}
	e->opts.now_sec = now;
	render(e, email_of(off), e->firing, &parts);
	assert_null(strstr(parts.v[0].payload, "References:"));
	assert_null(strstr(parts.v[0].payload, "In-Reply-To:"));
	sender_parts_free(&parts);
	config_free(none);
	config_free(off);
}

/* force_implicit_tls: true speaks TLS from the first byte on any port (the
 * server's smtps port is not 465); false or unset on a port other than
 * 465, SMTP first. The global smtp_force_implicit_tls is the default. */
static void
test_email_force_implicit_tls(void **state)
{
	struct env		*e = *state;
	struct sender_parts	 parts;
	struct send_result	 res;
	struct config		*cfg;
	char			 want[256];
	static const char *const global_on = "  smtp_force_implicit_tls: true\n";

	/* The email's own setting, then the global one, on the smtps port. */
	for (int i = 0; i < 2; i++) {
		cfg = load_mail(e, i == 0 ? NULL : global_on,
		    "    smarthost: 'localhost:%d'\n%s"
		    "    auth_username: " USER "\n    auth_password: " PASSWORD "\n"
		    "    tls_config: {ca_file: '%s'}\n", e->srv.tls,
		    i == 0 ? "    force_implicit_tls: true\n" : "", e->srv.ca);
		render_send_one(e, cfg, e->firing, &parts, &res);
		assert_int_equal(res.status, SEND_OK);
		expect_recorded(e, message_of(&parts.v[0]),
		    ENVELOPE_AT("tls", "[\"ops@example.org\"]"));
		sender_parts_free(&parts);
		config_free(cfg);
	}

	/* The STARTTLS port answers a TLS handshake in clear text: forced
	 * implicit TLS fails there, for now (TEMPFAIL)... */
	cfg = load_mail(e, global_on,
	    "    smarthost: 'localhost:%d'\n"
	    "    auth_username: " USER "\n    auth_password: " PASSWORD "\n"
	    "    tls_config: {ca_file: '%s'}\n", e->srv.starttls, e->srv.ca);
	render_send_one(e, cfg, e->firing, &parts, &res);
	assert_int_equal(res.status, SEND_TEMPFAIL);
	snprintf(want, sizeof(want), "email: SMTP session with localhost:%d "
	    "failed: ", e->srv.starttls);
	assert_int_equal(strncmp(res.reason, want, strlen(want)), 0);
	expect_nothing_new(e);
	sender_parts_free(&parts);
	config_free(cfg);

	/* ...and the email's false beats the global true: STARTTLS. */
	cfg = load_mail(e, global_on,
	    "    smarthost: 'localhost:%d'\n    force_implicit_tls: false\n"
	    "    auth_username: " USER "\n    auth_password: " PASSWORD "\n"
	    "    tls_config: {ca_file: '%s'}\n", e->srv.starttls, e->srv.ca);
	render_send_one(e, cfg, e->firing, &parts, &res);
	assert_int_equal(res.status, SEND_OK);
	expect_recorded(e, message_of(&parts.v[0]),
	    ENVELOPE_AT("starttls", "[\"ops@example.org\"]"));
	sender_parts_free(&parts);
	config_free(cfg);
}

/* The global smtp_tls_config is the tls_config of every email config
 * without one: its CA verifies the server. An email's own tls_config
 * replaces it whole (no CA then: the test CA is unknown). */
static void
test_email_global_smtp_tls_config(void **state)
{
	struct env		*e = *state;
	struct sender_parts	 parts;
	struct send_result	 res;
	struct config		*cfg;
	char			 global[256], want[256];

	snprintf(global, sizeof(global), "  smtp_tls_config: {ca_file: '%s'}\n",
	    e->srv.ca);
	cfg = load_mail(e, global, "    smarthost: 'localhost:%d'\n"
	    "    auth_username: " USER "\n    auth_password: " PASSWORD "\n",
	    e->srv.starttls);
	render_send_one(e, cfg, e->firing, &parts, &res);
	assert_int_equal(res.status, SEND_OK);
	expect_recorded(e, message_of(&parts.v[0]),
	    ENVELOPE_AT("starttls", "[\"ops@example.org\"]"));
	sender_parts_free(&parts);
	config_free(cfg);

	cfg = load_mail(e, global, "    smarthost: 'localhost:%d'\n"
	    "    auth_username: " USER "\n    auth_password: " PASSWORD "\n"
	    "    tls_config: {server_name: localhost}\n", e->srv.starttls);
	render_send_one(e, cfg, e->firing, &parts, &res);
	assert_int_equal(res.status, SEND_TEMPFAIL);
	snprintf(want, sizeof(want), "email: TLS with localhost:%d: unable to "
	    "get local issuer certificate (expected name localhost)",
	    e->srv.starttls);
	assert_string_equal(res.reason, want);
	expect_nothing_new(e);
	sender_parts_free(&parts);
	config_free(cfg);
}

/* auth_secret_file (and the global smtp_auth_secret_file) hold CRAM-MD5's
 * shared secret: a server that offers only CRAM-MD5 accepts it, and a
 * wrong one is refused for good without appearing in the reason. */
static void
test_email_auth_secret_file_cram_md5(void **state)
{
	struct env		*e = *state;
	struct sender_parts	 parts;
	struct send_result	 res;
	struct config		*cfg;
	static const struct {
		const char	*global;
		const char	*own;
	} ok[] = {
		{ NULL, "    auth_secret_file: secret\n" },
		{ NULL, "    auth_secret: " SECRET "\n" },
		{ "  smtp_auth_secret_file: secret\n", "" },
		/* The global file wins over an inline auth_secret. */
		{ "  smtp_auth_secret_file: secret\n", "    auth_secret: nope\n" },
	};

	for (size_t i = 0; i < nitems(ok); i++) {
		cfg = load_mail(e, ok[i].global, "    smarthost: 'localhost:%d'\n"
		    "    tls_config: {ca_file: '%s'}\n"
		    "    auth_username: " USER "\n%s", e->srv.cram, e->srv.ca,
		    ok[i].own);
		render_send_one(e, cfg, e->firing, &parts, &res);
		if (res.status != SEND_OK)
			fail_msg("case %zu: %s", i, res.reason);
		expect_recorded(e, message_of(&parts.v[0]),
		    ENVELOPE_AT("cram", "[\"ops@example.org\"]"));
		sender_parts_free(&parts);
		config_free(cfg);
	}

	cfg = load_mail(e, NULL, "    smarthost: 'localhost:%d'\n"
	    "    tls_config: {ca_file: '%s'}\n"
	    "    auth_username: " USER "\n    auth_secret_file: wrong\n",
	    e->srv.cram, e->srv.ca);
	render_send_one(e, cfg, e->firing, &parts, &res);
	assert_int_equal(res.status, SEND_PERMFAIL);
	assert_string_equal(res.reason, "email: authentication as alertuser "
	    "failed: 535");
	assert_null(strstr(res.reason, "not-the-secret"));
	expect_nothing_new(e);
	sender_parts_free(&parts);
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
		cmocka_unit_test(test_email_034_config_errors_with_positions),
		cmocka_unit_test(test_email_threading_config),
		cmocka_unit_test(test_email_034_fields_inherit_from_global),
		cmocka_unit_test(test_email_threading_daily_headers_per_group),
		cmocka_unit_test(test_email_threading_none_and_off),
		cmocka_unit_test(test_email_force_implicit_tls),
		cmocka_unit_test(test_email_global_smtp_tls_config),
		cmocka_unit_test(test_email_auth_secret_file_cram_md5),
	};

	signal(SIGPIPE, SIG_IGN);
	return cmocka_run_group_tests(tests, setup, teardown);
}
