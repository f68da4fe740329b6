/* test_press.c: the checks a button press passes before anything is done,
 * on a clock of the test's own: an expired button, a record pressed from
 * another chat or message (forged data), a user not allowed; each is
 * answered with its toast (the exact answerCallbackQuery body) and nothing
 * else is called: Alertmanager, here unreachable, is never asked. */
#include <stdarg.h>
#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "config.h"
#include "config_cases.h"
#include "fake_client.h"
#include "press.h"
#include "store.h"

#define TOKEN	"123456:TEST-token"
#define T0	INT64_C(1795441725000)
#define ID	"AbCdEfGh-_012345"

struct env {
	struct fake	 fake;
	char		 dir[64];
	struct store	*store;
	struct config	*cfg;
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
	char			 yaml[1024];

	assert_non_null(e);
	assert_int_equal(fake_start(&e->fake, "fake_telegram.py",
	    "{\"rate_limits_enabled\": false}"), 0);
	scratch_make(e->dir, sizeof(e->dir), "tocsin-press");
	memset(&sp, 0, sizeof(sp));
	sp.path = e->dir;
	assert_non_null(e->store = store_open(&sp, &err));
	/* Port 9 (discard): nothing listens, so a call to Alertmanager
	 * would fail the press with "did not answer". */
	snprintf(yaml, sizeof(yaml), "route:\n  receiver: tg\nreceivers:\n"
	    "- name: tg\n  telegram_configs:\n  - bot_token: '" TOKEN "'\n"
	    "    chat_id: 42\n    api_url: %s\n    actions:\n"
	    "      silence: [1h]\n      ack: true\n      allowed_users: [111]\n"
	    "      alertmanager_url: http://127.0.0.1:9\n", e->fake.base);
	e->cfg = config_must_load(e->dir, yaml);
	memset(&r, 0, sizeof(r));
	snprintf(r.id, sizeof(r.id), ID);
	r.receiver = "tg";
	r.integration = "telegram/0";
	r.group_key = "{}:{}";
	r.labels = "{\"external_url\":\"\",\"group\":{\"alertname\":\"Disk\"},"
	    "\"common\":{},\"alerts\":[{\"alertname\":\"Disk\"}]}";
	r.chat = "42";
	r.message_id = 5;
	r.created = T0;
	r.expires = T0 + 1000;
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
	fake_stop(&e->fake);
	scratch_remove(e->dir);
	free(e);
	return 0;
}

/* Presses data in chat/message as user at now; the toast must be want and
 * the answer the only request. */
static void
press_expect(struct env *e, const char *chat, int64_t message_id, int64_t user,
    const char *data, int64_t now, const char *want)
{
	struct press_env	 env = { e->store, e->cfg, NULL, fixed_now };
	struct tgbot		 bot = { e->fake.base, TOKEN, NULL, NULL, NULL };
	struct tg_update	 u;
	char			 body[512];
	json_t			*reqs;

	assert_int_equal(fake_reset(&e->fake), 0);
	now_value = now;
	memset(&u, 0, sizeof(u));
	u.update_id = 1;
	u.is_callback = true;
	snprintf(u.query_id, sizeof(u.query_id), "q1");
	u.from_id = user;
	snprintf(u.from, sizeof(u.from), "@x (%lld)", (long long)user);
	u.data = (char *)data;
	snprintf(u.chat, sizeof(u.chat), "%s", chat);
	u.message_id = message_id;
	press_handle(&env, &bot, &u);
	reqs = fake_requests(&e->fake);
	assert_int_equal(json_array_size(reqs), 1);
	assert_string_equal(fake_req_str(reqs, 0, "path"),
	    "/bot" TOKEN "/answerCallbackQuery");
	snprintf(body, sizeof(body), "{\"callback_query_id\":\"q1\",\"text\":\"%s\"}",
	    want);
	assert_string_equal(fake_req_str(reqs, 0, "body"), body);
	json_decref(reqs);
}

static void
test_press_refusals_answer_and_do_nothing_else(void **state)
{
	struct env *e = *state;

	press_expect(e, "42", 5, 111, ID ":a", T0 + 2000,
	    "This button has expired.");
	press_expect(e, "42", 5, 111, ID ":s:1h", T0 + 1001,
	    "This button has expired.");
	press_expect(e, "42", 5, 222, ID ":a", T0,
	    "You are not allowed to do this.");
	press_expect(e, "43", 5, 111, ID ":a", T0,
	    "This button is no longer known to tocsin.");
	press_expect(e, "42", 6, 111, ID ":a", T0,
	    "This button is no longer known to tocsin.");
	press_expect(e, "42", 5, 111, ID ":s:2h", T0,
	    "This button is no longer known to tocsin.");
	press_expect(e, "42", 5, 111, "zzzzzzzzzzzzzzzz:a", T0,
	    "This button is no longer known to tocsin.");
	press_expect(e, "42", 5, 111, NULL, T0, "This button is not one of tocsin's.");
	/* Within its time, allowed: Alertmanager is asked, and is down. */
	press_expect(e, "42", 5, 111, ID ":a", T0 + 1000,
	    "Alertmanager did not answer; nothing was done. Try again.");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_press_refusals_answer_and_do_nothing_else),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
