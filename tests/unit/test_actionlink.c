/* test_actionlink.c: what /action/<token> answers, on a clock of the
 * test's own, with exact status and page bytes: GET and HEAD show the
 * confirmation and change nothing; a tampered token, one signed by another
 * key and an expired one get 403; a record or duration the configuration
 * no longer offers 404; a link already used says so; other methods 405.
 * Alertmanager is unreachable here (port 9), so a POST that gets past the
 * checks answers 502 and changes nothing; the real silences are
 * tests/integration/action_links_e2e.sh's. */
#include <stdarg.h>
#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "actionlink.h"
#include "config.h"
#include "config_cases.h"
#include "store.h"

#define T0	INT64_C(1795441725000)		/* 2026-11-23 13:48:45 UTC */
#define EXP	(T0 + 3600000)			/* 2026-11-23 14:48 UTC */
#define ID	"AbCdEfGh-_012345"

#define HEAD(title) "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\">" \
	"<meta name=\"robots\" content=\"noindex\">" \
	"<meta name=\"referrer\" content=\"no-referrer\">\n" \
	"<title>tocsin: " title "</title></head>\n<body>\n<h1>" title "</h1>\n"
#define PAGE(title, msg) HEAD(title) "<p>" msg "</p>\n</body></html>\n"

struct env {
	char			 dir[64];
	struct store		*store;
	struct config		*cfg;
	struct action_key	 key;
};

static int64_t now_value;

static int64_t
fixed_now(void)
{
	return now_value;
}

static int
setup(void **state)
{
	struct env		*e = calloc(1, sizeof(*e));
	struct store_params	 sp;
	struct action_rec	 r;
	struct terr		 err;

	assert_non_null(e);
	scratch_make(e->dir, sizeof(e->dir), "tocsin-actionlink");
	memset(&sp, 0, sizeof(sp));
	sp.path = e->dir;
	assert_non_null(e->store = store_open(&sp, &err));
	e->cfg = config_must_load(e->dir, "route:\n  receiver: mail\n"
	    "receivers:\n- name: mail\n  email_configs:\n"
	    "  - to: ops@example.org\n    from: a@example.org\n"
	    "    smarthost: localhost:25\n    actions:\n"
	    "      silence: [1h]\n      ack: true\n"
	    "      alertmanager_url: http://127.0.0.1:9\n");
	for (size_t i = 0; i < ACTION_KEY_LEN; i++)
		e->key.bytes[i] = (unsigned char)(3 * i + 1);
	memset(&r, 0, sizeof(r));
	snprintf(r.id, sizeof(r.id), ID);
	r.receiver = "mail";
	r.integration = "email/0";
	r.group_key = "{}:{alertname=\"Disk\"}";
	r.labels = "{\"external_url\":\"http://am:9093\",\"group\":{\"alertname\":"
	    "\"Disk\"},\"common\":{\"alertname\":\"Disk\"},\"alerts\":[{"
	    "\"alertname\":\"Disk\",\"instance\":\"nas\"}]}";
	r.chat = "";
	r.created = T0;
	r.expires = EXP;
	r.silence_id = "";
	assert_int_equal(store_action_put(e->store, &r, &err), 0);
	*state = e;
	return 0;
}

static int
teardown(void **state)
{
	struct env *e = *state;

	config_free(e->cfg);
	store_close(e->store);
	scratch_remove(e->dir);
	free(e);
	return 0;
}

/* The token of kind (silence for duration_ms, or ack) on id, signed with
 * key, into out. */
static void
token(const struct action_key *key, enum action_kind kind,
    int64_t duration_ms, const char *id, char out[ACTION_TOKEN_MAX])
{
	struct action_token	 t = { .kind = kind, .duration_ms = duration_ms,
	    .expires = EXP };
	struct terr		 err;

	snprintf(t.id, sizeof(t.id), "%s", id);
	assert_int_equal(action_token_sign(key, &t, out, ACTION_TOKEN_MAX,
	    &err), 0);
}

