/* deliver.h: the intake side of delivery: render one routed notification
 * for every integration of its receiver and store the messages durably, so
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

#endif
