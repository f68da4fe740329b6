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
#include "sendslots.h"
#include "sender_slack.h"
#include "sender_telegram.h"
#include "sender_webhook.h"

/* Each channel's rates, in the order its descriptor declares them. */
#define TG_CHAT(l)	(sender_limits_of(&(l), &channel_telegram)[0])
#define TG_GROUP(l)	(sender_limits_of(&(l), &channel_telegram)[1])
#define TG_BOT(l)	(sender_limits_of(&(l), &channel_telegram)[2])
#define SLACK_URL(l)	(sender_limits_of(&(l), &channel_slack)[0])
#define WEBHOOK_URL(l)	(sender_limits_of(&(l), &channel_webhook)[0])

/* The value of flag name in f. */
static const char **
rate_flag(struct policy_flags *f, const char *name)
{
	for (size_t i = 0; sender_limit_at(i) != NULL; i++)
		if (strcmp(sender_limit_at(i)->flag, name) == 0)
			return &f->rate[i];
	fail_msg("no flag %s", name);
	return NULL;
}

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
	assert_int_equal(p.max_sends, SEND_SLOTS_DEFAULT);
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
	*rate_flag(&f, "ratelimit.telegram-chat") = "0";
	*rate_flag(&f, "ratelimit.telegram-group") = "0.5/s";
	*rate_flag(&f, "ratelimit.telegram-bot") = "100/h";
	*rate_flag(&f, "ratelimit.slack") = "2.5/s";
	*rate_flag(&f, "ratelimit.webhook") = "60/m";
	f.dead_letter = "ops";
	f.max_sends = "8";
	memset(&p, 0, sizeof(p));
	assert_int_equal(policy_apply(&f, &p, &l, &err), 0);
	assert_int_equal(p.retry_budget_ms, INT64_C(5400000));
	assert_int_equal(p.backoff_max_ms, INT64_C(30000));
	assert_int_equal(p.retention_ms, INT64_C(86400000));
	assert_string_equal(p.dead_letter_receiver, "ops");
	assert_int_equal(p.max_sends, 8);
	/* 0: no limit. */
	assert_true(TG_CHAT(l).per_sec == 0);
	/* Less than one per period: a bucket of one. */
	assert_true(TG_GROUP(l).per_sec == 0.5 && TG_GROUP(l).burst == 1);
	/* N per period may all go at once. */
	assert_true(TG_BOT(l).per_sec == 100.0 / 3600 && TG_BOT(l).burst == 100);
	assert_true(SLACK_URL(l).per_sec == 2.5 && SLACK_URL(l).burst == 2);
	assert_true(WEBHOOK_URL(l).per_sec == 1 && WEBHOOK_URL(l).burst == 60);

	/* The ends of the range. */
	*rate_flag(&f, "ratelimit.slack") = "0.001/h";
	*rate_flag(&f, "ratelimit.webhook") = "1000000/s";
	assert_int_equal(policy_apply(&f, &p, &l, &err), 0);
	assert_true(SLACK_URL(l).per_sec == 0.001 / 3600 && SLACK_URL(l).burst == 1);
	assert_true(WEBHOOK_URL(l).per_sec == 1000000 && WEBHOOK_URL(l).burst == 1000000);
}

/* Every limit of every channel has a slot in struct sender_limits and a
 * flag; a channel that pushed the total over SENDER_LIMITS_MAX fails here. */
static void
test_every_channel_limit_has_a_slot(void **state)
{
	const struct channel *c;
	const struct channel_limit *lim;
	size_t	 k, n = 0;

	(void)state;
	for (k = 0; (c = channel_at(k)) != NULL; k++)
		for (lim = c->limits; lim != NULL && lim->flag != NULL; lim++)
			assert_ptr_equal(sender_limit_at(n++), lim);
	assert_true(n <= SENDER_LIMITS_MAX);
	assert_null(sender_limit_at(n));
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
		{ 9, "0", "--delivery.max-concurrent-sends: want a number from 1 to "
		  "4096, got \"0\"" },
		{ 9, "4097", "--delivery.max-concurrent-sends: want a number from 1 to "
		  "4096, got \"4097\"" },
		{ 9, "-3", "--delivery.max-concurrent-sends: want a number from 1 to "
		  "4096, got \"-3\"" },
		{ 9, "16 ", "--delivery.max-concurrent-sends: want a number from 1 to "
		  "4096, got \"16 \"" },
		{ 9, "", "--delivery.max-concurrent-sends: want a number from 1 to "
		  "4096, got \"\"" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct policy_flags	 f;
		struct outbox_params	 p;
		struct sender_limits	 l;
		struct terr		 err;
		const char		**field[] = { &f.retry_budget, &f.retention,
		    rate_flag(&f, "ratelimit.telegram-chat"),
		    rate_flag(&f, "ratelimit.telegram-group"),
		    rate_flag(&f, "ratelimit.telegram-bot"),
		    rate_flag(&f, "ratelimit.slack"),
		    rate_flag(&f, "ratelimit.webhook"), &f.dead_letter, &f.backoff_max,
		    &f.max_sends };

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
		cmocka_unit_test(test_every_channel_limit_has_a_slot),
		cmocka_unit_test(test_errors_name_the_flag),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
