/* test_sender_pushover.c: the pushover channel: its config section
 * (Alertmanager 0.34's defaults and messages with positions, the *_file
 * secrets), the form the fake Pushover receives byte for byte for a real
 * Alertmanager payload (no secret in the stored payload, token and user at
 * their sorted places in the request), Alertmanager's cuts and its
 * "(no details)", each Pushover answer classified, and no secret in any
 * reason. */
#include <stdarg.h>
#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>
#include <cmocka.h>

#include "clock.h"
#include "config_cases.h"
#include "fake_client.h"
#include "payload.h"
#include "payload_fixture.h"
#include "receiver.h"
#include "sender.h"
#include "sender_pushover.h"
#include "tmpl.h"

/* The fake's application and user (tests/fakes/fake_pushover.py). */
#define TOKEN	"azGDORePK8gMaC0QOYAMyEEuzJnyUi"
#define USER	"uQiRzpo4DXghDmr9QzzfQu27cmVRsG"
#define PUSHOVER_AT(r, i) ((const struct pushover_config *) \
	receiver_config((r), &channel_pushover, (i)))

/* ssh-login-firing.json with the defaults and tocsin.tmpl, as Python's
 * urlencode writes it (tests/fakes' reading of Go's url.Values). */
#define SSH_MESSAGE "message=%F0%9F%94%B4+FIRING+SSHLoginFromNonLAN+on+" \
	"homelab%3A9100+%C2%B7+since+13%3A49+UTC%0AShell+login+for+root+from+" \
	"203.0.113.7%0AA+shell+login+succeeded+from+a+non-LAN+address."
#define SSH_TITLE "title=%F0%9F%94%B4+%5BFIRING%3A1%5D+SSHLoginFromNonLAN"
#define SSH_URL "url=http%3A%2F%2Falertmanager.lan%3A9093%2F%23%2Falerts%3F" \
	"receiver%3Dtocsin"
/* The meta line after the stored form: the fixture's group key. */
#define SSH_GROUP "\ngroup=%7B%7D%3A%7Balertname%3D%22SSHLoginFromNonLAN%22%7D"
#define SSH_GROUP_KEY "{}:{alertname=\"SSHLoginFromNonLAN\"}"

/* What the channel reported to the receipt book, one line a call. */
struct book {
	char		 calls[1024];
	int		 fail;		/* opened fails */
};

static int
book_opened(void *arg, const char *receiver, const char *integration,
    const char *group_key, const char *receipt, int64_t expires,
    struct terr *err)
{
	struct book	*b = arg;
	size_t		 o = strlen(b->calls);
	int64_t		 left = expires - wall_ms();

	/* expire (1h) from now, give or take the test's run time. */
	snprintf(b->calls + o, sizeof(b->calls) - o, "opened %s %s %s %s %s\n",
	    receiver, integration, group_key, receipt,
	    left > 3590000 && left <= 3600000 ? "1h" : "?");
	return b->fail ? terr_set(err, "disk full") : 0;
}

static int
book_resolved(void *arg, const char *receiver, const char *group_key,
    struct terr *err)
{
	struct book	*b = arg;
	size_t		 o = strlen(b->calls);

	(void)err;
	snprintf(b->calls + o, sizeof(b->calls) - o, "resolved %s %s\n",
	    receiver, group_key);
	return 0;
}

struct env {
	struct fake		 fake;
	struct book		 book;
	struct sender_receipts	 receipts;
	struct tmpl_set		*tmpl;
	struct tmpl_opts	 opts;
	struct config_fixture	*cf;
};

static int
setup(void **state)
{
	struct env	*e = calloc(1, sizeof(*e));
	struct terr	 err;
	void		*cf;

	assert_non_null(e);
	assert_int_equal(fake_start(&e->fake, "fake_pushover.py", NULL), 0);
	e->tmpl = tmpl_set_new();
	if (tmpl_set_add_file(e->tmpl, TOCSIN_SOURCE_DIR "/templates/tocsin.tmpl",
	    &err) == -1)
		fail_msg("templates: %s", err.msg);
	e->receipts.opened = book_opened;
	e->receipts.resolved = book_resolved;
	e->receipts.arg = &e->book;
	e->opts.now_sec = 1795441781;
	e->opts.local_tz = "UTC";
	e->cf = config_fixture_new(&cf, "test_sender_pushover");
	scratch_write(e->cf->dir, "token", TOKEN "\n");
	scratch_write(e->cf->dir, "user", " " USER "\n");
	*state = e;
	return 0;
}

