/* sender.h: what every delivery channel (Telegram, Slack, e-mail, webhook)
 * reports about one attempt, so that the dispatcher alone decides between
 * retry and give-up and no channel carries its own retry logic; and the one
 * interface every channel implements: render at intake, send one attempt at
 * delivery. */
#ifndef TOCSIN_SENDER_H
#define TOCSIN_SENDER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "alert.h"
#include "buf.h"
#include "err.h"
#include "ratelimit.h"
#include "receiver.h"

enum send_status {
	SEND_OK,
	SEND_TEMPFAIL,	/* network, 5xx, 429, SMTP 4xx: try again later */
	SEND_PERMFAIL,	/* 401/403, chat not found, SMTP 5xx: dead letter */
};

struct send_result {
	enum send_status status;
	/* TEMPFAIL: the wait the service asked for (Telegram retry_after,
	 * HTTP Retry-After), honoured exactly and not counted as a failure;
	 * -1 when it said nothing and the dispatcher backs off. */
	int64_t		 retry_after_ms;
	/* One line for logs and the dead-letter report; never a secret. */
	char		 reason[256];
};

/* Fills r and returns nothing; reason is printf-formatted. */
void	send_result_set(struct send_result *r, enum send_status st,
	    int64_t retry_after_ms, const char *fmt, ...) PRINTF_LIKE(4, 5);

struct action_rec;

/* One rendered message to store: its destination key (never a secret: it is
 * stored and logged) and the payload the sender's send understands. */
struct sender_part {
	char	*dest;
	char	*payload;
	size_t	 len;
	/* The record its action links point to (link_actions.h), stored
	 * with the message; owned, NULL: none. */
	struct action_rec *action;
};

struct sender_parts {
	struct sender_part	*v;
	size_t			 n;
};

/* Appends a part, taking ownership of payload (freed on failure too). */
int	sender_parts_add(struct sender_parts *p, const char *dest,
	    char *payload, size_t len, struct terr *err) WARN_UNUSED;
/* sender_parts_add of a part with the record of its action links,
 * taking ownership of rec too (NULL: none; freed on failure too). */
int	sender_parts_add_rec(struct sender_parts *p, const char *dest,
	    char *payload, size_t len, struct action_rec *rec, struct terr *err)
	    WARN_UNUSED;
/* Frees the parts past keep (all of them with keep 0). */
void	sender_parts_truncate(struct sender_parts *p, size_t keep);
/* Frees every part and empties p. */
void	sender_parts_free(struct sender_parts *p);

/* Every channel's rate limits (channel.h): the kinds' in the order of the
 * table of kinds, each channel's in its own order. A rate of 0 turns a limit
 * off. SENDER_LIMITS_MAX bounds them all together (test_policy checks). */
#define SENDER_LIMITS_MAX	16
struct sender_limits {
	struct rl_rate	rate[SENDER_LIMITS_MAX];
};
/* The channels' defaults (Telegram 1/s per chat, 20/min per group chat,
 * 30/s per bot, Slack and webhook 1/s per URL). */
void	sender_limits_default(struct sender_limits *l);
/* Limit i of them all, i = 0, 1, ...; NULL past the last. */
const struct channel_limit *sender_limit_at(size_t i);
/* Channel c's rates within l, in the order of c->limits. */
const struct rl_rate *sender_limits_of(const struct sender_limits *l,
	    const struct channel *c);
/* The limits function of a channel with one rate per destination (a Slack
 * webhook, a webhook URL): one bucket, keyed by dest itself, at rate; 0 when
 * max is 0. */
size_t	sender_limit_per_dest(const char *dest, const struct rl_rate *rate,
	    struct rl_want *w, size_t max);

/*
 * A small persistent string map for what a sender learns while delivering
 * and must remember across restarts (Telegram's migrate_to_chat_id). Stored
 * as "key<TAB>value" lines in <dir>/sender-memo.tsv, rewritten atomically
 * (temporary file, fsync, rename) on every change. Thread-safe.
 */
struct sender_memo;

/* Loads the map from dir (NULL: memory only). Caller frees with
 * sender_memo_free. */