/* method on tok at now must answer status with page want. */
static void
expect(struct env *e, const char *method, const char *tok, int64_t now,
    unsigned status, const char *want)
{
	struct actionlink_env	 env = { e->store, e->cfg, &e->key, NULL,
	    fixed_now };
	struct buf		 b;
	unsigned		 got = 0;

	now_value = now;
	buf_init(&b, 0);
	assert_int_equal(actionlink_handle(&env, method, tok, &got, &b), 0);
	if (got != status || strcmp(buf_str(&b), want) != 0)
		fail_msg("%s: status %u, want %u\n%s\nwant:\n%s", method, got,
		    status, buf_str(&b), want);
	buf_free(&b);
}

/* The record's silence, which only a silence made through it sets. */
static void
expect_no_silence(struct env *e)
{
	struct action_rec	 r;
	struct terr		 err;
	int			 found;

	assert_int_equal(store_action_get(e->store, ID, &r, &found, &err), 0);
	assert_int_equal(found, 1);
	assert_string_equal(r.silence_id, "");
	action_rec_clear(&r);
}

static const char CONFIRM_1H[] = HEAD("Silence for 1h?")
    "<p>This creates a silence on Alertmanager for 1h, from when you "
    "confirm, matching:</p>\n<ul>\n<li>alertname=&#34;Disk&#34;</li>\n</ul>\n"
    "<p>Receiver mail, 1 alert.</p>\n"
    "<form method=\"post\"><button type=\"submit\">Silence for 1h"
    "</button></form>\n"
    "<p>This link works until 2026-11-23 14:48 UTC.</p>\n"
    "</body></html>\n";

static void
test_actionlink_get_and_head_confirm_and_change_nothing(void **state)
{
	struct env	*e = *state;
	char		 tok[ACTION_TOKEN_MAX];

	token(&e->key, ACTION_SILENCE, 3600000, ID, tok);
	expect(e, "GET", tok, T0, 200, CONFIRM_1H);
	expect(e, "HEAD", tok, T0, 200, CONFIRM_1H);
	token(&e->key, ACTION_ACK, 0, ID, tok);
	expect(e, "GET", tok, T0, 200, HEAD("Acknowledge?")
	    "<p>This acknowledges the alert group: its repeats and escalations "
	    "stop until it resolves. The group is:</p>\n<ul>\n"
	    "<li>alertname=&#34;Disk&#34;</li>\n</ul>\n"
	    "<p>Receiver mail, 1 alert.</p>\n"
	    "<form method=\"post\"><button type=\"submit\">Acknowledge"
	    "</button></form>\n"
	    "<p>This link works until 2026-11-23 14:48 UTC.</p>\n"
	    "</body></html>\n");
	expect_no_silence(e);
}

static void
test_actionlink_tampered_foreign_and_expired_tokens_get_403(void **state)
{
	static const char refused[] = PAGE("Link refused",
	    "This link is not one of tocsin&#39;s. Nothing was done.");
	static const char expired[] = PAGE("Link expired",
	    "This link has expired. Nothing was done.");
	struct env		*e = *state;
	struct action_key	 other;
	char			 tok[ACTION_TOKEN_MAX], bad[ACTION_TOKEN_MAX];
	size_t			 dot;

	token(&e->key, ACTION_SILENCE, 3600000, ID, tok);
	/* One character of the payload, then of the signature. */
	snprintf(bad, sizeof(bad), "%s", tok);
	bad[3] = bad[3] == 'A' ? 'B' : 'A';
	expect(e, "POST", bad, T0, 403, refused);
	expect(e, "GET", bad, T0, 403, refused);
	snprintf(bad, sizeof(bad), "%s", tok);
	dot = strcspn(bad, ".");
	bad[dot + 5] = bad[dot + 5] == 'A' ? 'B' : 'A';
	expect(e, "POST", bad, T0, 403, refused);
	expect(e, "POST", "", T0, 403, refused);
	expect(e, "POST", "../../etc/passwd", T0, 403, refused);
	memcpy(&other, &e->key, sizeof(other));
	other.bytes[0] ^= 1;
	token(&other, ACTION_SILENCE, 3600000, ID, bad);
	expect(e, "POST", bad, T0, 403, refused);
	expect(e, "POST", tok, EXP + 1, 403, expired);
	expect(e, "GET", tok, EXP + 1, 403, expired);
	/* Still usable at its last millisecond. */
	expect(e, "GET", tok, EXP, 200, CONFIRM_1H);
	expect_no_silence(e);
}

