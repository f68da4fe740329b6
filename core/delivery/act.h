/* act.h: what an action on a notification's alert group does, whichever
 * way it arrived (a Telegram button, an action link): ask Alertmanager
 * whether the group still fires, make a silence on Alertmanager and
 * remember it in the action record, or store the group's acknowledgement.
 * The callers check who may act and answer them. */
#ifndef TOCSIN_ACT_H
#define TOCSIN_ACT_H

#include <stddef.h>
#include <stdint.h>

#include "actionrec.h"
#include "am_silences.h"
#include "store.h"
#include "telegram_actions.h"

struct act {
	struct store		*store;
	const struct action_rec	*rec;
	const struct tga_ctx	*ctx;	/* rec's labels, parsed */
	const struct am_api	*am;
	const char		*who;	/* the silence's createdBy, the acker */
	const char		*via;	/* "Telegram": named in the comment */
	int64_t			 now;	/* unix ms */
};

/* *firing 1 when one of the record's alerts is still active on
 * Alertmanager. -1 with err when Alertmanager did not answer. */
int	act_firing(const struct act *a, int *firing, struct terr *err)
	    WARN_UNUSED;
/* Silences the group from now for duration_ms: the new silence's id into
 * id (>= 64 bytes), also kept in the record (a failure to keep it is
 * logged; the silence exists). -1 with err when Alertmanager refused. */
int	act_silence(const struct act *a, int64_t duration_ms, char *id,
	    size_t idlen, struct terr *err) WARN_UNUSED;
/* Stores the group's acknowledgement by a->who at a->now. */
int	act_ack(const struct act *a, struct terr *err) WARN_UNUSED;

#endif
