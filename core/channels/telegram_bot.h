/* telegram_bot.h: the Bot API calls of the phone loop (sendMessage lives in
 * sender_telegram.c): getUpdates for button presses, answerCallbackQuery
 * for the toast, editMessageText and editMessageReplyMarkup for the message
 * that was acted on. Each call is one blocking request; the answer's status
 * and description are returned for the caller to judge. */
#ifndef TOCSIN_TELEGRAM_BOT_H
#define TOCSIN_TELEGRAM_BOT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "err.h"
#include "httpclient.h"
#include "httpconfig.h"

struct tgbot {
	const char		*api;		/* NULL or "": api.telegram.org */
	const char		*token;		/* SECRET */
	const struct http_config *http;		/* NULL: none */
	/* Ends a long poll early (shutdown); NULL: never. */
	bool			(*cancel)(void *arg);
	void			*cancel_arg;
};

/* What the Bot API answered: ok is status 200 with "ok":true. */
struct tgbot_answer {
	long	 status;		/* HTTP status */
	char	 description[200];	/* Telegram's, "" when none */
	int64_t	 retry_after;		/* seconds, -1 absent */
	int64_t	 migrate_to;		/* migrate_to_chat_id, 0 absent */
	int64_t	 message_id;		/* result.message_id, 0 absent */
};

/* "<api>/bot<token>/<method>": api NULL or "" is api.telegram.org, its
 * trailing slashes dropped. -1 when out of memory. */
int	tgbot_url(struct buf *url, const char *api, const char *token,
	    const char *method) WARN_UNUSED;
/* Reads any Bot API answer (status, description, retry_after capped to nine
 * digits of seconds, migrate_to_chat_id, result.message_id). */
void	tgbot_read_answer(const struct http_response *r, struct tgbot_answer *a);

/* One update; only callback queries carry more than their id. */
struct tg_update {
	int64_t	 update_id;
	bool	 is_callback;
	char	 query_id[80];		/* callback_query.id */
	int64_t	 from_id;
	char	 from[96];		/* "@username (id)", or "First (id)" */
	char	*data;			/* callback data; NULL none */
	char	 chat[32];		/* message.chat.id; "" when no message */
	int64_t	 message_id;
	char	*text;			/* message.text; NULL none */
	char	*entities;		/* message.entities as JSON; NULL none */
};

void	tg_updates_free(struct tg_update *u, size_t n);

/* getUpdates with allowed_updates ["callback_query"], the given offset and
 * long-poll timeout (seconds). Returns 0 when the Bot API answered (a->status
 * says how; on 200 *out holds *n updates, freed with tg_updates_free), -1
 * with err when no answer came (network, cancelled). */
int	tgbot_get_updates(const struct tgbot *b, int64_t offset, int timeout_s,
	    struct tg_update **out, size_t *n, struct tgbot_answer *a,
	    struct terr *err) WARN_UNUSED;
/* The updates of a getUpdates answer body (what tgbot_get_updates does
 * after a 200), for tests and the fuzzer. -1 with err when it is not one. */
int	tgbot_parse_updates(const char *body, size_t len, struct tg_update **out,
	    size_t *n, struct terr *err) WARN_UNUSED;
/* answerCallbackQuery with a short text (the toast). */
int	tgbot_answer_callback(const struct tgbot *b, const char *query_id,
	    const char *text, struct tgbot_answer *a, struct terr *err) WARN_UNUSED;
/* editMessageText: text with its entities (JSON array or NULL, no
 * parse_mode) and reply_markup (JSON or NULL: buttons removed). */
int	tgbot_edit_text(const struct tgbot *b, const char *chat, int64_t message_id,
	    const char *text, const char *entities, const char *markup,
	    struct tgbot_answer *a, struct terr *err) WARN_UNUSED;
/* editMessageReplyMarkup: the buttons only (markup NULL: removed). */
int	tgbot_edit_markup(const struct tgbot *b, const char *chat,
	    int64_t message_id, const char *markup, struct tgbot_answer *a,
	    struct terr *err) WARN_UNUSED;

/* True for Telegram's "message is not modified" refusal of an edit, which
 * means the message already shows what was wanted. */
bool	tgbot_not_modified(const struct tgbot_answer *a);

#endif
