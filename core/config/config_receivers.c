/* config_receivers.c: one entry of the receivers section: its name and, for
 * each kind of integration, the list of configs, each parsed by the table
 * its channel declares (core/channels). */
#include <stdlib.h>
#include <string.h>

#include "cfgfield.h"
#include "config_int.h"

static const struct integration {
	const char		*key;
	const struct cf_type	*type;
	size_t			 off;	/* the array in struct receiver */
	size_t			 count;	/* its size_t count */
} integrations[] = {
	{ "telegram_configs", &telegram_config_type, offsetof(struct receiver, telegram),
	    offsetof(struct receiver, ntelegram) },
	{ "slack_configs", &slack_config_type, offsetof(struct receiver, slack),
	    offsetof(struct receiver, nslack) },
	{ "email_configs", &email_config_type, offsetof(struct receiver, email),
	    offsetof(struct receiver, nemail) },
	{ "webhook_configs", &webhook_config_type, offsetof(struct receiver, webhook),
	    offsetof(struct receiver, nwebhook) },
	{ "file_configs", &file_config_type, offsetof(struct receiver, file),
	    offsetof(struct receiver, nfile) },
	{ NULL, NULL, 0, 0 }
};

static const char *const unsupported[] = {
	"discord_configs", "pagerduty_configs", "opsgenie_configs",
	"wechat_configs", "pushover_configs", "victorops_configs", "sns_configs",
	"webex_configs", "msteams_configs", "msteamsv2_configs", "jira_configs",
	"rocketchat_configs", "incidentio_configs", "mattermost_configs", NULL
};

#define SUPPORTED "telegram_configs, slack_configs, email_configs, " \
	"webhook_configs, file_configs"

static int
receiver_unknown(struct cfg_load *ld, const struct ynode *k, const char *name)
{
	size_t	 i;

	for (i = 0; unsupported[i] != NULL; i++)
		if (strcmp(k->value, unsupported[i]) == 0)
			return cfg_fail(ld, k, "receiver \"%s\": %s are not supported "
			    "by tocsin (supported: " SUPPORTED ")", name, k->value);
	return cfg_fail(ld, k, "receiver \"%s\": unknown field %s", name, k->value);
}

int
cfg_receiver(struct cfg_load *ld, const struct ynode *n, struct receiver *r)
{
	const struct integration *in;
	const struct ynode *k, *v;
	size_t		 i, j;
	void		*c;

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
		for (in = integrations; in->key != NULL; in++)
			if (strcmp(k->value, in->key) == 0)
				break;
		if (in->key == NULL)
			return receiver_unknown(ld, k, r->name);
		if (cfg_seq(ld, v, k->value) == -1)
			return -1;
		for (j = 0; !ynode_is_null(v) && j < v->n; j++) {
			if (ynode_is_null(v->child[j]))
				return cfg_fail(ld, v->child[j], "receiver \"%s\": empty "
				    "entry in %s", r->name, k->value);
			if ((c = cf_append((void **)((char *)r + in->off),
			    (size_t *)((char *)r + in->count), in->type->size)) == NULL)
				return cfg_fail(ld, v->child[j], "out of memory");
			if (cf_parse(ld, v->child[j], in->type, c) == -1)
				return -1;
		}
	}
	return 0;
}
