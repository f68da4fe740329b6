/* channel.h: what a kind of integration (telegram, slack, email, webhook,
 * file) is to the rest of tocsin: one descriptor per channel file, exported
 * by its header (sender_telegram.h: channel_telegram), and the one table of
 * kinds (channel.c) that the receivers loader, rendering, delivery and
 * send-test walk. */
#ifndef TOCSIN_CHANNEL_H
#define TOCSIN_CHANNEL_H

#include <stddef.h>

struct cf_type;
struct sender_ops;
struct tg_actions;

/* One rate limit on a channel's destinations, set with --<flag>; the
 * channel's ops->limits says which of its limits a message takes a token
 * from (sender.h). */
struct channel_limit {
	const char	*flag;		/* "ratelimit.telegram-chat"; NULL ends */
	const char	*def;		/* "1/s" */
	const char	*help;		/* for --help and the manual page */
};

struct channel {
	const char		*name;	/* "telegram", as in "telegram/0" */
	const char		*key;	/* "telegram_configs" in a receiver */
	/* Its config section: fields, defaults, validation, global
	 * inheritance (cfgfield.h); .size is one config's. */
	const struct cf_type	*type;
	/* Frees what one config owns (not the config itself). */
	void			(*clear)(void *cfg);
	/* NULL: no sender; the relay's file step handles file_configs. */
	const struct sender_ops	*ops;
	/* Its rate limits, in the order its ops->limits reads them; NULL
	 * for none. */
	const struct channel_limit *limits;
	/* tocsin's action links of one config (link_actions.h), or NULL
	 * when it has none; NULL for a channel that offers none. */
	const struct tg_actions	*(*links)(const void *cfg);
};

/* The kinds in the order a receiver's integrations are rendered; k = 0, 1,
 * ...; NULL past the last. */
const struct channel *channel_at(size_t k);
size_t	channel_count(void);
/* The position of c in the table. */
size_t	channel_index(const struct channel *c);
/* The channel a receivers key ("slack_configs") names, or NULL. */
const struct channel *channel_by_key(const char *key);
/* The channel an integration kind ("slack") names, or NULL. */
const struct channel *channel_by_name(const char *name);

#endif