static int
teardown(void **state)
{
	struct env	*e = *state;
	void		*cf = e->cf;

	fake_stop(&e->fake);
	tmpl_set_free(e->tmpl);
	config_fixture_teardown(&cf);
	free(e);
	return 0;
}

static int
reset(void **state)
{
	struct env	*e = *state;

	assert_int_equal(fake_reset(&e->fake), 0);
	memset(&e->book, 0, sizeof(e->book));
	return 0;
}

/* A config with one pushover_config at the fake: extra lines follow
 * "api_url: <fake>/1/messages.json". */
static struct config *
load(struct env *e, const char *extra)
{
	char		 yaml[8192];

	snprintf(yaml, sizeof(yaml),
	    "route:\n  receiver: r\nreceivers:\n- name: r\n"
	    "  pushover_configs:\n  - api_url: %s/1/messages.json\n%s",
	    e->fake.base, extra ? extra : "    token: " TOKEN "\n"
	    "    user_key: " USER "\n");
	return config_must_load(e->cf->dir, yaml);
}

/* Renders with the pushover ops and sends each part; returns the number of
 * parts. No reason and no stored payload may hold a secret. */
static size_t
run(struct env *e, const void *cfg, const struct notification *n,
    struct sender_parts *parts, struct send_result *r)
{
	const struct sender_ops		*ops = channel_pushover.ops;
	struct sender_render_ctx	 rctx = { .tmpl = e->tmpl, .opts = &e->opts };
	struct sender_send_ctx		 sctx = { .receiver = "r",
	    .integration = "pushover/0", .timeout_ms = 5000,
	    .receipts = &e->receipts };
	struct terr			 err;

	memset(parts, 0, sizeof(*parts));
	if (ops->render(cfg, n, &rctx, parts, &err) == -1)
		fail_msg("render: %s", err.msg);
	for (size_t i = 0; i < parts->n; i++) {
		assert_null(strstr(parts->v[i].payload, TOKEN));
		assert_null(strstr(parts->v[i].payload, USER));
		assert_null(strstr(parts->v[i].dest, TOKEN));
		ops->send(cfg, &sctx, parts->v[i].dest, parts->v[i].payload,
		    parts->v[i].len, r);
		assert_null(strstr(r->reason, TOKEN));
		assert_null(strstr(r->reason, USER));
		assert_null(strstr(r->reason, "SECRET"));
	}
	return parts->n;
}

/* The value of request i's header name, or NULL. */
static const char *
req_header(json_t *reqs, size_t i, const char *name)
{
	json_t	*hdrs = json_object_get(json_array_get(reqs, i), "headers");

	for (size_t k = 0; k < json_array_size(hdrs); k++) {
		json_t *h = json_array_get(hdrs, k);

		if (strcasecmp(json_string_value(json_array_get(h, 0)), name) == 0)
			return json_string_value(json_array_get(h, 1));
	}
	return NULL;
}

/* ---- pushover_configs ---- */

#define HEAD "route:\n  receiver: r\nreceivers:\n- name: r\n"