struct sender_memo *sender_memo_open(const char *dir, struct terr *err);
void	sender_memo_free(struct sender_memo *m);
/* Copies the value of key into out; 1 when found, 0 when not. */
int	sender_memo_get(struct sender_memo *m, const char *key, char *out,
	    size_t len);
/* Sets key (no TAB or newline in key or value) and persists the map. */
int	sender_memo_put(struct sender_memo *m, const char *key,
	    const char *value, struct terr *err) WARN_UNUSED;

struct tmpl_set;
struct tmpl_opts;
struct http_share;
struct action_links;

/* Intake side of a render. */
struct sender_render_ctx {
	const struct tmpl_set	*tmpl;	/* default + configured templates */
	const struct tmpl_opts	*opts;	/* NULL: real clock */
	/* Where action links point and what signs them (link_actions.h);
	 * NULL: notifications carry no links. */
	const struct action_links *links;
	/* The integration being rendered ("email/0"), set by the caller
	 * that names integrations (deliver.c); NULL: unknown. */
	const char		*integration;
	/* tocsin's escalate extension (receiver.h): thread, the receiver
	 * repeats its firing groups, so a channel that can answer a message
	 * keeps the group's first one (Telegram); reply, this is such a
	 * repeat, sent as an answer to that message where the channel can
	 * (others send it again as it is). */
	bool			 thread;
	bool			 reply;
};

/* Receipts: the handle a service gives for a message that keeps ringing
 * until someone acknowledges it (Pushover's emergency priority). A channel
 * reports them here; the delivery side keeps them (store.h) and follows
 * each with the channel's follow op, off the delivery path. */
struct sender_receipts {
	/* receipt, open until expires (unix ms), for group_key. */
	int	(*opened)(void *arg, const char *receiver, const char *integration,
		    const char *group_key, const char *receipt, int64_t expires,
		    struct terr *err);
	/* group_key's resolved message went out: its open receipts are to
	 * be cancelled. */
	int	(*resolved)(void *arg, const char *receiver, const char *group_key,
		    struct terr *err);
	void	*arg;
};

/* What one follow step learned about a receipt. */
enum receipt_state {
	RECEIPT_OPEN,		/* still ringing: poll again later */
	RECEIPT_ACKED,		/* acknowledged: by, at */
	RECEIPT_CLOSED,		/* expired, cancelled or unknown: forget it */
	RECEIPT_RETRY,		/* no usable answer: try again later */
};

struct receipt_status {
	enum receipt_state state;
	char		 by[96];	/* ACKED: who, never a secret */
	int64_t		 at;		/* ACKED: unix ms */
	char		 reason[256];	/* one line for the log; never a secret */
};

/* Where a sender keeps the records behind the buttons of what it sends
 * (actionrec.h) and the messages later ones edit, durably; the delivery
 * side implements it over the store. */
struct sender_records {
	int	(*put)(void *arg, const struct action_rec *r, struct terr *err);
	int	(*set_message)(void *arg, const char *id, int64_t message_id,
		    struct terr *err);
	/* The message a group's notification went out as (later ones edit
	 * it): store_group_message_put / _get of store.h. chat is where the
	 * channel finds it again: Telegram's chat id with the message id,
	 * Slack's "<channel id> <ts>" with message id 0 ("" once the group
	 * resolved). */
	int	(*group_put)(void *arg, const char *receiver,
		    const char *integration, const char *group_key,
		    const char *chat, int64_t message_id, struct terr *err);
	int	(*group_get)(void *arg, const char *receiver,
		    const char *integration, const char *group_key, char *chat,
		    size_t chatlen, int64_t *message_id, int *found,
		    struct terr *err);
	void	*arg;
};

/* Delivery side of a send. */
struct sender_send_ctx {
	const char		*receiver;
	const char		*integration;	/* "telegram/0" */
	struct sender_memo	*memo;		/* may be NULL */
	long			 timeout_ms;	/* 0: the HTTP client's default */
	/* timeout_ms is the integration's own `timeout` (sender_ctx_timeout),
	 * so a request it ends says so in Alertmanager's words. */
	bool			 timeout_own;
	struct http_share	*http;		/* kept-alive connections; may be NULL */
	/* NULL: messages go without buttons (nowhere to keep their records) */
	const struct sender_records *records;
	/* NULL: receipts are not followed */
	const struct sender_receipts *receipts;
};

