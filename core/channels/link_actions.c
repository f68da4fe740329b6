/* link_actions.c: the `actions` section of channels that act through
 * links, and the links and record a firing notification gets. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "channel.h"
#include "clock.h"
#include "link_actions.h"
#include "tmpl.h"

static int
link_finish(struct cfg_load *ld, const struct cf_walk *w)
{
	struct tg_actions *a = w->obj;

	a->enabled = true;
	if (a->nsilence == 0 && !a->ack)
		return cfg_fail(ld, w->n, "%s offer no link: set silence "
		    "durations or ack: true", w->type->what);
	return 0;
}

static const struct cf_field link_fields[] = {
	{ "silence", CF_CUSTOM, .parse = tga_silence_list },
	{ "ack", CF_BOOL, CF_AT(tg_actions, ack) },
	{ "alertmanager_url", CF_URL, CF_AT(tg_actions, alertmanager_url) },
	{ "http_config", CF_HTTP, CF_AT(tg_actions, http) },
	{ .name = NULL }
};
const struct cf_type link_actions_email_type = { "email_config actions",
    link_fields, sizeof(struct tg_actions), link_finish };
const struct cf_type link_actions_ntfy_type = { "ntfy_config actions",
    link_fields, sizeof(struct tg_actions), link_finish };
const struct cf_type link_actions_slack_type = { "slack_config link_actions",
    link_fields, sizeof(struct tg_actions), link_finish };
const struct cf_type link_actions_pushover_type = { "pushover_config actions",
    link_fields, sizeof(struct tg_actions), link_finish };

/* The record of n's links, created now. */
static int
record(const struct sender_render_ctx *ctx, const struct notification *n,
    int64_t now, struct action_rec *r, struct terr *err)
{
	struct buf	 labels;

	memset(r, 0, sizeof(*r));
	buf_init(&labels, 0);
	if (action_id_new(r->id, err) == -1)
		return -1;
	r->created = now;
	r->expires = now + ACTION_LINK_EXPIRY_MS;
	if (tga_context(&labels, n) == -1 ||
	    (r->labels = buf_steal(&labels)) == NULL ||
	    (r->receiver = strdup(n->receiver)) == NULL ||
	    (r->integration = strdup(ctx->integration ? ctx->integration :
	    "")) == NULL || (r->group_key = strdup(n->group_key)) == NULL ||
	    (r->chat = strdup("")) == NULL ||
	    (r->silence_id = strdup("")) == NULL) {
		buf_free(&labels);
		action_rec_clear(r);
		return terr_set(err, "out of memory");
	}
	return 0;
}

/* Adds the link of t on r to n under name. */
static int
link(const struct action_links *l, struct action_token *t,
    const struct action_rec *r, const char *name, struct notification *n,
    struct terr *err)
{
	char		 tok[ACTION_TOKEN_MAX];
	struct buf	 url;
	size_t		 blen = strlen(l->base_url);
	int		 rc;

	memcpy(t->id, r->id, sizeof(t->id));
	t->expires = r->expires;
	if (action_token_sign(l->key, t, tok, sizeof(tok), err) == -1)
		return -1;
	while (blen > 0 && l->base_url[blen - 1] == '/')
		blen--;
	buf_init(&url, 0);
	rc = buf_add(&url, l->base_url, blen) == -1 ||
	    buf_printf(&url, ACTION_LINK_PATH "%s", tok) == -1 ||
	    notification_add_link(n, name, buf_str(&url)) == -1 ?
	    terr_set(err, "out of memory") : 0;
	buf_free(&url);
	return rc;
}

int
link_actions_offer(const struct tg_actions *a,
    const struct sender_render_ctx *ctx, struct notification *n,
    struct action_rec **rec, struct terr *err)
{
	struct action_token	 t;
	struct action_rec	*r;
	char			 name[48];
	int64_t			 now;

	*rec = NULL;
	if (a == NULL || !a->enabled || ctx->links == NULL ||
	    n->status != ALERT_FIRING)
		return 0;
	now = ctx->opts != NULL && ctx->opts->now_sec != 0 ?
	    ctx->opts->now_sec * 1000 : wall_ms();
	if ((r = malloc(sizeof(*r))) == NULL)
		return terr_set(err, "out of memory");
	if (record(ctx, n, now, r, err) == -1) {
		free(r);
		return -1;
	}
	memset(&t, 0, sizeof(t));
	for (size_t i = 0; i < a->nsilence; i++) {
		t.kind = ACTION_SILENCE;
		t.duration_ms = a->silence[i];
		snprintf(name, sizeof(name), "Silence %s", a->silence_text[i]);
		if (link(ctx->links, &t, r, name, n, err) == -1)
			goto fail;
	}
	if (a->ack) {
		t.kind = ACTION_ACK;
		t.duration_ms = 0;
		if (link(ctx->links, &t, r, "Acknowledge", n, err) == -1)
			goto fail;
	}
	*rec = r;
	return 0;
fail:
	action_rec_free(r);
	return -1;
}

const struct tg_actions *
link_actions_lookup(const struct receiver *r, const char *integration)
{
	const struct sender_ops	*ops;
	const struct channel	*c;
	const void		*cfg;
	const struct tg_actions	*a;

	if (r == NULL || sender_lookup(r, integration, &ops, &cfg) == -1 ||
	    (c = channel_by_name(ops->name)) == NULL || c->links == NULL ||
	    (a = c->links(cfg)) == NULL)
		return NULL;
	return a->enabled ? a : NULL;
}
