/* sendslots.c: the dispatcher's admission rule (see sendslots.h). */
#include "sendslots.h"

static unsigned
kind_index(unsigned kind)
{
	return kind < SEND_SLOTS_KINDS ? kind : SEND_SLOTS_KINDS - 1;
}

void
send_slots_init(struct send_slots *s, unsigned max)
{
	unsigned	 i;

	if (max == 0)
		max = SEND_SLOTS_DEFAULT;
	if (max > SEND_SLOTS_MAX)
		max = SEND_SLOTS_MAX;
	s->max = max;
	s->reserve = max / 4;
	if (s->reserve == 0 && max > 1)
		s->reserve = 1;
	s->busy = 0;
	s->retrying = 0;
	for (i = 0; i < SEND_SLOTS_KINDS; i++)
		s->kind[i] = 0;
}

bool
send_slots_free(const struct send_slots *s, unsigned kind, bool retry)
{
	unsigned	 share = s->max - s->reserve;

	if (s->busy >= s->max)
		return false;
	if (s->kind[kind_index(kind)] >= share)
		return false;
	return !retry || s->retrying < share;
}

void
send_slots_take(struct send_slots *s, unsigned kind, bool retry)
{
	s->busy++;
	s->kind[kind_index(kind)]++;
	if (retry)
		s->retrying++;
}

void
send_slots_put(struct send_slots *s, unsigned kind, bool retry)
{
	s->busy--;
	s->kind[kind_index(kind)]--;
	if (retry)
		s->retrying--;
}
