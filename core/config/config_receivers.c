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
		return cfg_fail(ld, k, "receiver \"%s\": unknown field %s", name,
		    k->value);
	supported[0] = '\0';
	for (i = 0; (c = channel_at(i)) != NULL && o < sizeof(supported); i++)
		o += (size_t)snprintf(supported + o, sizeof(supported) - o, "%s%s",
		    i > 0 ? ", " : "", c->key);
	return cfg_fail(ld, k, "receiver \"%s\": %s are not supported by tocsin "
	    "(supported: %s)", name, k->value, supported);
}

int
cfg_receiver(struct cfg_load *ld, const struct ynode *n, struct receiver *r)
{
	const struct channel *c;
	const struct ynode *k, *v;
	size_t		 i, j;
	void		*cfg;

	if (cfg_map(ld, n, "receiver") == -1)
		return -1;
	if ((v = ynode_map_get(n, "name")) != NULL &&
	    cfg_str(ld, "name", v, &r->name) == -1)
		return -1;
	if (cfg_empty(r->name))
		return cfg_fail(ld, n, "missing name in receiver");
	for (i = 0; i < n->n; i += 2) {
		k = n->child[i];
		v = n->child[i + 1];
		if (strcmp(k->value, "name") == 0)
			continue;
		if ((c = channel_by_key(k->value)) == NULL)
			return receiver_unknown(ld, k, r->name);
		if (cfg_seq(ld, v, k->value) == -1)
			return -1;
		for (j = 0; !ynode_is_null(v) && j < v->n; j++) {
			if (ynode_is_null(v->child[j]))
				return cfg_fail(ld, v->child[j], "receiver \"%s\": empty "
				    "entry in %s", r->name, k->value);
			if ((cfg = receiver_add(r, c)) == NULL)
				return cfg_fail(ld, v->child[j], "out of memory");
			if (cf_parse(ld, v->child[j], c->type, cfg) == -1)
				return -1;
		}
	}
	return 0;
}
