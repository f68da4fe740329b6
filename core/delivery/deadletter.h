/* deadletter.h: the report about a message that went dead (a permanent
 * failure, a spent retry budget, or its receiver gone), sent to the
 * operator's --dead-letter.receiver through the durable queue like any
 * notification, so that a lost alert is itself an alert. Defined once here
 * for the relay and the watchdog. */
#ifndef TOCSIN_DEADLETTER_H
#define TOCSIN_DEADLETTER_H

#include <stdint.h>

#include "alert.h"
#include "err.h"
#include "receiver.h"
#include "sender.h"
#include "store.h"

#define DEADLETTER_ALERTNAME	"TocsinDeliveryFailed"

/*
 * The report for dead message e (why: the reason it was given up), as
 * Alertmanager would notify one firing alert to report_to
 * (synthetic_notification), started at at_ms (unix ms):
 *
 *   labels       alertname="TocsinDeliveryFailed", severity="critical",
 *                receiver=<e's receiver>, integration=<e's integration>
 *   annotations  summary      "Could not deliver a notification to
 *                             <receiver> (<integration>): <why>"
 *                description  "The message given up (queue id <id>) began:
 *                             <message>" ("... has queue id <id>." when
 *                             message is "")
 *                reason       <why>
 *                message      what the lost message said first (the
 *                             sender's describe: Telegram's first line,
 *                             Slack's title, the Subject, a webhook's
 *                             alert names), "" when unknown
 *                message_id   <id>
 *                destination  <e's destination key; never a secret>
 *
 * ExternalURL is empty: no Alertmanager is involved. Caller frees with
 * notification_free.
 */
struct notification *deadletter_report(const struct store_entry *e,
	    const char *why, const char *report_to, int64_t at_ms,
	    struct terr *err);

/*
 * Renders the report for every integration of `to` with ctx and stores it
 * (deliver_enqueue, never a duplicate: each dead message is its own
 * report). 0 once durable; -1 with err set, nothing stored. The caller
 * must not report the dead letters of `to` itself: they would loop.
 */
int	deadletter_enqueue(struct store *s, const struct receiver *to,
	    const struct sender_render_ctx *ctx, const struct store_entry *e,
	    const char *why, int64_t at_ms, struct terr *err) WARN_UNUSED;

#endif
