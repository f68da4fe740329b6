/* receiver.h: a receiver and its integration configs, kept per kind of
 * channel (channel.h); each config's struct is its channel's
 * (sender_telegram.h, sender_slack.h, ...).
 *
 * These are plain data built by the config loader with Alertmanager's defaults
 * and global inheritance already applied, and immutable afterwards. Fields
 * marked SECRET hold credentials read from the config or from a *_file at load
 * time: they must never be logged, put into error messages or metrics. The
 * whole tree is owned by the struct config that loaded it. */
#ifndef TOCSIN_RECEIVER_H
#define TOCSIN_RECEIVER_H

#include <stddef.h>
#include <stdint.h>

#include "channel.h"

/* The configs of one kind: an array of n, each type->size bytes. */
struct receiver_kind {
	void	*v;
	size_t	 n;
};

/* tocsin's escalate extension: re-send a firing group every repeat_ms until
 * it is acknowledged, silenced or resolved, and after after_ms notify
 * receiver once. A zero duration is unset; receiver is set exactly when
 * after_ms is. */
struct receiver_escalate {
	int64_t		 repeat_ms;
	int64_t		 after_ms;
	char		*receiver;
};

struct receiver {
	char			*name;
	/* NULL unless the receiver has an escalate section. */
	struct receiver_escalate *escalate;
	/* channel_count() entries, by the kind's position in the table;
	 * NULL when the receiver has no integration at all. */
	struct receiver_kind	*kinds;
};

/* How many configs of channel c receiver r has, and the idx-th (borrowed
 * from r; NULL when idx is out of range). */
size_t	receiver_count(const struct receiver *r, const struct channel *c);
const void *receiver_config(const struct receiver *r, const struct channel *c,
	    size_t idx);
/* How many integrations r has that a sender delivers (every kind but
 * file_configs). */
size_t	receiver_sender_count(const struct receiver *r);
/* Appends a zeroed config of channel c to r and returns it, or NULL when out
 * of memory. For the config loader. */
void	*receiver_add(struct receiver *r, const struct channel *c);

/* Frees everything a receiver owns (not the struct itself). The config
 * loader uses it; nobody else needs to. */
void	receiver_clear(struct receiver *r);

#endif