static const struct errcase pushover_errors[] = {
	{ "  pushover_configs:\n" "  - {token: SECRET}\n",
	    "6:5: one of user_key or user_key_file must be configured" },
	{ "  pushover_configs:\n" "  - {user_key: '', token: SECRET}\n",
	    "6:5: one of user_key or user_key_file must be configured" },
	{ "  pushover_configs:\n" "  - {user_key: SECRET, user_key_file: user, token: x}\n",
	    "6:39: at most one of user_key & user_key_file must be configured" },
	{ "  pushover_configs:\n" "  - {user_key: SECRET}\n",
	    "6:5: one of token or token_file must be configured" },
	{ "  pushover_configs:\n" "  - {user_key: u, token: SECRET, token_file: token}\n",
	    "6:46: at most one of token & token_file must be configured" },
	{ "  pushover_configs:\n" "  - {user_key: u, token: t, html: true, monospace: true}\n",
	    "6:35: at most one of monospace & html must be configured" },
	{ "  pushover_configs:\n" "  - {user_key_file: missing, token: t}\n",
	    "6:21: cannot read user_key_file \"{dir}/missing\": No such file or "
	    "directory" },
	{ "  pushover_configs:\n" "  - {user_key: u, token_file: missing}\n",
	    "6:31: cannot read token_file \"{dir}/missing\": No such file or "
	    "directory" },
	{ "  pushover_configs:\n" "  - {user_key: u, token: t, retry: 1x}\n",
	    "6:36: retry: not a valid duration string: \"1x\"" },
	{ "  pushover_configs:\n" "  - {user_key: u, token: t, html: maybe}\n",
	    "6:35: html must be true or false, not \"maybe\"" },
	{ "  pushover_configs:\n" "  - {user_key: u, token: t, api_url: 'ftp://x/'}\n",
	    "6:38: api_url: unsupported scheme \"ftp\" for URL" },
	{ "  pushover_configs:\n" "  - {user_key: u, token: t, priority: [2]}\n",
	    "6:39: priority must be a string, not a list" },
	{ "  pushover_configs:\n" "  - {user_key: u, token: t, callback: x}\n",
	    "6:29: unknown field callback in pushover_config" },
};

static void
test_pushover_config_errors_with_positions(void **state)
{
	struct env *e = *state;

	check_errors(e->cf->dir, HEAD, "", pushover_errors,
	    sizeof(pushover_errors) / sizeof(pushover_errors[0]));
}

static void
test_pushover_config_defaults_and_files(void **state)
{
	struct env		*e = *state;
	struct config		*cfg = config_must_load(e->cf->dir, HEAD
	    "  pushover_configs:\n"
	    "  - {user_key_file: user, token_file: token}\n"
	    "  - {user_key: u, token: t, send_resolved: false, retry: 0s,\n"
	    "     expire: 90m, ttl: 1d, monospace: true, title: t, message: m,\n"
	    "     url: '', url_title: ut, device: phone, sound: siren, priority: 1,\n"
	    "     api_url: 'http://proxy.lan/pushover'}\n");
	const struct receiver	*r = config_receiver(cfg, "r");
	const struct pushover_config *c = PUSHOVER_AT(r, 0);

	assert_int_equal(receiver_count(r, &channel_pushover), 2);
	assert_true(c->send_resolved);
	/* The files' content, trimmed. */
	assert_string_equal(c->user_key, USER);
	assert_string_equal(c->token, TOKEN);
	assert_string_equal(c->title, "{{ template \"pushover.default.title\" . }}");
	assert_string_equal(c->message, "{{ template \"pushover.default.message\" . }}");
	assert_string_equal(c->url, "{{ template \"pushover.default.url\" . }}");
	assert_string_equal(c->priority,
	    "{{ if eq .Status \"firing\" }}2{{ else }}0{{ end }}");
	assert_null(c->url_title);
	assert_null(c->device);
	assert_null(c->sound);
	assert_int_equal(c->retry_ms, 60000);
	assert_int_equal(c->expire_ms, 3600000);
	assert_int_equal(c->ttl_ms, 0);
	assert_false(c->html);
	assert_false(c->monospace);
	assert_string_equal(c->api_url, "https://api.pushover.net/1/messages.json");
	c = PUSHOVER_AT(r, 1);
	assert_false(c->send_resolved);
	assert_int_equal(c->retry_ms, 0);
	assert_int_equal(c->expire_ms, 90 * 60000);
	assert_int_equal(c->ttl_ms, 86400000);
	assert_true(c->monospace);
	assert_string_equal(c->url, "");
	assert_string_equal(c->url_title, "ut");
	assert_string_equal(c->device, "phone");
	assert_string_equal(c->sound, "siren");
	assert_string_equal(c->priority, "1");
	assert_string_equal(c->api_url, "http://proxy.lan/pushover");
	config_free(cfg);
}

/* ---- sending ---- */

/* Defaults on a real Alertmanager 0.25 payload: the stored form without
 * secrets; the request's body with token and user at their sorted places,
 * as a form, to the API's path; an emergency message, so a receipt. */
