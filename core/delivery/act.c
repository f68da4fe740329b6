/* act.c: silences and acknowledgements of an action record's group. */
#include "act.h"
#include "buf.h"
#include "log.h"

int
act_firing(const struct act *a, int *firing, struct terr *err)
{
	return am_alerts_active(a->am, tga_ctx_matchers(a->ctx), a->ctx->alerts,
	    a->ctx->nalerts, firing, err);
}

int
act_silence(const struct act *a, int64_t duration_ms, char *id, size_t idlen,
    struct terr *err)
{
	struct buf	 comment;
	struct terr	 e2;
	const char	*name = kv_get(&a->ctx->common, "alertname");
	int		 rc = -1;

	buf_init(&comment, 0);
	if (buf_printf(&comment, "Silenced from %s through tocsin: %s "
	    "(receiver %s)", a->via, name ? name : a->rec->group_key,
	    a->rec->receiver) == -1) {
		terr_set(err, "out of memory");
		goto out;
	}
	if (am_silence_create(a->am, tga_ctx_matchers(a->ctx), a->now,
	    a->now + duration_ms, a->who, buf_str(&comment), id, idlen,
	    err) == -1)
		goto out;
	if (store_action_set_silence(a->store, a->rec->id, id, &e2) == -1)
		log_error("Cannot remember a silence in its action record",
		    "silence_id", id, "err", e2.msg);
	rc = 0;
out:
	buf_free(&comment);
	return rc;
}

int
act_ack(const struct act *a, struct terr *err)
{
	return store_ack_put(a->store, a->rec->receiver, a->rec->group_key,
	    a->who, a->now, err);
}