struct sender_ops {
	const char *name;	/* integration kind: "telegram", "slack", "email", "webhook" */
	/* Renders notification n for one integration config into zero or
	 * more parts (zero: nothing to send, e.g. only resolved alerts and
	 * send_resolved false). */
	int	(*render)(const void *cfg, const struct notification *n,
		    const struct sender_render_ctx *ctx, struct sender_parts *out,
		    struct terr *err);
	/* One attempt for one stored payload; blocking, so it runs on a
	 * dispatcher worker thread (a blocking sender such as SMTP fits the
	 * same way). Fills res; never fails otherwise. */
	void	(*send)(const void *cfg, const struct sender_send_ctx *ctx,
		    const char *dest, const void *payload, size_t len,
		    struct send_result *res);
	/* The rate-limit buckets a message to dest must take a token from;
	 * returns how many of w[0..max-1] it filled. */
	size_t	(*limits)(const char *dest, const struct sender_limits *lim,
		    struct rl_want *w, size_t max);
	/* What a stored payload is about, as its recipient would see it
	 * first (Telegram's first line, Slack's title, the e-mail's
	 * Subject, a webhook's alert names), as one line of text into out
	 * (sender_first_line); "" when the payload says nothing usable. For
	 * the dead-letter report, which has only the stored message. */
	void	(*describe)(const void *payload, size_t len, char *out,
		    size_t outlen);
	/* One step on a receipt the channel reported (sender_receipts):
	 * polls it, or cancels it when cancel is set. Blocking; fills out.
	 * NULL for a channel without receipts. */
	void	(*follow)(const void *cfg, const struct sender_send_ctx *ctx,
		    const char *receipt, bool cancel, struct receipt_status *out);
};

extern const struct sender_ops sender_telegram_ops;
extern const struct sender_ops sender_slack_ops;
extern const struct sender_ops sender_webhook_ops;
extern const struct sender_ops sender_email_ops;

/* The kinds of integration senders deliver, k = 0, 1, ... in the order a
 * receiver's integrations are rendered (telegram, slack, email, webhook): the
 * table of kinds (channel.c) without the kinds that have no sender; NULL
 * past the last. */
const struct sender_ops *sender_kind_at(size_t k);
/* How many integrations of kind k receiver r has, and the typed config of
 * the idx-th (borrowed from r; NULL when idx is out of range). */
size_t	sender_kind_count(const struct receiver *r, size_t k);
const void *sender_kind_config(const struct receiver *r, size_t k, size_t idx);

/* The ops of an integration kind ("telegram"), or NULL. */
const struct sender_ops *sender_ops_by_name(const char *kind);

/* Finds integration "kind/index" (e.g. "slack/1") of r: its ops and typed
 * config (borrowed from r). -1 when r has no such integration or no sender
 * implements that kind. */
int	sender_lookup(const struct receiver *r, const char *integration,
	    const struct sender_ops **ops, const void **cfg);

struct buf;

/* Renders template t (NULL as "") for n into out, which it empties first.
 * A template that fails gives the plain fallback text (counted by the
 * template set), so the alert still reaches the channel; -1 only when memory
 * runs out. what names the field in the fallback's log line. */
int	sender_render_text(const struct sender_render_ctx *ctx,
	    const struct notification *n, const char *what, const char *t,
	    struct buf *out, struct terr *err) WARN_UNUSED;

/* Writes one notification's payload into b (empty on entry). */
typedef int (*sender_body_fn)(const void *cfg, const struct notification *n,
    const struct sender_render_ctx *ctx, struct buf *b, struct terr *err);
/* The render of a channel that stores one payload per notification: the
 * alerts sender_filter_resolved leaves of n (none: no part), body() writes
 * the payload for them, and it goes to out as one part for dest. */
int	sender_render_one(const void *cfg, bool send_resolved,
	    const struct notification *n, const struct sender_render_ctx *ctx,
	    sender_body_fn body, const char *dest, struct sender_parts *out,
	    struct terr *err) WARN_UNUSED;