static void
test_pushover_fixture_exact_request(void **state)
{
	struct env		*e = *state;
	struct config		*cfg = load(e, NULL);
	const struct receiver	*rc = config_receiver(cfg, "r");
	struct notification	*n = fixture("ssh-login-firing.json");
	struct sender_parts	 parts;
	struct send_result	 r;
	struct pushover_answer	 a;
	json_t			*reqs;
	const char		*resp;

	assert_int_equal(run(e, PUSHOVER_AT(rc, 0), n, &parts, &r), 1);
	assert_string_equal(parts.v[0].payload, "expire=3600&" SSH_MESSAGE
	    "&priority=2&retry=60&sound=&" SSH_TITLE "&" SSH_URL "&url_title="
	    SSH_GROUP);
	assert_int_equal(strncmp(parts.v[0].dest, "pushover:", 9), 0);
	assert_int_equal(strlen(parts.v[0].dest), 9 + 16);
	assert_int_equal(r.status, SEND_OK);
	assert_string_equal(r.reason, "pushover: 200");
	reqs = fake_requests(&e->fake);
	assert_int_equal(json_array_size(reqs), 1);
	assert_string_equal(fake_req_str(reqs, 0, "method"), "POST");
	assert_string_equal(fake_req_str(reqs, 0, "path"), "/1/messages.json");
	assert_string_equal(fake_req_str(reqs, 0, "body"), "expire=3600&"
	    SSH_MESSAGE "&priority=2&retry=60&sound=&" SSH_TITLE "&token=" TOKEN
	    "&" SSH_URL "&url_title=&user=" USER);
	assert_string_equal(req_header(reqs, 0, "Content-Type"),
	    "application/x-www-form-urlencoded");
	assert_null(req_header(reqs, 0, "Authorization"));
	assert_int_equal(fake_req_int(reqs, 0, "status"), 200);
	resp = fake_req_str(reqs, 0, "response");
	assert_int_equal(pushover_answer_parse(resp, strlen(resp), &a), 0);
	assert_int_equal(a.status, 1);
	assert_string_equal(a.receipt, "r00000000000000000000000000001");
	assert_int_equal(strlen(a.request), 36);
	/* The receipt reported, to be followed. */
	assert_string_equal(e->book.calls, "opened r pushover/0 " SSH_GROUP_KEY
	    " r00000000000000000000000000001 1h\n");
	json_decref(reqs);
	sender_parts_free(&parts);
	notification_free(n);
	config_free(cfg);
}

/* Alertmanager's cuts (title 250, message 1024, url 512 runes, the last
 * one U+2026), url_title uncut; ttl, device and monospace when set; the
 * resolved group's priority 0. */
/* n copies of c in b. */
static const char *
repeat(struct buf *b, const char *c, size_t n)
{
	buf_reset(b);
	while (n-- > 0)
		assert_true(buf_adds(b, c) == 0);
	return buf_str(b);
}

static void
test_pushover_cuts_and_optional_fields(void **state)
{
	struct env		*e = *state;
	struct buf		 t, m, u;
	char			 extra[4096];
	struct config		*cfg;
	const struct receiver	*rc;
	struct notification	*n = fixture("ssh-login-resolved.json");
	struct sender_parts	 parts;
	struct send_result	 r;
	struct buf		 want;
	size_t			 i;

	buf_init(&t, 0);
	buf_init(&m, 0);
	buf_init(&u, 0);
	snprintf(extra, sizeof(extra), "    token: " TOKEN "\n    user_key: " USER
	    "\n    title: %s\n    message: %s\n    url: http://x/%s\n"
	    "    url_title: 'open it'\n    device: phone\n    sound: siren\n"
	    "    monospace: true\n    ttl: 1h30m\n    retry: 90500ms\n",
	    repeat(&t, "é", 300), repeat(&m, "m", 1100), repeat(&u, "u", 600));
	cfg = load(e, extra);
	buf_free(&t);
	buf_free(&m);
	buf_free(&u);
	rc = config_receiver(cfg, "r");
	buf_init(&want, 0);
	assert_true(buf_adds(&want, "device=phone&expire=3600&message=") == 0);
	for (i = 0; i < 1023; i++)
		assert_true(buf_addc(&want, 'm') == 0);
	assert_true(buf_adds(&want, "%E2%80%A6&monospace=1&priority=0&retry=90"
	    "&sound=siren&title=") == 0);
	for (i = 0; i < 249; i++)
		assert_true(buf_adds(&want, "%C3%A9") == 0);
	assert_true(buf_adds(&want, "%E2%80%A6&ttl=5400&url=http%3A%2F%2Fx%2F") == 0);
	for (i = 0; i < 502; i++)
		assert_true(buf_addc(&want, 'u') == 0);
	assert_true(buf_adds(&want, "%E2%80%A6&url_title=open+it" SSH_GROUP
	    "&resolved=1") == 0);
	assert_int_equal(run(e, PUSHOVER_AT(rc, 0), n, &parts, &r), 1);
	assert_string_equal(parts.v[0].payload, buf_str(&want));
	assert_int_equal(r.status, SEND_OK);
	/* Resolved, priority 0: no receipt; the group's are to be cancelled. */
	assert_string_equal(e->book.calls, "resolved r " SSH_GROUP_KEY "\n");
	buf_free(&want);
	sender_parts_free(&parts);
	notification_free(n);
	config_free(cfg);
}

