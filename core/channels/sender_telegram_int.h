/* sender_telegram_int.h: the telegram family's contract between
 * sender_telegram.c (sendMessage: render, send, classify) and
 * sender_telegram_phone.c (tocsin's phone loop riding on it: the buttons'
 * records, update_message's edit of a group's message and the escalate
 * extension's repeats answering it). */
#ifndef TOCSIN_SENDER_TELEGRAM_INT_H
#define TOCSIN_SENDER_TELEGRAM_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "actionrec.h"
#include "alert.h"
#include "buf.h"
#include "err.h"
#include "httpclient.h"
#include "sender.h"
#include "sender_telegram.h"
#include "telegram_bot.h"

/* The fields of one sendMessage call. */
struct tg_msg {
	char	 chat_id[64];
	bool	 silent;
	int64_t	 thread_id;
	char	 parse_mode[16];
	char	*text;		/* borrowed */
	/* tocsin's buttons: the reply_markup JSON, and the record it points
	 * to (id, group key, tga_context JSON), kept in the stored body only;
	 * NULL/"" without buttons. Owned when read by tg_parse_payload. */
	char	*reply_markup;
	char	 action_id[ACTION_ID_LEN + 1];
	char	*group_key;
	char	*context;
	/* The group's marker in the stored body (update: it is there, with
	 * the group's status): update_message, whose resolved message edits
	 * the firing one, or the escalate extension, whose repeats answer it
	 * (noedit: the resolved one is sent anew; reply: a repeat, which
	 * answers the group's message and is not kept itself). edit_id: the
	 * message an editMessageText body edits (0: a sendMessage); reply_to:
	 * the message a sendMessage answers (0: none). */
	bool	 update;
	bool	 resolved;
	bool	 noedit;
	bool	 reply;
	int64_t	 edit_id;
	int64_t	 reply_to;
};

/* Frees what tg_parse_payload allocated in m. */
void	tg_msg_clear(struct tg_msg *m);
/* The sendMessage body as Alertmanager's client builds it (an
 * editMessageText body when m->edit_id is set); stored adds what tocsin
 * keeps for itself and never sends. */
int	tg_body(struct buf *b, const struct tg_msg *m, bool stored);
/* One Bot API call (sendMessage, editMessageText) with m's body and its
 * answer in resp and a; -1 with res TEMPFAIL when none came. */
int	tg_post(const struct telegram_config *c,
	    const struct sender_send_ctx *ctx, const char *method,
	    const struct tg_msg *m, struct http_response *resp,
	    struct tgbot_answer *a, struct send_result *res);

/* sender_telegram_phone.c */

/* Render: the buttons of a firing notification on its last part (a new
 * record id; markup and context own the JSON m points to). */
int	tg_buttons(const struct telegram_config *c, const struct notification *n,
	    struct tg_msg *m, struct buf *markup, struct buf *context,
	    struct terr *err);
/* Reading a stored body: its buttons, record and update_message group. */
int	tg_parse_action(json_t *root, struct tg_msg *m);
/* Sending: the record stored before the message (-1: res TEMPFAIL), its
 * message id after; the group's message kept for update_message. */
int	tg_record_put(const struct sender_send_ctx *ctx, struct tg_msg *m,
	    struct send_result *res);
void	tg_record_message(const struct sender_send_ctx *ctx,
	    const struct tg_msg *m, int64_t message_id);
void	tg_group_message(const struct sender_send_ctx *ctx,
	    const struct tg_msg *m, int64_t message_id);
/* A repeat: the message it answers (m->reply_to), when its group's is
 * known in the same chat. */
void	tg_reply_to(const struct sender_send_ctx *ctx, struct tg_msg *m);
/* update_message: 1 when the resolved message edited its group's message
 * (or must be retried: res set), 0 when it is to be sent anew. */
int	tg_try_edit(const struct telegram_config *c,
	    const struct sender_send_ctx *ctx, struct tg_msg *m,
	    struct send_result *res);

#endif
