/* sender_telegram_phone.c: tocsin's phone loop in the telegram channel: the
 * buttons a firing notification is stored and sent with, the record they
 * point to (stored before the message goes out, its message id after),
 * update_message, whose resolved message edits the one its group fired
 * as, and the escalate extension's repeats, which answer that message. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "log.h"
#include "sender_telegram_int.h"
#include "telegram_actions.h"

/* The buttons of a firing notification, on its last part: a new record id,
 * the keyboard and the record's context into m (the buffers own them). */
int
tg_buttons(const struct telegram_config *c, const struct notification *n,
    struct tg_msg *m, struct buf *markup, struct buf *context, struct terr *err)
{
	if (!c->actions.enabled || n->status != ALERT_FIRING)
		return 0;
	if (action_id_new(m->action_id, err) == -1)
		return -1;
	if (tga_keyboard(markup, &c->actions, m->action_id) == -1 ||
	    tga_context(context, n) == -1)
		return terr_set(err, "out of memory");
	m->reply_markup = (char *)buf_str(markup);
	m->context = (char *)buf_str(context);
	m->group_key = n->group_key ? n->group_key : (char *)"";
	return 0;
}

/* The buttons of a stored body and their record; -1 when they are not ours
 * or memory runs out. */
int
tg_parse_action(json_t *root, struct tg_msg *m)
{
	json_t		*markup, *act;
	const char	*id, *gk;

	if ((act = json_object_get(root, "tocsin_group")) != NULL) {
		const char *st = json_string_value(json_object_get(act, "status"));

		if ((gk = json_string_value(json_object_get(act, "key"))) == NULL ||
		    st == NULL || (m->group_key = strdup(gk)) == NULL)
			return -1;
		m->update = true;
		m->resolved = strcmp(st, "resolved") == 0;
		m->noedit = json_is_false(json_object_get(act, "edit"));
		m->reply = json_is_true(json_object_get(act, "reply"));
	}
	if ((markup = json_object_get(root, "reply_markup")) == NULL)
		return 0;
	act = json_object_get(root, "tocsin_action");
	id = json_string_value(json_object_get(act, "id"));
	gk = json_string_value(json_object_get(act, "group_key"));
	if (!action_id_valid(id) || gk == NULL ||
	    !json_is_object(json_object_get(act, "context")))
		return -1;
	snprintf(m->action_id, sizeof(m->action_id), "%s", id);
	m->reply_markup = json_dumps(markup, JSON_COMPACT);
	m->context = json_dumps(json_object_get(act, "context"), JSON_COMPACT);
	if (m->group_key == NULL)
		m->group_key = strdup(gk);
	if (m->reply_markup == NULL || m->context == NULL || m->group_key == NULL)
		return -1;
	return 0;
}

/* Before a message with buttons goes out, the record its buttons point to
 * is stored, so that no button can point nowhere; without a place to keep
 * records the message goes without buttons. -1 (res set) when storing
 * failed: the attempt is retried. */
int
tg_record_put(const struct sender_send_ctx *ctx, struct tg_msg *m,
    struct send_result *res)
{
	struct action_rec r;
	struct terr	 err;

	if (m->reply_markup == NULL)
		return 0;
	if (ctx->records == NULL) {
		free(m->reply_markup);
		m->reply_markup = NULL;
		return 0;
	}
	memset(&r, 0, sizeof(r));
	memcpy(r.id, m->action_id, sizeof(r.id));
	r.receiver = (char *)ctx->receiver;
	r.integration = (char *)ctx->integration;
	r.group_key = m->group_key;
	r.labels = m->context;
	r.chat = m->chat_id;
	r.created = wall_ms();
	r.expires = r.created + TGA_EXPIRY_MS;
	r.silence_id = "";
	if (ctx->records->put(ctx->records->arg, &r, &err) == -1) {
		send_result_set(res, SEND_TEMPFAIL, -1,
		    "telegram: cannot store the record of its buttons: %s", err.msg);
		return -1;
	}
	return 0;
}

