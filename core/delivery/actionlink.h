/* actionlink.h: what /action/<token> answers. GET (and HEAD) show what the
 * link would do, because mail scanners and chat link previews fetch every
 * link; only POST acts, through act.h. A token that is not genuine or has
 * expired is refused with 403 and nothing done; a link whose action was
 * already done (the record's silence, the group's acknowledgement since the
 * notification) says so and does nothing again. */
#ifndef TOCSIN_ACTIONLINK_H
#define TOCSIN_ACTIONLINK_H

#include <stdint.h>

#include "actiontoken.h"
#include "buf.h"
#include "config.h"
#include "metrics.h"
#include "store.h"

struct actionlink_env {
	struct store		*store;
	const struct config	*cfg;		/* the loaded configuration */
	const struct action_key	*key;
	struct metric		*m_actions;	/* press_metric's; NULL: none */
	int64_t			(*now)(void);	/* NULL: the wall clock */
};

/* Answers method on token (the path after /action/): the HTTP status into
 * *status and an HTML page into page (empty on entry). -1 only when memory
 * runs out. */
int	actionlink_handle(const struct actionlink_env *env, const char *method,
	    const char *token, unsigned *status, struct buf *page) WARN_UNUSED;

#endif
