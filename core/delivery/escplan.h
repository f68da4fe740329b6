/* escplan.h: when tocsin's escalate extension (receiver.h) acts on a
 * group's timer, without I/O: "now" is a parameter. Repeats fall every
 * repeat_ms after the firing started, the escalation once after_ms after
 * it; repeats missed while the daemon was down collapse into one. */
#ifndef TOCSIN_ESCPLAN_H
#define TOCSIN_ESCPLAN_H

#include <stdbool.h>
#include <stdint.h>

#include "receiver.h"
#include "store.h"

/* A silenced group is looked at again this often when it has no repeat to
 * wait for. */
#define ESCPLAN_RECHECK_MS	60000

struct escplan_step {
	bool	 repeat;	/* re-send the notification to its receiver */
	int64_t	 repeat_no;	/* repeat: its number, 1 for the first */
	bool	 escalate;	/* notify the escalation receiver */
};

/* How long after the firing a new timer is first due: the earlier of the
 * first repeat and the escalation. */
int64_t	escplan_first_ms(const struct receiver_escalate *e);

/*
 * What timer t of e does at now, into *out, and t's state after it
 * (repeats, escalated, next_at; STORE_NEVER when nothing is left to do).
 * A silenced group sends nothing: its repeats are skipped (counted, so
 * they do not pile up), its escalation waits until it is not silenced.
 */
void	escplan_step(const struct receiver_escalate *e,
	    struct store_escalation *t, int64_t now, bool silenced,
	    struct escplan_step *out);

#endif