/* The message id the edits need; the message is out whatever happens. */
void
tg_record_message(const struct sender_send_ctx *ctx, const struct tg_msg *m,
    int64_t message_id)
{
	struct terr	 err;

	if (m->reply_markup == NULL || ctx->records == NULL)
		return;
	if (ctx->records->set_message(ctx->records->arg, m->action_id,
	    message_id, &err) == -1)
		log_warn("cannot store the message id of a message with buttons",
		    "receiver", ctx->receiver, "integration", ctx->integration,
		    "err", err.msg);
}

/* The firing message a resolved one will edit (update_message) and
 * repeats answer (escalate); a repeat is not kept, so the group's message
 * stays its first one. */
void
tg_group_message(const struct sender_send_ctx *ctx, const struct tg_msg *m,
    int64_t message_id)
{
	struct terr	 err;

	if (!m->update || m->resolved || m->reply || ctx->records == NULL ||
	    ctx->records->group_put == NULL || message_id == 0)
		return;
	if (ctx->records->group_put(ctx->records->arg, ctx->receiver,
	    ctx->integration, m->group_key, m->chat_id, message_id, &err) == -1)
		log_warn("cannot store the message id a resolved message edits",
		    "receiver", ctx->receiver, "integration", ctx->integration,
		    "err", err.msg);
}

/* A repeat answers its group's first message; without one (not sent yet,
 * pruned, another chat since a migration) it goes out on its own. */
void
tg_reply_to(const struct sender_send_ctx *ctx, struct tg_msg *m)
{
	struct terr	 err;
	char		 chat[64];
	int64_t		 id;
	int		 found;

	m->reply_to = 0;
	if (!m->reply || ctx->records == NULL || ctx->records->group_get == NULL)
		return;
	if (ctx->records->group_get(ctx->records->arg, ctx->receiver,
	    ctx->integration, m->group_key, chat, sizeof(chat), &id, &found,
	    &err) == -1) {
		log_warn("cannot read the message a repeat answers; sending it "
		    "on its own", "receiver", ctx->receiver, "err", err.msg);
		return;
	}
	if (found && strcmp(chat, m->chat_id) == 0)
		m->reply_to = id;
}

/*
 * update_message: a resolved notification edits the message its group
 * fired as (same chat, same parse mode, buttons removed). Returns 1 when
 * the attempt is over (edited: res OK; a transient failure: res TEMPFAIL),
 * 0 when a new message is to be sent instead: nothing to edit, or Telegram
 * refused the edit (too old, deleted, not modified, not parseable).
 */
int
tg_try_edit(const struct telegram_config *c, const struct sender_send_ctx *ctx,
    struct tg_msg *m, struct send_result *res)
{
	struct http_response	 resp;
	struct tgbot_answer	 a;
	struct terr		 err;
	char			 chat[64], saved[64];
	int64_t			 id;
	int			 found, rc = 0;

	if (!m->update || !m->resolved || m->noedit || ctx->records == NULL ||
	    ctx->records->group_get == NULL)
		return 0;
	if (ctx->records->group_get(ctx->records->arg, ctx->receiver,
	    ctx->integration, m->group_key, chat, sizeof(chat), &id, &found,
	    &err) == -1) {
		log_warn("cannot read the message to edit; sending a new one",
		    "receiver", ctx->receiver, "err", err.msg);
		return 0;
	}
	if (!found)
		return 0;
	http_response_init(&resp);
	memcpy(saved, m->chat_id, sizeof(saved));
	snprintf(m->chat_id, sizeof(m->chat_id), "%s", chat);
	m->edit_id = id;
	if (tg_post(c, ctx, "editMessageText", m, &resp, &a, res) == -1) {
		rc = 1;
		goto out;
	}
	if (a.status >= 200 && a.status < 300) {
		send_result_set(res, SEND_OK, -1, "telegram: %ld (edited message "
		    "%" PRId64 ")", a.status, id);
		rc = 1;
	} else if (a.status == 429 || a.status >= 500) {
		send_result_set(res, SEND_TEMPFAIL, a.status == 429 &&
		    a.retry_after >= 0 ? a.retry_after * 1000 : -1,
		    "telegram: %ld %s", a.status, a.description);
		rc = 1;
	} else
		log_info("Telegram refused to edit the firing message; sending "
		    "the resolved one anew", "receiver", ctx->receiver,
		    "description", a.description);
out:
	memcpy(m->chat_id, saved, sizeof(saved));
	m->edit_id = 0;
	http_response_free(&resp);
	return rc;
}
