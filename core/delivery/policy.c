/* policy.c: the delivery policy flags (see policy.h). */
#include <string.h>

#include "duration.h"
#include "policy.h"

void
policy_init(struct policy_flags *f)
{
	memset(f, 0, sizeof(*f));
	f->retry_budget = POLICY_DEFAULT_RETRY_BUDGET;
	f->backoff_max = POLICY_DEFAULT_BACKOFF_MAX;
	f->retention = POLICY_DEFAULT_RETENTION;
	f->rl_telegram_chat = POLICY_DEFAULT_TELEGRAM_CHAT;
	f->rl_telegram_group = POLICY_DEFAULT_TELEGRAM_GROUP;
	f->rl_telegram_bot = POLICY_DEFAULT_TELEGRAM_BOT;
	f->rl_slack = POLICY_DEFAULT_SLACK;
	f->rl_webhook = POLICY_DEFAULT_WEBHOOK;
}

/* A duration that must be positive: zero would mean "give up at once",
 * "retry in a loop" or "keep nothing", never what an operator wants from
 * these flags. */
static int
positive(const char *flag, const char *s, int64_t *ms, struct terr *err)
{
	if (duration_parse(s, ms, err) == -1)
		return terr_prefix(err, "--%s", flag);
	if (*ms == 0)
		return terr_set(err, "--%s: must be longer than zero", flag);
	return 0;
}

static int
rate(const char *flag, const char *s, struct rl_rate *out, struct terr *err)
{
	if (rl_rate_parse(s, out, err) == -1)
		return terr_prefix(err, "--%s", flag);
	return 0;
}

int
policy_apply(const struct policy_flags *f, struct outbox_params *p,
    struct sender_limits *limits, struct terr *err)
{
	if (positive("delivery.retry-budget", f->retry_budget, &p->retry_budget_ms,
	    err) == -1 ||
	    positive("delivery.backoff-max", f->backoff_max, &p->backoff_max_ms,
	    err) == -1 ||
	    positive("storage.retention", f->retention, &p->retention_ms, err) == -1 ||
	    rate("ratelimit.telegram-chat", f->rl_telegram_chat, &limits->tg_chat,
	    err) == -1 ||
	    rate("ratelimit.telegram-group", f->rl_telegram_group, &limits->tg_group,
	    err) == -1 ||
	    rate("ratelimit.telegram-bot", f->rl_telegram_bot, &limits->tg_bot,
	    err) == -1 ||
	    rate("ratelimit.slack", f->rl_slack, &limits->slack_url, err) == -1 ||
	    rate("ratelimit.webhook", f->rl_webhook, &limits->webhook_url, err) == -1)
		return -1;
	if (f->dead_letter != NULL && *f->dead_letter == '\0')
		return terr_set(err, "--dead-letter.receiver: must name a receiver");
	p->limits = limits;
	p->dead_letter_receiver = f->dead_letter;
	return 0;
}
