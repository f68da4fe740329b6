/* dedup.h: the de-duplication key of a rendered notification, so that the same
 * notification re-sent by Alertmanager (retry, HA peer, restart) is stored once.
 *
 * The key is the lowercase hex SHA-256 of this byte string:
 *
 *   "tocsin-dedup-v1\n"
 *   field(receiver) field(integration) field(groupKey) field(status)
 *   then for each alert, sorted bytewise by the line below:
 *     field(fingerprint "\t" status "\t" startsAt)
 *
 * where field(s) is the decimal byte length of s, ':', s, '\n' (so no value can
 * forge a boundary), status is "firing"/"resolved" and startsAt is the instant
 * as "<unix seconds>.<9-digit nanoseconds>" (the zone it was written in does
 * not matter). An empty fingerprint is computed from the labels first.
 *
 * endsAt is left out on purpose: Alertmanager moves a firing alert's endsAt
 * forward on every evaluation, so a retry of the same notification differs
 * there. Everything else that makes a notification different (a new alert, a
 * resolved one, a re-fired one with a new startsAt) changes the key. A
 * deliberate repeat (repeat_interval) has the same key, so the dedup window
 * must stay shorter than repeat_interval. */
#ifndef TOCSIN_DEDUP_H
#define TOCSIN_DEDUP_H

#include "alert.h"
#include "err.h"

#define DEDUP_KEY_LEN 64	/* hex characters, without the NUL */

/* Writes the key of n as delivered by `integration` (e.g. "telegram/0") of
 * `receiver` into out (NUL-terminated). n->receiver is not used: the caller
 * says which receiver the notification was routed to. Returns -1 only when
 * memory runs out or hashing fails. */
int	dedup_key(const char *receiver, const char *integration,
	    const struct notification *n, char out[DEDUP_KEY_LEN + 1],
	    struct terr *err) WARN_UNUSED;

#endif
