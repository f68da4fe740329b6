/* deliver.h: the intake side of delivery: render routed notifications for
 * every integration of their receivers and store the messages durably, so
 * the answer to Alertmanager can follow. */
#ifndef TOCSIN_DELIVER_H
#define TOCSIN_DELIVER_H

#include <stddef.h>
#include <stdint.h>

#include "alert.h"
#include "err.h"
#include "receiver.h"
#include "sender.h"
#include "store.h"

struct deliver_result {
	size_t	accepted;	/* messages stored */
	size_t	duplicates;	/* messages suppressed by the dedup window */
	size_t	stale;		/* deliver_enqueue_step: not stored, its timer ended */
	size_t	render_failed;	/* integrations that could not be rendered at all */
};

/*
 * Renders n for each telegram, slack, email and webhook integration of r
 * (named "telegram/0", "email/0", ... in config order) and stores every message in
 * one store_enqueue batch (durable when this returns 0). Each message's dedup
 * key is dedup_key(r->name, integration, n), with "/<part>" appended for the
 * second and later parts of a split message. A template that fails to
 * execute gives its field the fallback text (tmpl_render_text_or_fallback),
 * so the alert still goes out. An integration that cannot be rendered at all
 * (an e-mail envelope that is not addresses) is logged, counted in
 * res->render_failed and skipped: retrying cannot fix it, so the others
 * still go out. A storage failure (or memory running out) returns -1
 * and nothing is stored: the intake answers 503. res may be NULL. File
 * integrations are not handled here.
 */
int	deliver_enqueue(struct store *s, const struct receiver *r,
	    const struct notification *n, const struct sender_render_ctx *ctx,
	    int64_t dedup_window_ms, struct deliver_result *res,
	    struct terr *err) WARN_UNUSED;

/*
 * What an escalation timer sends (escalator.h): n again for r, a repeat (ctx
 * with reply set) or the escalation to another receiver, as
 * deliver_enqueue does, but with "/<tag>" after every dedup key, so that a
 * step queued again after a crash is the same message once more and not a
 * second one, and without starting or stopping a timer. With timer (not
 * NULL), the messages are stored only while that timer runs unresolved
 * (store_enqueue_step): res->stale counts those it ended meanwhile.
 */
int	deliver_enqueue_step(struct store *s, const struct receiver *r,
	    const struct notification *n, const struct sender_render_ctx *ctx,
	    const char *tag, const struct store_escalation *timer,
	    int64_t dedup_window_ms, struct deliver_result *res,
	    struct terr *err) WARN_UNUSED;

/*
 * The same in steps, for the intake: the notifications of one webhook
 * request (one per receiver it routes to) are rendered into one batch and
 * stored in one request to the store, all or nothing, without holding a
 * thread while the commit is pending.
 */
struct deliver_batch;	/* opaque */

/* An empty batch, or NULL when memory runs out. Caller frees with
 * deliver_batch_free (after the store is done with it). */
struct deliver_batch *deliver_batch_new(void);
void	deliver_batch_free(struct deliver_batch *b);
/* Renders n for r as deliver_enqueue does and appends the messages to b
 * without storing them. Returns 0, or -1 when memory runs out (b is then as
 * before the call). r must outlive b (its name is borrowed). */
int	deliver_batch_add(struct deliver_batch *b, const struct receiver *r,
	    const struct notification *n, const struct sender_render_ctx *ctx,
	    struct terr *err) WARN_UNUSED;
/* Writes b holds so far: messages and escalation timer changes (a receiver
 * with tocsin's escalate extension starts its group's timer with a firing
 * notification and stops it with the resolved one, in the same
 * transaction). */
size_t	deliver_batch_len(const struct deliver_batch *b);
/* Stores every message of b in one store_enqueue_async request: done is
 * called from the store's committer once they are durable (rc 0) or none of
 * them is (rc -1, err). b is borrowed until then. An empty b calls done at
 * once, from this thread. Returns -1 (done never called) when memory runs
 * out. */
int	deliver_batch_store_async(struct store *s, struct deliver_batch *b,
	    int64_t dedup_window_ms, store_done_fn done, void *arg,
	    struct terr *err) WARN_UNUSED;
/* After done with rc 0: the outcome for the i-th deliver_batch_add call
 * (0-based). */
void	deliver_batch_result(const struct deliver_batch *b, size_t i,
	    struct deliver_result *res);

#endif