/* A message that is only white space after the cut is "(no details)", as
 * Alertmanager sends it (Pushover refuses an empty one); html: true sends
 * html=1 and renders the message as an HTML template. */
static void
test_pushover_no_details_and_html(void **state)
{
	struct env		*e = *state;
	struct config		*cfg = load(e,
	    "    token: " TOKEN "\n    user_key: " USER "\n"
	    "    message: \"  \\u00a0\\n\\t\"\n    title: ''\n    url: ''\n"
	    "  - api_url: http://127.0.0.1:1/\n    token: " TOKEN "\n"
	    "    user_key: " USER "\n    html: true\n    title: ''\n    url: ''\n"
	    "    message: '<b>{{ .CommonLabels.alertname }}</b> {{ \"<&>\" }}'\n");
	const struct receiver	*rc = config_receiver(cfg, "r");
	struct notification	*n = fixture("ssh-login-firing.json");
	struct sender_parts	 parts;
	struct send_result	 r;

	assert_int_equal(run(e, PUSHOVER_AT(rc, 0), n, &parts, &r), 1);
	assert_string_equal(parts.v[0].payload, "expire=3600&message=%28no+details"
	    "%29&priority=2&retry=60&sound=&title=&url=&url_title=" SSH_GROUP);
	assert_int_equal(r.status, SEND_OK);
	sender_parts_free(&parts);
	/* Port 1 answers nothing: retried later, the reason names no secret. */
	assert_int_equal(run(e, PUSHOVER_AT(rc, 1), n, &parts, &r), 1);
	assert_string_equal(parts.v[0].payload, "expire=3600&html=1&message=%3Cb%3E"
	    "SSHLoginFromNonLAN%3C%2Fb%3E+%26lt%3B%26amp%3B%26gt%3B&priority=2"
	    "&retry=60&sound=&title=&url=&url_title=" SSH_GROUP);
	assert_int_equal(r.status, SEND_TEMPFAIL);
	assert_string_equal(r.reason, "pushover: POST http://127.0.0.1:1: Couldn't "
	    "connect to server");
	sender_parts_free(&parts);
	notification_free(n);
	config_free(cfg);
}

/* Pushover's answers: an unknown token or user and a message it refuses
 * are 400s, permanent, with its words; over the month's quota 429,
 * temporary; 5xx and a dropped connection temporary; a 2xx that is not
 * Pushover's answer permanent. */
