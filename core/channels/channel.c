/* channel.c: the one table of kinds (channel.h). A new channel is its
 * descriptor plus one line here; the position is its render order. */
#include <stdbool.h>
#include <string.h>

#include "channel.h"

extern const struct channel channel_telegram, channel_slack, channel_email,
    channel_webhook, channel_gotify, channel_pagerduty,
    channel_ntfy, channel_discord, channel_pushover, channel_file;

static const struct channel *const kinds[] = {
	&channel_telegram,
	&channel_slack,
	&channel_email,
	&channel_webhook,
	&channel_gotify,
	&channel_pagerduty,
	&channel_ntfy,
	&channel_discord,
	&channel_pushover,
	&channel_file,
};

#define NKINDS	(sizeof(kinds) / sizeof(kinds[0]))

const struct channel *
channel_at(size_t k)
{
	return k < NKINDS ? kinds[k] : NULL;
}

size_t
channel_count(void)
{
	return NKINDS;
}

size_t
channel_index(const struct channel *c)
{
	size_t	 k;

	for (k = 0; k < NKINDS && kinds[k] != c; k++)
		;
	return k;
}

static const struct channel *
find(const char *s, bool by_key)
{
	size_t	 k;

	for (k = 0; k < NKINDS; k++)
		if (strcmp(by_key ? kinds[k]->key : kinds[k]->name, s) == 0)
			return kinds[k];
	return NULL;
}

const struct channel *
channel_by_key(const char *key)
{
	return find(key, true);
}

const struct channel *
channel_by_name(const char *name)
{
	return find(name, false);
}
