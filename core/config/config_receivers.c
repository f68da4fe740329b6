/* config_receivers.c: one entry of the receivers section: its name and, for
 * each kind of integration, the list of configs, each parsed by the table
 * its channel declares (core/channels). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cfgfield.h"
#include "config_int.h"

/* Every integration key Alertmanager knows; those that no channel in the
 * table of kinds takes are "not supported" rather than unknown. A fact about
 * Alertmanager, so a new channel leaves it alone. */
static const char *const alertmanager_keys[] = {
	"discord_configs", "email_configs", "pagerduty_configs",
	"opsgenie_configs", "slack_configs", "telegram_configs", "webhook_configs",
	"wechat_configs", "pushover_configs", "victorops_configs", "sns_configs",
	"webex_configs", "msteams_configs", "msteamsv2_configs", "jira_configs",
	"rocketchat_configs", "incidentio_configs", "mattermost_configs", NULL
};

/* "(supported: telegram_configs, slack_configs, ...)", from the table of
 * kinds. */
static int
receiver_unknown(struct cfg_load *ld, const struct ynode *k, const char *name)
{
	const struct channel *c;
	char		 supported[256];
	size_t		 i, o = 0;

	for (i = 0; alertmanager_keys[i] != NULL; i++)
		if (strcmp(k->value, alertmanager_keys[i]) == 0)
			break;
	if (alertmanager_keys[i] == NULL)
		return cfg_type_fail(ld, k, "receiver \"%s\": unknown field %s", name,
		    k->value);
	supported[0] = '\0';
	for (i = 0; (c = channel_at(i)) != NULL && o < sizeof(supported); i++)
		o += (size_t)snprintf(supported + o, sizeof(supported) - o, "%s%s",
		    i > 0 ? ", " : "", c->key);
	/* A key Alertmanager knows: collected like an unknown one, since
	 * tocsin's schema lacks it. */
	return cfg_type_fail(ld, k, "receiver \"%s\": %s are not supported by "
	    "tocsin (supported: %s)", name, k->value, supported);
}

/* The escalate section (receiver.h); the reference to another receiver is
 * checked once every receiver is known (config.c). */
static int
escalate_finish(struct cfg_load *ld, const struct cf_walk *w)
{
	const struct receiver_escalate *e = w->obj;

	if (e->repeat_ms == 0 && e->after_ms == 0)
		return cfg_fail(ld, w->n, "escalate needs repeat or after");
	if (e->after_ms != 0 && cfg_empty(e->receiver))
		return cfg_fail(ld, w->n, "escalate: after needs a receiver");
	if (e->after_ms == 0 && !cfg_empty(e->receiver))
		return cfg_fail(ld, cf_value(w, "receiver"),
		    "escalate: receiver needs after");
	return 0;
}

static const struct cf_field escalate_fields[] = {
	{ "repeat", CF_DURATION, CF_AT(receiver_escalate, repeat_ms),
	    .nonzero = true },
	{ "after", CF_DURATION, CF_AT(receiver_escalate, after_ms),
	    .nonzero = true },
	{ "receiver", CF_STR, CF_AT(receiver_escalate, receiver) },
	{ .name = NULL }
};

static const struct cf_type escalate_type = { "escalate", escalate_fields,
	sizeof(struct receiver_escalate), escalate_finish };

static int
receiver_escalate(struct cfg_load *ld, const struct ynode *v, struct receiver *r)
{
	if (r->escalate == NULL &&
	    (r->escalate = calloc(1, sizeof(*r->escalate))) == NULL)
		return cfg_fail(ld, v, "out of memory");
	return cf_parse(ld, v, &escalate_type, r->escalate);
}

int
cfg_receiver(struct cfg_load *ld, const struct ynode *n, struct receiver *r)
{
	const struct channel *c;
	const struct ynode *k, *v;
	size_t		 i, j, mark = cfg_mark(ld);
	void		*cfg;

	if (cfg_map(ld, n, "receiver") == -1)
		return -1;
	if ((v = ynode_map_get(n, "name")) != NULL &&
	    cfg_str(ld, "name", v, &r->name) == -1 && cfg_stop(ld))
		return -1;
	for (i = 0; !ynode_is_null(n) && i < n->n && !cfg_stop(ld); i += 2) {
		k = n->child[i];
		v = n->child[i + 1];
		if (strcmp(k->value, "name") == 0 || cfg_repeated(k))
			continue;
		if (strcmp(k->value, "escalate") == 0) {
			receiver_escalate(ld, v, r);
			continue;
		}
		if ((c = channel_by_key(k->value)) == NULL) {
			receiver_unknown(ld, k, r->name != NULL ? r->name : "");
			continue;
		}
		if (cfg_seq(ld, v, k->value) == -1)
			continue;
		for (j = 0; !ynode_is_null(v) && j < v->n && !cfg_stop(ld); j++) {
			if (ynode_is_null(v->child[j]))
				return cfg_fail(ld, v->child[j], "receiver \"%s\": empty "
				    "entry in %s", r->name != NULL ? r->name : "", k->value);
			if ((cfg = receiver_add(r, c)) == NULL)
				return cfg_fail(ld, v->child[j], "out of memory");
			cf_parse(ld, v->child[j], c->type, cfg);
		}
	}
	if (cfg_walked(ld, mark) == -1)
		return -1;
	/* Go's Receiver.UnmarshalYAML checks the name after decoding. */
	if (cfg_empty(r->name))
		return cfg_fail(ld, n, "missing name in receiver");
	return 0;
}
