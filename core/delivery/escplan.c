/* escplan.c: the steps of a group's escalation timer (see escplan.h). */
#include <string.h>

#include "escplan.h"

int64_t
escplan_first_ms(const struct receiver_escalate *e)
{
	if (e->repeat_ms <= 0)
		return e->after_ms;
	if (e->after_ms <= 0 || e->repeat_ms < e->after_ms)
		return e->repeat_ms;
	return e->after_ms;
}

void
escplan_step(const struct receiver_escalate *e, struct store_escalation *t,
    int64_t now, bool silenced, struct escplan_step *out)
{
	int64_t	 due, next = STORE_NEVER;

	memset(out, 0, sizeof(*out));
	if (e->repeat_ms > 0) {
		due = now >= t->since ? (now - t->since) / e->repeat_ms : 0;
		if (due > t->repeats) {
			t->repeats = due;
			out->repeat = !silenced;
			out->repeat_no = due;
		}
		next = t->since + (t->repeats + 1) * e->repeat_ms;
	}
	if (e->after_ms > 0 && !t->escalated) {
		due = t->since + e->after_ms;
		if (due <= now && !silenced) {
			t->escalated = true;
			out->escalate = true;
		} else if (due <= now) {
			if (e->repeat_ms <= 0)
				next = now + ESCPLAN_RECHECK_MS;
		} else if (due < next)
			next = due;
	}
	t->next_at = next;
}