static void
test_pushover_classification(void **state)
{
	struct env		*e = *state;
	struct config		*cfg = load(e, "    token: SECRETwrongwrongwrongwrongwron\n"
	    "    user_key: " USER "\n");
	const struct receiver	*rc = config_receiver(cfg, "r");
	struct notification	*n = fixture("ssh-login-firing.json");
	struct sender_parts	 parts;
	struct send_result	 r;
	char			*s;

	run(e, PUSHOVER_AT(rc, 0), n, &parts, &r);
	assert_int_equal(r.status, SEND_PERMFAIL);
	assert_string_equal(r.reason, "pushover: 400 application token is invalid");
	sender_parts_free(&parts);
	config_free(cfg);

	cfg = load(e, "    token: " TOKEN "\n    user_key: SECRETnotauser\n");
	rc = config_receiver(cfg, "r");
	run(e, PUSHOVER_AT(rc, 0), n, &parts, &r);
	assert_int_equal(r.status, SEND_PERMFAIL);
	assert_string_equal(r.reason, "pushover: 400 user identifier is not a "
	    "valid user, group, or subscribed user key");
	sender_parts_free(&parts);
	config_free(cfg);

	/* An emergency retry under Pushover's 30 s. */
	cfg = load(e, "    token: " TOKEN "\n    user_key: " USER "\n"
	    "    retry: 10s\n");
	rc = config_receiver(cfg, "r");
	run(e, PUSHOVER_AT(rc, 0), n, &parts, &r);
	assert_int_equal(r.status, SEND_PERMFAIL);
	assert_string_equal(r.reason, "pushover: 400 retry must be at least 30 "
	    "seconds");
	sender_parts_free(&parts);
	config_free(cfg);

	cfg = load(e, NULL);
	rc = config_receiver(cfg, "r");
	s = fake_call(&e->fake, "/_fake/config", "{\"apps\": {\"" TOKEN "\": "
	    "{\"limit\": 0}}}");
	free(s);
	run(e, PUSHOVER_AT(rc, 0), n, &parts, &r);
	assert_int_equal(r.status, SEND_TEMPFAIL);
	assert_int_equal(r.retry_after_ms, -1);
	assert_string_equal(r.reason, "pushover: 429 application has exceeded its "
	    "monthly message limit");
	sender_parts_free(&parts);
	s = fake_call(&e->fake, "/_fake/config", "{\"apps\": {\"" TOKEN "\": "
	    "{\"limit\": 10000}}, "
	    "\"force\": [{\"status\": 500}, {\"status\": 502, \"body\": \"<html>bad "
	    "gateway</html>\"}, {\"close\": true},"
	    " {\"status\": 200, \"body\": \"<html>login</html>\", \"content_type\": "
	    "\"text/html\"}, {\"status\": 200, \"body\": \"{\\\"status\\\":0}\"}]}");
	free(s);
	run(e, PUSHOVER_AT(rc, 0), n, &parts, &r);
	assert_int_equal(r.status, SEND_TEMPFAIL);
	assert_string_equal(r.reason, "pushover: 500 internal error");
	sender_parts_free(&parts);
	run(e, PUSHOVER_AT(rc, 0), n, &parts, &r);
	assert_int_equal(r.status, SEND_TEMPFAIL);
	assert_string_equal(r.reason, "pushover: 502 <html>bad gateway</html>");
	sender_parts_free(&parts);
	run(e, PUSHOVER_AT(rc, 0), n, &parts, &r);
	assert_int_equal(r.status, SEND_TEMPFAIL);
	assert_int_equal(strncmp(r.reason, "pushover: POST http://127.0.0.1:", 32), 0);
	sender_parts_free(&parts);
	for (int i = 0; i < 2; i++) {
		run(e, PUSHOVER_AT(rc, 0), n, &parts, &r);
		assert_int_equal(r.status, SEND_PERMFAIL);
		assert_string_equal(r.reason, "pushover: 200 answer is not a "
		    "Pushover one; is api_url Pushover's messages API?");
		sender_parts_free(&parts);
	}
	notification_free(n);
	config_free(cfg);
}

/* One follow step on receipt rc at the fake; returns the state, the reason
 * in st. */
static enum receipt_state
follow(struct env *e, const struct pushover_config *c, const char *rc,
    bool cancel, struct receipt_status *st)
{
	struct sender_send_ctx	 sctx = { .receiver = "r",
	    .integration = "pushover/0", .timeout_ms = 5000,
	    .receipts = &e->receipts };

	channel_pushover.ops->follow(c, &sctx, rc, cancel, st);
	assert_null(strstr(st->reason, TOKEN));
	assert_null(strstr(st->by, USER));
	return st->state;
}

/* An emergency message's receipt: open while nobody acted; acknowledged
 * in the app (the device, never the user key, as who); a cancel POSTed to
 * the receipts API next to api_url, the token in its form and in the
 * poll's query; an expired, unknown or foreign receipt closed; a 5xx or no
 * answer tried again. */
