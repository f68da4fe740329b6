/* deliver.c: render notifications for each integration and store them (see
 * deliver.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dedup.h"
#include "deliver.h"
#include "escplan.h"
#include "log.h"
#include "payload.h"

/* What a message needs besides its rendered part. */
struct pending {
	char	integration[32];
	char	key[DEDUP_KEY_LEN + 48];
	size_t	group;		/* the deliver_batch_add call it came from */
};

/* One deliver_batch_add call. */
struct group {
	const char	*receiver;	/* borrowed from the receiver */
	size_t		 render_failed;
};

struct deliver_batch {
	struct sender_parts	 parts;
	struct pending		*pend;		/* one per part */
	struct group		*groups;
	size_t			 ngroups;
	struct store_msg	*msgs;		/* built by batch_msgs */
	struct store_ack	*acks;
	/* The escalate extension's timer changes; their strings are owned
	 * (group_key and body). */
	struct store_timer	*timers;
	size_t			 ntimers;
};

/* Renders one integration and appends its parts and their names. */
static int
render_one(const struct receiver *r, const struct sender_ops *ops, size_t idx,
    const void *cfg, const struct notification *n,
    const struct sender_render_ctx *ctx, const char *tag,
    struct deliver_batch *b, size_t *failed, struct terr *err)
{
	struct sender_parts	*parts = &b->parts;
	char			 integ[32], key[DEDUP_KEY_LEN + 24];
	size_t			 before = parts->n;
	struct pending		*np;
	struct sender_render_ctx c;

	snprintf(integ, sizeof(integ), "%s/%zu", ops->name, idx);
	c = *ctx;
	c.integration = integ;
	if (ops->render(cfg, n, &c, parts, err) == -1) {
		sender_parts_truncate(parts, before);
		log_error("Notification not rendered", "receiver", r->name,
		    "integration", integ, "err", err->msg);
		(*failed)++;
		return 0;
	}
	if (parts->n == before)
		return 0;
	if (dedup_key(r->name, integ, n, key, err) == -1)
		return -1;
	if (tag != NULL)
		snprintf(key + DEDUP_KEY_LEN, sizeof(key) - DEDUP_KEY_LEN, "/%s",
		    tag);
	if ((np = reallocarray(b->pend, parts->n, sizeof(*np))) == NULL)
		return terr_set(err, "out of memory");
	b->pend = np;
	for (size_t i = before; i < parts->n; i++) {
		snprintf(np[i].integration, sizeof(np[i].integration), "%s", integ);
		if (i == before)
			snprintf(np[i].key, sizeof(np[i].key), "%s", key);
		else
			snprintf(np[i].key, sizeof(np[i].key), "%s/%zu", key,
			    i - before + 1);
		np[i].group = b->ngroups;
	}
	return 0;
}

struct deliver_batch *
deliver_batch_new(void)
{
	return calloc(1, sizeof(struct deliver_batch));
}

void
deliver_batch_free(struct deliver_batch *b)
{
	if (b == NULL)
		return;
	sender_parts_free(&b->parts);
	free(b->pend);
	free(b->msgs);
	free(b->acks);
	free(b->groups);
	for (size_t i = 0; i < b->ntimers; i++) {
		free((char *)b->timers[i].group_key);
		free((char *)b->timers[i].body);
	}
	free(b->timers);
	free(b);
}

/* A receiver that escalates: a firing notification starts (or refreshes)
 * its group's timer, a resolved one stops it (store_timer), with the
 * messages. */
static int
batch_timer(struct deliver_batch *b, const struct receiver *r,
    const struct notification *n, struct terr *err)
{
	struct store_timer *nt, *t;

	if (r->escalate == NULL || n->group_key == NULL || *n->group_key == '\0')
		return 0;
	if ((nt = reallocarray(b->timers, b->ntimers + 1, sizeof(*nt))) == NULL)
		return terr_set(err, "out of memory");
	b->timers = nt;
	t = &nt[b->ntimers];
	memset(t, 0, sizeof(*t));
	t->receiver = r->name;
	t->first_ms = escplan_first_ms(r->escalate);
	t->resolved = n->status == ALERT_RESOLVED;
	t->escalate_to = r->escalate->receiver;
	if ((t->group_key = strdup(n->group_key)) == NULL)
		return terr_set(err, "out of memory");
	if ((t->body = payload_to_json(n, err)) == NULL) {
		free((char *)t->group_key);
		return -1;
	}
	b->ntimers++;
	return 0;
}

size_t
deliver_batch_len(const struct deliver_batch *b)
{
	return b->parts.n + b->ntimers;
}

