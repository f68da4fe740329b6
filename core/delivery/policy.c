/* policy.c: the delivery policy flags (see policy.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "duration.h"
#include "policy.h"
#include "sendslots.h"

void
policy_init(struct policy_flags *f)
{
	memset(f, 0, sizeof(*f));
	f->retry_budget = POLICY_DEFAULT_RETRY_BUDGET;
	f->backoff_max = POLICY_DEFAULT_BACKOFF_MAX;
	f->retention = POLICY_DEFAULT_RETENTION;
	f->max_sends = POLICY_DEFAULT_MAX_SENDS;
	for (size_t i = 0; sender_limit_at(i) != NULL; i++)
		f->rate[i] = sender_limit_at(i)->def;
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

/* A count of sends, 1 to SEND_SLOTS_MAX: decimal digits only. */
static int
count(const char *flag, const char *s, int *out, struct terr *err)
{
	char	*end;
	long	 v;

	errno = 0;
	v = s != NULL && *s >= '0' && *s <= '9' ? strtol(s, &end, 10) : -1;
	if (v < 1 || v > SEND_SLOTS_MAX || errno != 0 || *end != '\0')
		return terr_set(err, "--%s: want a number from 1 to %d, got \"%s\"",
		    flag, SEND_SLOTS_MAX, s != NULL ? s : "");
	*out = (int)v;
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
	const struct channel_limit *lim;

	if (positive("delivery.retry-budget", f->retry_budget, &p->retry_budget_ms,
	    err) == -1 ||
	    positive("delivery.backoff-max", f->backoff_max, &p->backoff_max_ms,
	    err) == -1 ||
	    positive("storage.retention", f->retention, &p->retention_ms, err) == -1 ||
	    count("delivery.max-concurrent-sends", f->max_sends, &p->max_sends,
	    err) == -1)
		return -1;
	memset(limits, 0, sizeof(*limits));
	for (size_t i = 0; (lim = sender_limit_at(i)) != NULL; i++)
		if (rate(lim->flag, f->rate[i], &limits->rate[i], err) == -1)
			return -1;
	if (f->dead_letter != NULL && *f->dead_letter == '\0')
		return terr_set(err, "--dead-letter.receiver: must name a receiver");
	p->limits = limits;
	p->dead_letter_receiver = f->dead_letter;
	return 0;
}