static void
test_pushover_follow_receipts(void **state)
{
	struct env		*e = *state;
	struct config		*cfg = load(e, NULL);
	const struct pushover_config *c = PUSHOVER_AT(config_receiver(cfg, "r"), 0);
	struct notification	*n = fixture("ssh-login-firing.json");
	struct sender_parts	 parts;
	struct send_result	 r;
	struct receipt_status	 st;
	json_t			*reqs;
	char			*s;
	const char		*r1 = "r00000000000000000000000000001";
	const char		*r2 = "r00000000000000000000000000002";

	assert_int_equal(run(e, c, n, &parts, &r), 1);
	sender_parts_free(&parts);
	assert_int_equal(run(e, c, n, &parts, &r), 1);
	sender_parts_free(&parts);
	assert_int_equal(follow(e, c, r1, false, &st), RECEIPT_OPEN);
	assert_string_equal(st.reason, "open");
	s = fake_call(&e->fake, "/_fake/acknowledge", "{\"receipt\": "
	    "\"r00000000000000000000000000001\", \"device\": \"phone\", "
	    "\"at\": 1795441800}");
	free(s);
	assert_int_equal(follow(e, c, r1, false, &st), RECEIPT_ACKED);
	assert_string_equal(st.by, "pushover:phone");
	assert_int_equal(st.at, INT64_C(1795441800000));
	assert_int_equal(follow(e, c, r2, true, &st), RECEIPT_CLOSED);
	assert_string_equal(st.reason, "cancelled");
	reqs = fake_requests(&e->fake);
	assert_int_equal(json_array_size(reqs), 5);
	assert_string_equal(fake_req_str(reqs, 2, "method"), "GET");
	assert_string_equal(fake_req_str(reqs, 2, "path"),
	    "/1/receipts/r00000000000000000000000000001.json?token=" TOKEN);
	assert_string_equal(fake_req_str(reqs, 2, "body"), "");
	assert_string_equal(fake_req_str(reqs, 4, "method"), "POST");
	assert_string_equal(fake_req_str(reqs, 4, "path"),
	    "/1/receipts/r00000000000000000000000000002/cancel.json");
	assert_string_equal(fake_req_str(reqs, 4, "body"), "token=" TOKEN);
	json_decref(reqs);
	/* Cancelled: it reads as expired from now on. */
	assert_int_equal(follow(e, c, r2, false, &st), RECEIPT_CLOSED);
	assert_string_equal(st.reason, "expired");
	assert_int_equal(follow(e, c, "r00000000000000000000000000099", false,
	    &st), RECEIPT_CLOSED);
	assert_string_equal(st.reason, "pushover: 404 receipt not found; may be "
	    "invalid or expired");
	s = fake_call(&e->fake, "/_fake/config", "{\"force\": [{\"status\": 503},"
	    " {\"close\": true}]}");
	free(s);
	assert_int_equal(follow(e, c, r1, false, &st), RECEIPT_RETRY);
	assert_string_equal(st.reason, "pushover: 503 internal error");
	assert_int_equal(follow(e, c, r1, false, &st), RECEIPT_RETRY);
	assert_int_equal(strncmp(st.reason, "pushover: GET http://127.0.0.1:", 31), 0);
	config_free(cfg);
	/* Another application's token: Pushover's 400, final. */
	cfg = load(e, "    token: SECRETwrongwrongwrongwrongwron\n"
	    "    user_key: " USER "\n");
	c = PUSHOVER_AT(config_receiver(cfg, "r"), 0);
	assert_int_equal(follow(e, c, r1, false, &st), RECEIPT_CLOSED);
	assert_string_equal(st.reason, "pushover: 400 application token is invalid");
	notification_free(n);
	config_free(cfg);
}

/* A receipt the book cannot keep is logged; the message is delivered. */
static void
test_pushover_receipt_not_kept_still_delivered(void **state)
{
	struct env		*e = *state;
	struct config		*cfg = load(e, NULL);
	struct notification	*n = fixture("ssh-login-firing.json");
	struct sender_parts	 parts;
	struct send_result	 r;

	e->book.fail = 1;
	assert_int_equal(run(e, PUSHOVER_AT(config_receiver(cfg, "r"), 0), n,
	    &parts, &r), 1);
	assert_int_equal(r.status, SEND_OK);
	assert_non_null(strstr(e->book.calls, "opened r pushover/0"));
	sender_parts_free(&parts);
	notification_free(n);
	config_free(cfg);
}

/* The answer reader keeps one printable line of errors and only a receipt
 * of Pushover's alphabet. */
