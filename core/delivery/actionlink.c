/* actionlink.c: one request of an action link, from its token to the page
 * answered. */
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "act.h"
#include "actionlink.h"
#include "actionpage.h"
#include "clock.h"
#include "duration.h"
#include "link_actions.h"
#include "log.h"

#define WHO	"tocsin action link"

/* One request in progress. */
struct link {
	const struct actionlink_env	*env;
	struct action_token		 t;
	struct action_rec		 rec;
	struct tga_ctx			 ctx;
	const struct tg_actions		*acts;
	struct am_api			 am;
	int64_t				 now;
	const char			*action;	/* metric label */
	const char			*result;	/* metric label; NULL: none */
	unsigned			 status;
	char				 title[64];
	char				 msg[256];
};

static void
answer(struct link *x, unsigned status, const char *result, const char *title,
    const char *fmt, ...) PRINTF_LIKE(5, 6);

static void
answer(struct link *x, unsigned status, const char *result, const char *title,
    const char *fmt, ...)
{
	va_list ap;

	x->status = status;
	x->result = result;
	snprintf(x->title, sizeof(x->title), "%s", title);
	va_start(ap, fmt);
	vsnprintf(x->msg, sizeof(x->msg), fmt, ap);
	va_end(ap);
}

/* The token, its record and the configuration still offering it; 0 when
 * it may be shown or done, -1 with the answer set. */
static int
check(struct link *x, const char *token)
{
	struct terr	 err;
	int		 found;

	switch (action_token_verify(x->env->key, token, x->now, &x->t)) {
	case ACTION_TOKEN_BAD:
		answer(x, 403, "unknown", "Link refused",
		    "This link is not one of tocsin's. Nothing was done.");
		return -1;
	case ACTION_TOKEN_EXPIRED:
		x->action = x->t.kind == ACTION_SILENCE ? "silence" : "ack";
		answer(x, 403, "expired", "Link expired",
		    "This link has expired. Nothing was done.");
		return -1;
	case ACTION_TOKEN_OK:
		break;
	}
	x->action = x->t.kind == ACTION_SILENCE ? "silence" : "ack";
	if (store_action_get(x->env->store, x->t.id, &x->rec, &found,
	    &err) == -1) {
		log_error("Cannot read an action link's record", "err", err.msg);
		answer(x, 500, "error", "Try again",
		    "tocsin cannot read its store. Nothing was done.");
		return -1;
	}
	if (!found || (x->acts = link_actions_lookup(config_receiver(
	    x->env->cfg, x->rec.receiver), x->rec.integration)) == NULL ||
	    tga_ctx_parse(x->rec.labels, &x->ctx) == -1 ||
	    (x->t.kind == ACTION_SILENCE ?
	    !tga_offers(x->acts, x->t.duration_ms) : !x->acts->ack)) {
		answer(x, 404, "unknown", "Link no longer known",
		    "tocsin no longer offers this action. Nothing was done.");
		return -1;
	}
	x->am.url = x->acts->alertmanager_url ? x->acts->alertmanager_url :
	    x->ctx.external_url;
	x->am.http = &x->acts->http;
	return 0;
}

/* 1 (answer set) when the link's action was already done. */
static int
done_before(struct link *x)
{
	struct terr	 err;
	char		*by = NULL;
	int64_t		 at;
	int		 found;

	if (x->t.kind == ACTION_SILENCE) {
		if (x->rec.silence_id[0] == '\0')
			return 0;
		answer(x, 200, "done", "Already silenced", "This alert group "
		    "was already silenced from this notification (silence %s). "
		    "Nothing more was done.", x->rec.silence_id);
		return 1;
	}
	if (store_group_acked(x->env->store, x->rec.receiver, x->rec.group_key,
	    &by, &at, &found, &err) == -1) {
		log_error("Cannot read an acknowledgement", "err", err.msg);
		return 0;
	}
	if (found && at >= x->rec.created) {
		char when[32];

		tga_time(at, when, sizeof(when));
		answer(x, 200, "done", "Already acknowledged", "This alert "
		    "group was already acknowledged by %s at %s. Nothing more "
		    "was done.", by, when);
		free(by);
		return 1;
	}
	free(by);
	return 0;
}

