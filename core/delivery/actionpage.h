/* actionpage.h: the pages /action/<token> answers with: the confirmation a
 * GET shows (what will happen to which alert group; a form whose POST
 * acts), and the outcome of a POST or a refusal. Plain HTML, no scripts, no
 * outside resources, every text escaped. */
#ifndef TOCSIN_ACTIONPAGE_H
#define TOCSIN_ACTIONPAGE_H

#include <stdint.h>

#include "actiontoken.h"
#include "buf.h"
#include "telegram_actions.h"

struct actionpage {
	enum action_kind	 kind;
	int64_t			 duration_ms;	/* ACTION_SILENCE */
	const char		*receiver;
	const struct tga_ctx	*ctx;		/* the record's alerts */
	int64_t			 expires;	/* unix ms: the link's end */
};

/* The confirmation page of p. */
int	actionpage_confirm(struct buf *b, const struct actionpage *p)
	    WARN_UNUSED;
/* A page saying title and then msg, both plain text. */
int	actionpage_message(struct buf *b, const char *title, const char *msg)
	    WARN_UNUSED;

#endif
