/* link_actions.h: tocsin's `actions` extension for channels without
 * buttons (email_configs, ntfy_configs, pushover_configs, and slack_configs
 * as link_actions): the silences and
 * the acknowledgement their firing notifications offer as signed links,
 * <--web.external-url>/action/<token> (actiontoken.h), and where the
 * silences go. The section has telegram_config's shape without
 * allowed_users: whoever holds a link may use it until it expires, so the
 * link itself is the credential. */
#ifndef TOCSIN_LINK_ACTIONS_H
#define TOCSIN_LINK_ACTIONS_H

#include "actiontoken.h"
#include "receiver.h"
#include "sender.h"
#include "telegram_actions.h"

/* The section's field table, over struct tg_actions (no users), under
 * each kind's name for its messages. */
extern const struct cf_type link_actions_email_type;
extern const struct cf_type link_actions_ntfy_type;
extern const struct cf_type link_actions_pushover_type;
/* slack_configs' `actions` is Alertmanager's: the section is link_actions. */
extern const struct cf_type link_actions_slack_type;

/* Where links point and what signs them: the relay's. */
struct action_links {
	const char		*base_url;	/* --web.external-url */
	const struct action_key	*key;
};

/* "/action/" + token: what base_url is followed by. */
#define ACTION_LINK_PATH	"/action/"

/*
 * Offers a's links on n (a notification the channel renders and owns):
 * when a is enabled, n fires and ctx->links is set, a new action record for
 * n into *rec (receiver, ctx->integration, group key, labels; expiring
 * with its links after ACTION_LINK_EXPIRY_MS) and one link per action added
 * to n, "Silence <duration as configured>" for each duration, then
 * "Acknowledge". Otherwise *rec is NULL and n unchanged. Caller frees *rec
 * with action_rec_clear and free (a part takes it: sender_part.action).
 */
int	link_actions_offer(const struct tg_actions *a,
	    const struct sender_render_ctx *ctx, struct notification *n,
	    struct action_rec **rec, struct terr *err) WARN_UNUSED;

/* The link actions of integration "kind/index" of r, or NULL when it has
 * none (no such integration, a kind without links, the section absent). */
const struct tg_actions *link_actions_lookup(const struct receiver *r,
	    const char *integration);

#endif
