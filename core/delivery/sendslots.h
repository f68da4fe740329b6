/* sendslots.h: which sends may start while others are in flight, the
 * dispatcher's admission rule, kept apart from its threads so that it is
 * exact and tested as such.
 *
 * Every destination with a send in flight holds one slot, up to max. A
 * destination that hangs holds its slot until its timeout, so a fixed few
 * slots shared by all would let a few hung destinations hold up every
 * other one. Two rules keep a reserve of the slots (a quarter of them)
 * for what hung destinations cannot take:
 *   - one kind of integration (webhook, slack, ...) holds at most
 *     max - reserve slots, so hung webhooks leave the phone's slots free
 *     from their very first attempt;
 *   - retries (messages that failed before: a timeout is a failure) hold
 *     at most max - reserve slots, so once a hung destination has timed
 *     out, a message that has not failed always finds a slot, even among
 *     destinations of the same kind.
 * No I/O, no locking: the caller serialises. */
#ifndef TOCSIN_SENDSLOTS_H
#define TOCSIN_SENDSLOTS_H

#include <stdbool.h>

#define SEND_SLOTS_DEFAULT	64	/* --delivery.max-concurrent-sends */
#define SEND_SLOTS_MAX		4096
#define SEND_SLOTS_KINDS	32	/* kinds counted apart; more share the last */

struct send_slots {
	unsigned	max;		/* sends in flight at most */
	unsigned	reserve;	/* no kind, and no retries, may take these */
	unsigned	busy;		/* sends in flight */
	unsigned	retrying;	/* of them, retries */
	unsigned	kind[SEND_SLOTS_KINDS];	/* of them, per kind */
};

/* Empty slots, max of them (0: SEND_SLOTS_DEFAULT; at most SEND_SLOTS_MAX),
 * with a reserve of max / 4 (at least 1 when max > 1). */
void	send_slots_init(struct send_slots *s, unsigned max);
/* Whether a send of kind (an index, sender_kind_at's k) may start now;
 * retry: its message failed before. */
bool	send_slots_free(const struct send_slots *s, unsigned kind, bool retry);
/* Takes the slot send_slots_free allowed. */
void	send_slots_take(struct send_slots *s, unsigned kind, bool retry);
/* Gives back the slot of a send that ended, with the kind and retry it
 * was taken with. */
void	send_slots_put(struct send_slots *s, unsigned kind, bool retry);

#endif
