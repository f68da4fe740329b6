/* telegram_actions.h: tocsin's `actions` extension of telegram_configs: the
 * buttons a firing notification carries ("Silence 1h", "Ack"), the callback
 * data they send back (a record id and an action, never labels), who may
 * press them, where the silences go, and the lines an edited message gets. */
#ifndef TOCSIN_TELEGRAM_ACTIONS_H
#define TOCSIN_TELEGRAM_ACTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "alert.h"
#include "buf.h"
#include "cfgfield.h"
#include "httpconfig.h"

/* A button is refused this long after its message was sent. */
#define TGA_EXPIRY_MS		(INT64_C(7) * 24 * 3600 * 1000)
/* Telegram's limit on callback_data. */
#define TGA_CALLBACK_MAX	64

struct tg_actions {
	bool	 enabled;		/* the section is present */
	int64_t	*silence;		/* durations, ms, in config order */
	char	**silence_text;		/* as written ("24h"), for buttons */
	size_t	 nsilence;
	bool	 ack;
	int64_t	*users;			/* Telegram user ids allowed to press */
	size_t	 nusers;
	char	*alertmanager_url;	/* NULL: the notification's externalURL */
	struct http_config http;	/* for Alertmanager's API */
};

/* The section's field table (a telegram_config row points at it). */
extern const struct cf_type tga_type;
/* The `silence` list of durations into a (struct tg_actions), also for
 * the action links' section (link_actions.h). */
int	tga_silence_list(struct cfg_load *ld, const struct ynode *k,
	    const struct ynode *v, void *obj);
/* Frees what a holds. */
void	tga_clear(struct tg_actions *a);

enum tga_kind {
	TGA_SILENCE,
	TGA_ACK,
	TGA_UNSILENCE,
};

/* One press as its callback data says it: "<record id>:s:<duration as
 * configured>", "<record id>:a" or "<record id>:u". */
struct tga_press {
	char		 id[17];
	enum tga_kind	 kind;
	int64_t		 duration_ms;	/* TGA_SILENCE */
	char		 duration[24];	/* TGA_SILENCE: as in the data */
};

/* Writes the callback data of a press into out (TGA_CALLBACK_MAX + 1). */
void	tga_callback(const struct tga_press *p, char *out, size_t len);
/* Parses callback data; -1 when it is not one of ours (forged, foreign). */
int	tga_callback_parse(const char *data, struct tga_press *p);

/* The reply_markup of a firing notification: {"inline_keyboard":[[...]]},
 * one button per silence duration ("Silence 1h"), then "Ack". */
int	tga_keyboard(struct buf *b, const struct tg_actions *a, const char *id)
	    WARN_UNUSED;
/* The reply_markup after a silence: one "Unsilence" button. */
int	tga_unsilence_keyboard(struct buf *b, const char *id) WARN_UNUSED;
/* What a record needs of the notification, as the JSON object
 * {"external_url":"..","group":{..},"common":{..},"alerts":[{..},..]}. */
int	tga_context(struct buf *b, const struct notification *n) WARN_UNUSED;

/* tga_context read back. */
struct tga_ctx {
	char		*external_url;
	struct kv	 group;
	struct kv	 common;
	struct kv	*alerts;
	size_t		 nalerts;
};

/* Parses what tga_context wrote; -1 when json is not that or memory runs
 * out. Caller frees with tga_ctx_clear (also after a failure). */
int	tga_ctx_parse(const char *json, struct tga_ctx *c) WARN_UNUSED;
void	tga_ctx_clear(struct tga_ctx *c);
/* What a silence matches: the group labels, or the common labels when the
 * group has none (a route grouping by nothing). */
const struct kv *tga_ctx_matchers(const struct tga_ctx *c);

/* Whether user may press, and whether d is one of the offered durations
 * (callback data can be forged by a modified client). */
bool	tga_allowed(const struct tg_actions *a, int64_t user);
bool	tga_offers(const struct tg_actions *a, int64_t duration_ms);
/* The configured text of a duration ("24h"), or NULL when not offered. */
const char *tga_duration_text(const struct tg_actions *a, int64_t duration_ms);

/* The line added to an edited message, UTC times to the minute:
 * "🔕 Silenced by @ann (42) until 2026-12-07 09:41 UTC" or
 * "✅ Acknowledged by @ann (42) at 2026-12-07 08:41 UTC". */
int	tga_silenced_line(struct buf *b, const char *who, int64_t until_ms)
	    WARN_UNUSED;
int	tga_acked_line(struct buf *b, const char *who, int64_t at_ms) WARN_UNUSED;
/* "2026-12-07 09:41 UTC" into out (>= 24 bytes). */
void	tga_time(int64_t ms, char *out, size_t len);

#endif