/* sender_render_one for a channel with tocsin's action links: acts (NULL:
 * none) offered on a firing notification (link_actions_offer) before body()
 * renders it, so its templates see them as .Actions, and the record goes
 * with the part. */
struct tg_actions;
int	sender_render_one_links(const void *cfg, bool send_resolved,
	    const struct tg_actions *acts, const struct notification *n,
	    const struct sender_render_ctx *ctx, sender_body_fn body,
	    const char *dest, struct sender_parts *out, struct terr *err)
	    WARN_UNUSED;
/* "<kind>:<sender_url_digest of url>" (url NULL as ""), the destination of
 * a channel with one destination per secret URL or key. */
void	sender_url_dest(const char *kind, const char *url, char *out, size_t len);

/* The per-attempt timeout of a send whose config has a timeout of its own
 * (Alertmanager's time.Duration `timeout`, own_ms; 0 or less: none): it
 * replaces the HTTP client's default, and the shorter of it and a timeout
 * ctx sets wins, as a context deadline inside another would. 0: the
 * client's default. */
long	sender_timeout_ms(const struct sender_send_ctx *ctx, int64_t own_ms);
/* *out = *ctx (zeroes for NULL) with sender_timeout_ms(ctx, own_ms) as its
 * timeout, and timeout_own set when that is the config's own_ms. */
void	sender_ctx_timeout(struct sender_send_ctx *out,
	    const struct sender_send_ctx *ctx, int64_t own_ms);

/* The alerts a sender delivers: all of n when send_resolved, else only the
 * firing ones, with the group's common labels recomputed as Alertmanager
 * does. *out is NULL when nothing remains; otherwise a notification the
 * caller frees with notification_free. -1 when memory runs out. */
int	sender_filter_resolved(const struct notification *n, bool send_resolved,
	    struct notification **out, struct terr *err) WARN_UNUSED;
/* The same for a render that does not change the notification: when that
 * copy would equal n (nothing left out, notification_is_own_subset), *use
 * is n itself and *own NULL, and no copy is made; otherwise *use and *own
 * are the copy, which the caller frees. *use is NULL when nothing
 * remains. */
int	sender_filter_resolved_view(const struct notification *n,
	    bool send_resolved, const struct notification **use,
	    struct notification **own, struct terr *err) WARN_UNUSED;

/* The first line of s[0..len-1] that holds more than white space, trimmed,
 * control characters as spaces, into out (outlen > 4): cut at a UTF-8
 * character boundary and ended with "..." when it does not fit. */
void	sender_first_line(const char *s, size_t len, char *out, size_t outlen);

/* Alertmanager's notify.TruncateInRunes on the text in v: over n runes
 * (counted as Go's []rune counts them, an invalid byte being one), keep
 * n-1 and add U+2026 (n <= 3: keep n, no marker). Go's []rune also turns
 * each kept invalid byte into U+FFFD, so a cut text says U+FFFD where the
 * whole one would carry the raw byte (which the JSON writer then escapes as
 * \ufffd). Returns 1 when it cut, 0 when v fits, -1 out of memory. */
struct buf;
int	sender_truncate_runes(struct buf *v, size_t n) WARN_UNUSED;

/* The describe of a channel with a JSON payload: the first line
 * (sender_first_line) of the first non-empty string among paths, NULL-ended,
 * each a path into the payload with "/" between object keys and array
 * indexes ("embeds/0/title"); "" when none is there. */
void	sender_json_describe(const void *payload, size_t len,
	    const char *const *paths, char *out, size_t outlen);

/* A short stable hex digest (16 characters) of a secret URL, for destination
 * keys: two configs with the same URL share a destination, and the URL
 * itself never reaches the store's dest column or a log line. */
void	sender_url_digest(const char *url, char out[17]);

/* Alertmanager's notify.Key.Hash: the lowercase hex SHA-256 of a group key
 * (NULL as ""), which names an alert group to a service (PagerDuty's
 * dedup_key, an e-mail thread). */
void	sender_group_key_hash(const char *group_key, char out[65]);

#endif
