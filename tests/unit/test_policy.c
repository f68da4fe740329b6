/* test_policy.c: the delivery policy flags: the defaults are the documented
 * ones, good values land in the outbox's parameters, and every bad value is
 * refused with an error naming its flag. */
#include <stdarg.h>
#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "policy.h"

static void
test_defaults_are_the_senders_defaults(void **state)
{
	struct policy_flags	 f;
	struct outbox_params	 p;
	struct sender_limits	 got, want;
	struct terr		 err;

	(void)state;
	policy_init(&f);
	memset(&p, 0, sizeof(p));
	assert_int_equal(policy_apply(&f, &p, &got, &err), 0);
	assert_int_equal(p.retry_budget_ms, INT64_C(24) * 3600 * 1000);
	assert_int_equal(p.backoff_max_ms, INT64_C(5) * 60 * 1000);
	assert_int_equal(p.retention_ms, INT64_C(120) * 3600 * 1000);
	assert_ptr_equal(p.limits, &got);
	assert_null(p.dead_letter_receiver);
	sender_limits_default(&want);
	assert_memory_equal(&got, &want, sizeof(got));
}

static void
test_values_set(void **state)
{
	struct policy_flags	 f;
	struct outbox_params	 p;
	struct sender_limits	 l;
	struct terr		 err;

	(void)state;
	policy_init(&f);
	f.retry_budget = "1h30m";
	f.backoff_max = "30s";
	f.retention = "1d";
	f.rl_telegram_chat = "0";
	f.rl_telegram_group = "0.5/s";
	f.rl_telegram_bot = "100/h";
	f.rl_slack = "2.5/s";
	f.rl_webhook = "60/m";
	f.dead_letter = "ops";
	memset(&p, 0, sizeof(p));
	assert_int_equal(policy_apply(&f, &p, &l, &err), 0);
	assert_int_equal(p.retry_budget_ms, INT64_C(5400000));
	assert_int_equal(p.backoff_max_ms, INT64_C(30000));
	assert_int_equal(p.retention_ms, INT64_C(86400000));
	assert_string_equal(p.dead_letter_receiver, "ops");
	/* 0: no limit. */
	assert_true(l.tg_chat.per_sec == 0);
	/* Less than one per period: a bucket of one. */
	assert_true(l.tg_group.per_sec == 0.5 && l.tg_group.burst == 1);
	/* N per period may all go at once. */
	assert_true(l.tg_bot.per_sec == 100.0 / 3600 && l.tg_bot.burst == 100);
	assert_true(l.slack_url.per_sec == 2.5 && l.slack_url.burst == 2);
	assert_true(l.webhook_url.per_sec == 1 && l.webhook_url.burst == 60);

	/* The ends of the range. */
	f.rl_slack = "0.001/h";
	f.rl_webhook = "1000000/s";
	assert_int_equal(policy_apply(&f, &p, &l, &err), 0);
	assert_true(l.slack_url.per_sec == 0.001 / 3600 && l.slack_url.burst == 1);
	assert_true(l.webhook_url.per_sec == 1000000 && l.webhook_url.burst == 1000000);
}

static void
test_errors_name_the_flag(void **state)
{
	static const struct {
		int		 field;
		const char	*value;
		const char	*want;
	} cases[] = {
		{ 0, "1x", "--delivery.retry-budget: not a valid duration string: \"1x\"" },
		{ 0, "0", "--delivery.retry-budget: must be longer than zero" },
		{ 1, "", "--storage.retention: empty duration string" },
		{ 1, "0s", "--storage.retention: must be longer than zero" },
		{ 2, "fast", "--ratelimit.telegram-chat: want a rate such as 1/s, 20/m or "
		  "100/h, or 0 for no limit, got \"fast\"" },
		{ 3, "20/min", "--ratelimit.telegram-group: want a rate such as 1/s, 20/m or "
		  "100/h, or 0 for no limit, got \"20/min\"" },
		{ 4, "0/s", "--ratelimit.telegram-bot: want a rate such as 1/s, 20/m or "
		  "100/h, or 0 for no limit, got \"0/s\"" },
		{ 5, "-1/s", "--ratelimit.slack: want a rate such as 1/s, 20/m or "
		  "100/h, or 0 for no limit, got \"-1/s\"" },
		{ 5, "inf/s", "--ratelimit.slack: want a rate such as 1/s, 20/m or "
		  "100/h, or 0 for no limit, got \"inf/s\"" },
		{ 6, "1", "--ratelimit.webhook: want a rate such as 1/s, 20/m or "
		  "100/h, or 0 for no limit, got \"1\"" },
		{ 6, "1.2.3/s", "--ratelimit.webhook: want a rate such as 1/s, 20/m or "
		  "100/h, or 0 for no limit, got \"1.2.3/s\"" },
		/* So slow that the wait for a token (in ms) overflows int64. */
		{ 6, "0.000000000000000000000000000001/h", "--ratelimit.webhook: "
		  "N must be from 0.001 to 1000000, got "
		  "\"0.000000000000000000000000000001/h\"" },
		{ 6, "0.0009/s", "--ratelimit.webhook: N must be from 0.001 to "
		  "1000000, got \"0.0009/s\"" },
		{ 6, "1000001/s", "--ratelimit.webhook: N must be from 0.001 to "
		  "1000000, got \"1000001/s\"" },
		{ 7, "", "--dead-letter.receiver: must name a receiver" },
		{ 8, "5", "--delivery.backoff-max: not a valid duration string: \"5\"" },
		{ 8, "0s", "--delivery.backoff-max: must be longer than zero" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct policy_flags	 f;
		struct outbox_params	 p;
		struct sender_limits	 l;
		struct terr		 err;
		const char		**field[] = { &f.retry_budget, &f.retention,
		    &f.rl_telegram_chat, &f.rl_telegram_group, &f.rl_telegram_bot,
		    &f.rl_slack, &f.rl_webhook, &f.dead_letter, &f.backoff_max };

		policy_init(&f);
		*field[cases[i].field] = cases[i].value;
		memset(&p, 0, sizeof(p));
		assert_int_equal(policy_apply(&f, &p, &l, &err), -1);
		assert_string_equal(err.msg, cases[i].want);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults_are_the_senders_defaults),
		cmocka_unit_test(test_values_set),
		cmocka_unit_test(test_errors_name_the_flag),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