static void
test_actionlink_unknown_record_or_duration_gets_404(void **state)
{
	static const char gone[] = PAGE("Link no longer known",
	    "tocsin no longer offers this action. Nothing was done.");
	struct env	*e = *state;
	char		 tok[ACTION_TOKEN_MAX];

	token(&e->key, ACTION_SILENCE, 3600000, "ZZZZZZZZZZZZZZZZ", tok);
	expect(e, "POST", tok, T0, 404, gone);
	token(&e->key, ACTION_SILENCE, 7200000, ID, tok);
	expect(e, "POST", tok, T0, 404, gone);
	expect(e, "GET", tok, T0, 404, gone);
	expect_no_silence(e);
}

static void
test_actionlink_post_with_alertmanager_down_changes_nothing(void **state)
{
	struct env	*e = *state;
	char		 tok[ACTION_TOKEN_MAX];

	token(&e->key, ACTION_SILENCE, 3600000, ID, tok);
	expect(e, "POST", tok, T0, 502, PAGE("Try again",
	    "Alertmanager did not answer; nothing was done. Try again."));
	expect_no_silence(e);
	/* Still offered: the same link can be tried again. */
	expect(e, "GET", tok, T0, 200, CONFIRM_1H);
}

static void
test_actionlink_used_links_say_already_done(void **state)
{
	struct env	*e = *state;
	struct terr	 err;
	char		 tok[ACTION_TOKEN_MAX];

	assert_int_equal(store_action_set_silence(e->store, ID,
	    "5b1a3a6e-0000-4000-8000-000000000001", &err), 0);
	token(&e->key, ACTION_SILENCE, 3600000, ID, tok);
	expect(e, "POST", tok, T0, 200, PAGE("Already silenced",
	    "This alert group was already silenced from this notification "
	    "(silence 5b1a3a6e-0000-4000-8000-000000000001). Nothing more was "
	    "done."));
	expect(e, "GET", tok, T0, 200, PAGE("Already silenced",
	    "This alert group was already silenced from this notification "
	    "(silence 5b1a3a6e-0000-4000-8000-000000000001). Nothing more was "
	    "done."));
	/* An acknowledgement before the notification is not this one's. */
	token(&e->key, ACTION_ACK, 0, ID, tok);
	assert_int_equal(store_ack_put(e->store, "mail",
	    "{}:{alertname=\"Disk\"}", "tocsin action link", T0 - 1, &err), 0);
	expect(e, "POST", tok, T0, 502, PAGE("Try again",
	    "Alertmanager did not answer; nothing was done. Try again."));
	assert_int_equal(store_ack_put(e->store, "mail",
	    "{}:{alertname=\"Disk\"}", "tocsin action link", T0 + 60000,
	    &err), 0);
	expect(e, "POST", tok, T0 + 120000, 200, PAGE("Already acknowledged",
	    "This alert group was already acknowledged by tocsin action link "
	    "at 2026-11-23 13:49 UTC. Nothing more was done."));
}

static void
test_actionlink_other_methods_get_405(void **state)
{
	struct env	*e = *state;
	char		 tok[ACTION_TOKEN_MAX];

	token(&e->key, ACTION_SILENCE, 3600000, ID, tok);
	expect(e, "PUT", tok, T0, 405, PAGE("Method not allowed",
	    "Open this link, then confirm with its button."));
	expect(e, "DELETE", tok, T0, 405, PAGE("Method not allowed",
	    "Open this link, then confirm with its button."));
	expect_no_silence(e);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_actionlink_get_and_head_confirm_and_change_nothing,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_actionlink_tampered_foreign_and_expired_tokens_get_403,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_actionlink_unknown_record_or_duration_gets_404,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_actionlink_post_with_alertmanager_down_changes_nothing,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_actionlink_used_links_say_already_done,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_actionlink_other_methods_get_405,
		    setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