static void
act_now(struct link *x)
{
	struct act	 a = { x->env->store, &x->rec, &x->ctx, &x->am, WHO,
			    "an action link", x->now };
	struct terr	 err;
	char		 id[128], d[64], until[32];
	int		 firing;

	if (act_firing(&a, &firing, &err) == -1) {
		log_warn("Cannot ask Alertmanager about a group", "receiver",
		    x->rec.receiver, "err", err.msg);
		answer(x, 502, "error", "Try again", "Alertmanager did not "
		    "answer; nothing was done. Try again.");
		return;
	}
	if (!firing) {
		answer(x, 200, "resolved", "Already resolved", "This alert "
		    "group has already resolved. Nothing was done.");
		return;
	}
	if (x->t.kind == ACTION_ACK) {
		if (act_ack(&a, &err) == -1) {
			log_error("Cannot store an acknowledgement", "err",
			    err.msg);
			answer(x, 500, "error", "Try again", "tocsin could not "
			    "store the acknowledgement. Try again.");
			return;
		}
		log_info("Acknowledged from an action link", "receiver",
		    x->rec.receiver);
		answer(x, 200, "ok", "Acknowledged", "The alert group is "
		    "acknowledged: its repeats and escalations stop.");
		return;
	}
	if (act_silence(&a, x->t.duration_ms, id, sizeof(id), &err) == -1) {
		log_warn("Alertmanager did not create a silence", "receiver",
		    x->rec.receiver, "err", err.msg);
		answer(x, 502, "error", "Try again", "Alertmanager refused or "
		    "did not answer; no silence. Try again.");
		return;
	}
	duration_format(x->t.duration_ms, d, sizeof(d));
	tga_time(x->now + x->t.duration_ms, until, sizeof(until));
	log_info("Silenced from an action link", "receiver", x->rec.receiver,
	    "silence_id", id, "duration", d);
	answer(x, 200, "ok", "Silenced", "Silenced for %s, until %s (silence "
	    "%s).", d, until, id);
}

static int
page(struct link *x, const char *method, struct buf *b)
{
	struct actionpage p = { x->t.kind, x->t.duration_ms, x->rec.receiver,
	    &x->ctx, x->t.expires };

	if (x->title[0] == '\0' && strcmp(method, "POST") != 0) {
		x->status = 200;
		return actionpage_confirm(b, &p);
	}
	return actionpage_message(b, x->title, x->msg);
}

int
actionlink_handle(const struct actionlink_env *env, const char *method,
    const char *token, unsigned *status, struct buf *b)
{
	struct link	 x;
	int		 rc;
	bool		 post = strcmp(method, "POST") == 0;

	memset(&x, 0, sizeof(x));
	x.env = env;
	x.now = env->now ? env->now() : wall_ms();
	x.action = "unknown";
	if (!post && strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0)
		answer(&x, 405, NULL, "Method not allowed",
		    "Open this link, then confirm with its button.");
	else if (check(&x, token) == 0 && !done_before(&x) && post)
		act_now(&x);
	rc = page(&x, method, b);
	*status = x.status;
	/* The token is the credential: never logged. */
	if (x.status == 403)
		log_info("Refused an action link", "reason", x.result);
	/* What a GET shows is not counted: only refusals and POSTs. */
	if (env->m_actions != NULL && x.result != NULL &&
	    (post || x.status == 403))
		(void)metric_add(env->m_actions,
		    (const char *const[]){ x.action, x.result }, 1);
	action_rec_clear(&x.rec);
	tga_ctx_clear(&x.ctx);
	return rc;
}