/* deliver_batch_add, or with tag a step of an escalation timer. */
static int
batch_add(struct deliver_batch *b, const struct receiver *r,
    const struct notification *n, const struct sender_render_ctx *ctx0,
    const char *tag, struct terr *err)
{
	const struct sender_ops *ops;
	struct sender_render_ctx ctx = *ctx0;
	struct group	*ng;
	size_t		 before = b->parts.n, failed = 0, i, k;

	if ((ng = reallocarray(b->groups, b->ngroups + 1, sizeof(*ng))) == NULL)
		return terr_set(err, "out of memory");
	b->groups = ng;
	/* Repeats answer the group's first message: it is kept. */
	if (tag == NULL && r->escalate != NULL && r->escalate->repeat_ms > 0)
		ctx.thread = true;
	for (k = 0; (ops = sender_kind_at(k)) != NULL; k++)
		for (i = 0; i < sender_kind_count(r, k); i++)
			if (render_one(r, ops, i, sender_kind_config(r, k, i), n,
			    &ctx, tag, b, &failed, err) == -1)
				goto fail;
	if (tag == NULL && batch_timer(b, r, n, err) == -1)
		goto fail;
	ng[b->ngroups].receiver = r->name;
	ng[b->ngroups].render_failed = failed;
	b->ngroups++;
	return 0;
fail:
	sender_parts_truncate(&b->parts, before);
	return -1;
}

int
deliver_batch_add(struct deliver_batch *b, const struct receiver *r,
    const struct notification *n, const struct sender_render_ctx *ctx,
    struct terr *err)
{
	return batch_add(b, r, n, ctx, NULL, err);
}

/* The store's view of b: msgs and acks, one per part. */
static int
batch_msgs(struct deliver_batch *b, struct terr *err)
{
	size_t	 i, n = b->parts.n;

	free(b->msgs);
	free(b->acks);
	b->msgs = calloc(n ? n : 1, sizeof(*b->msgs));
	b->acks = calloc(n ? n : 1, sizeof(*b->acks));
	if (b->msgs == NULL || b->acks == NULL)
		return terr_set(err, "out of memory");
	for (i = 0; i < n; i++) {
		b->msgs[i].receiver = b->groups[b->pend[i].group].receiver;
		b->msgs[i].integration = b->pend[i].integration;
		b->msgs[i].dest = b->parts.v[i].dest;
		b->msgs[i].dedup_key = b->pend[i].key;
		b->msgs[i].payload = b->parts.v[i].payload;
		b->msgs[i].payload_len = b->parts.v[i].len;
		b->msgs[i].action = b->parts.v[i].action;
	}
	return 0;
}

int
deliver_batch_store_async(struct store *s, struct deliver_batch *b,
    int64_t dedup_window_ms, store_done_fn done, void *arg, struct terr *err)
{
	if (b->parts.n == 0 && b->ntimers == 0) {
		done(arg, 0, NULL);
		return 0;
	}
	if (batch_msgs(b, err) == -1)
		return -1;
	return store_enqueue_timers_async(s, b->msgs, b->parts.n,
	    dedup_window_ms, b->acks, b->timers, b->ntimers, done, arg, err);
}

void
deliver_batch_result(const struct deliver_batch *b, size_t g,
    struct deliver_result *res)
{
	size_t	 i;

	memset(res, 0, sizeof(*res));
	if (g >= b->ngroups)
		return;
	res->render_failed = b->groups[g].render_failed;
	if (b->acks == NULL)
		return;
	for (i = 0; i < b->parts.n; i++) {
		if (b->pend[i].group != g)
			continue;
		if (b->acks[i].verdict == STORE_ACCEPTED)
			res->accepted++;
		else if (b->acks[i].verdict == STORE_STALE)
			res->stale++;
		else
			res->duplicates++;
	}
}

/* One batch of one notification, stored and waited for. */
static int
enqueue(struct store *s, const struct receiver *r,
    const struct notification *n, const struct sender_render_ctx *ctx,
    const char *tag, const struct store_escalation *timer,
    int64_t dedup_window_ms, struct deliver_result *res, struct terr *err)
{
	struct deliver_batch	*b;
	int			 rc = -1;

	if (res != NULL)
		memset(res, 0, sizeof(*res));
	if ((b = deliver_batch_new()) == NULL)
		return terr_set(err, "out of memory");
	if (batch_add(b, r, n, ctx, tag, err) == -1)
		goto out;
	if (b->parts.n > 0 || b->ntimers > 0) {
		if (batch_msgs(b, err) == -1)
			goto out;
		/* A step starts no timer (batch_add with a tag). */
		if (timer != NULL ? store_enqueue_step(s, b->msgs, b->parts.n,
		    dedup_window_ms, b->acks, timer, err) == -1 :
		    store_enqueue_timers(s, b->msgs, b->parts.n, dedup_window_ms,
		    b->acks, b->timers, b->ntimers, err) == -1)
			goto out;
	}
	if (res != NULL)
		deliver_batch_result(b, 0, res);
	rc = 0;
out:
	deliver_batch_free(b);
	return rc;
}

int
deliver_enqueue(struct store *s, const struct receiver *r,
    const struct notification *n, const struct sender_render_ctx *ctx,
    int64_t dedup_window_ms, struct deliver_result *res, struct terr *err)
{
	return enqueue(s, r, n, ctx, NULL, NULL, dedup_window_ms, res, err);
}

int
deliver_enqueue_step(struct store *s, const struct receiver *r,
    const struct notification *n, const struct sender_render_ctx *ctx,
    const char *tag, const struct store_escalation *timer,
    int64_t dedup_window_ms, struct deliver_result *res, struct terr *err)
{
	return enqueue(s, r, n, ctx, tag, timer, dedup_window_ms, res, err);
}
