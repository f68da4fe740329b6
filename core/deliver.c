/* deliver.c: render a notification for each integration and store it (see
 * deliver.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dedup.h"
#include "deliver.h"
#include "log.h"

struct pending {
	char	integration[32];
	char	key[DEDUP_KEY_LEN + 16];
};

/* Renders one integration and appends its parts and their names. */
static int
render_one(const struct receiver *r, const char *kind, size_t idx,
    const void *cfg, const struct notification *n,
    const struct sender_render_ctx *ctx, struct sender_parts *parts,
    struct pending **pend, size_t *failed, struct terr *err)
{
	const struct sender_ops	*ops = sender_ops_by_name(kind);
	char			 integ[32], key[DEDUP_KEY_LEN + 1];
	size_t			 before = parts->n;
	struct pending		*np;

	snprintf(integ, sizeof(integ), "%s/%zu", kind, idx);
	if (ops->render(cfg, n, ctx, parts, err) == -1) {
		/* Drop what it may have added before failing. */
		while (parts->n > before) {
			parts->n--;
			free(parts->v[parts->n].dest);
			free(parts->v[parts->n].payload);
		}
		log_error("Notification not rendered", "receiver", r->name,
		    "integration", integ, "err", err->msg);
		(*failed)++;
		return 0;
	}
	if (parts->n == before)
		return 0;
	if (dedup_key(r->name, integ, n, key, err) == -1)
		return -1;
	if ((np = reallocarray(*pend, parts->n, sizeof(*np))) == NULL)
		return terr_set(err, "out of memory");
	*pend = np;
	for (size_t i = before; i < parts->n; i++) {
		snprintf(np[i].integration, sizeof(np[i].integration), "%s", integ);
		if (i == before)
			snprintf(np[i].key, sizeof(np[i].key), "%s", key);
		else
			snprintf(np[i].key, sizeof(np[i].key), "%s/%zu", key,
			    i - before + 1);
	}
	return 0;
}

int
deliver_enqueue(struct store *s, const struct receiver *r,
    const struct notification *n, const struct sender_render_ctx *ctx,
    int64_t dedup_window_ms, struct deliver_result *res, struct terr *err)
{
	struct sender_parts	 parts = { 0 };
	struct pending		*pend = NULL;
	struct store_msg	*msgs = NULL;
	struct store_ack	*acks = NULL;
	size_t			 failed = 0;
	int			 rc = -1;

	if (res != NULL)
		res->accepted = res->duplicates = res->render_failed = 0;
	for (size_t i = 0; i < r->ntelegram; i++)
		if (render_one(r, "telegram", i, &r->telegram[i], n, ctx, &parts,
		    &pend, &failed, err) == -1)
			goto out;
	for (size_t i = 0; i < r->nslack; i++)
		if (render_one(r, "slack", i, &r->slack[i], n, ctx, &parts,
		    &pend, &failed, err) == -1)
			goto out;
	for (size_t i = 0; i < r->nemail; i++)
		if (render_one(r, "email", i, &r->email[i], n, ctx, &parts,
		    &pend, &failed, err) == -1)
			goto out;
	for (size_t i = 0; i < r->nwebhook; i++)
		if (render_one(r, "webhook", i, &r->webhook[i], n, ctx, &parts,
		    &pend, &failed, err) == -1)
			goto out;
	if (res != NULL)
		res->render_failed = failed;
	if (parts.n == 0) {
		rc = 0;
		goto out;
	}
	if ((msgs = calloc(parts.n, sizeof(*msgs))) == NULL ||
	    (acks = calloc(parts.n, sizeof(*acks))) == NULL) {
		terr_set(err, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < parts.n; i++) {
		msgs[i].receiver = r->name;
		msgs[i].integration = pend[i].integration;
		msgs[i].dest = parts.v[i].dest;
		msgs[i].dedup_key = pend[i].key;
		msgs[i].payload = parts.v[i].payload;
		msgs[i].payload_len = parts.v[i].len;
	}
	if (store_enqueue(s, msgs, parts.n, dedup_window_ms, acks, err) == -1)
		goto out;
	if (res != NULL)
		for (size_t i = 0; i < parts.n; i++) {
			if (acks[i].verdict == STORE_ACCEPTED)
				res->accepted++;
			else
				res->duplicates++;
		}
	rc = 0;
out:
	free(msgs);
	free(acks);
	free(pend);
	sender_parts_free(&parts);
	return rc;
}