static void
test_pushover_answer_parse(void **state)
{
	static const char ok[] = "{\"status\":1,\"request\":\"abc\","
	    "\"receipt\":\"rAbC123\"}";
	static const char bad[] = "{\"user\":\"invalid\",\"errors\":[\"one\\nline\","
	    "2,\"two\"],\"status\":0,\"receipt\":\"../x\"}";
	static const char poll[] = "{\"status\":1,\"acknowledged\":1,"
	    "\"acknowledged_at\":1795441800,\"acknowledged_by\":\"" USER "\","
	    "\"acknowledged_by_device\":\"phone\",\"expired\":0}";
	struct pushover_answer a;

	(void)state;
	assert_int_equal(pushover_answer_parse(ok, strlen(ok), &a), 0);
	assert_int_equal(a.status, 1);
	assert_string_equal(a.receipt, "rAbC123");
	assert_string_equal(a.request, "abc");
	assert_string_equal(a.errors, "");
	assert_int_equal(pushover_answer_parse(bad, strlen(bad), &a), 0);
	assert_int_equal(a.status, 0);
	assert_string_equal(a.errors, "one line; two");
	assert_string_equal(a.receipt, "");
	assert_int_equal(pushover_answer_parse(poll, strlen(poll), &a), 0);
	assert_int_equal(a.acknowledged, 1);
	assert_int_equal(a.acknowledged_at, 1795441800);
	assert_string_equal(a.acknowledged_by_device, "phone");
	assert_int_equal(a.expired, 0);
	/* Long errors are cut at a character's boundary, with "...". */
	{
		char	 body[1024] = "{\"status\":0,\"errors\":[\"", want[256] = "";

		for (int i = 0; i < 150; i++)
			strcat(body, "é");
		strcat(body, "\"]}");
		for (int i = 0; i < 98; i++)
			strcat(want, "é");
		strcat(want, "...");
		assert_int_equal(pushover_answer_parse(body, strlen(body), &a), 0);
		assert_string_equal(a.errors, want);
	}
	assert_int_equal(pushover_answer_parse("[1]", 3, &a), -1);
	assert_int_equal(pushover_answer_parse(NULL, 0, &a), -1);
	assert_int_equal(a.status, -1);
}

/* The dead-letter report's one line: the title, else the message's first
 * line. */
static void
test_pushover_describe(void **state)
{
	static const char p[] = "expire=3600&message=m&priority=2&" SSH_TITLE
	    "&url=";
	static const char q[] = "message=first%0Asecond&title=&url=\ngroup=x";
	char	 out[64];

	(void)state;
	channel_pushover.ops->describe(p, strlen(p), out, sizeof(out));
	assert_string_equal(out, "🔴 [FIRING:1] SSHLoginFromNonLAN");
	channel_pushover.ops->describe(q, strlen(q), out, sizeof(out));
	assert_string_equal(out, "first");
}

/* One bucket per application and user at --ratelimit.pushover, 1/s. */
static void
test_pushover_limits_one_bucket_per_destination(void **state)
{
	struct sender_limits	 lim;
	struct rl_want		 w[4];
	const char		*dest = "pushover:0123456789abcdef";

	(void)state;
	sender_limits_default(&lim);
	memset(w, 0xa5, sizeof(w));
	assert_int_equal(channel_pushover.ops->limits(dest, &lim, w, 4), 1);
	assert_string_equal(w[0].key, dest);
	assert_true(w[0].rate.per_sec == 1.0);
	assert_true(w[0].rate.burst == 1.0);
	assert_false(w[0].shared);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pushover_config_errors_with_positions),
		cmocka_unit_test(test_pushover_config_defaults_and_files),
		cmocka_unit_test_setup(test_pushover_fixture_exact_request, reset),
		cmocka_unit_test_setup(test_pushover_cuts_and_optional_fields, reset),
		cmocka_unit_test_setup(test_pushover_no_details_and_html, reset),
		cmocka_unit_test_setup(test_pushover_classification, reset),
		cmocka_unit_test_setup(test_pushover_follow_receipts, reset),
		cmocka_unit_test_setup(test_pushover_receipt_not_kept_still_delivered, reset),
		cmocka_unit_test(test_pushover_answer_parse),
		cmocka_unit_test(test_pushover_describe),
		cmocka_unit_test(test_pushover_limits_one_bucket_per_destination),
	};

	curl_global_init(CURL_GLOBAL_DEFAULT);
	return cmocka_run_group_tests(tests, setup, teardown);
}
