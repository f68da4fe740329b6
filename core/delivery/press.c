/* press.c: one press of a Telegram button, from its callback query to the
 * toast and the edited message. */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "act.h"
#include "clock.h"
#include "log.h"
#include "press.h"
#include "sender.h"
#include "sender_telegram.h"
#include "telegram_actions.h"

/* The markers that start tocsin's status line in an edited message. */
#define MARK_SILENCED	"\n\n\xf0\x9f\x94\x95 "
#define MARK_ACKED	"\n\n\xe2\x9c\x85 "

/* One press in progress. */
struct press {
	const struct press_env		*env;
	const struct tgbot		*bot;
	const struct tg_update		*u;
	struct tga_press		 p;
	struct action_rec		 rec;
	const struct telegram_config	*tc;
	struct tga_ctx			 ctx;
	struct am_api			 am;
	const char			*action;	/* metric label */
	const char			*result;	/* metric label */
	char				 toast[200];
};

struct metric *
press_metric(struct metrics *m)
{
	static const char *const labels[] = { "action", "result", NULL };

	return metrics_counter(m, "tocsin_actions_total",
	    "Presses of notification buttons and uses of action links, by "
	    "action (silence, unsilence, ack, unknown) and result (ok, done, "
	    "denied, unknown, expired, resolved, error).", labels);
}

static int64_t
now_ms(const struct press *x)
{
	return x->env->now ? x->env->now() : wall_ms();
}

static void
outcome(struct press *x, const char *result, const char *fmt, ...)
    PRINTF_LIKE(3, 4);

static void
outcome(struct press *x, const char *result, const char *fmt, ...)
{
	va_list	 ap;

	x->result = result;
	va_start(ap, fmt);
	vsnprintf(x->toast, sizeof(x->toast), fmt, ap);
	va_end(ap);
}

/* The telegram_config the record was made by, which must be the bot that
 * received the press. */
static const struct telegram_config *
find_config(const struct press *x)
{
	const struct receiver	*r;
	const struct sender_ops	*ops;
	const void		*cfg;
	const struct telegram_config *tc;

	if ((r = config_receiver(x->env->cfg, x->rec.receiver)) == NULL ||
	    sender_lookup(r, x->rec.integration, &ops, &cfg) == -1 ||
	    ops != &sender_telegram_ops)
		return NULL;
	tc = cfg;
	if (!tc->actions.enabled || tc->bot_token == NULL ||
	    x->bot->token == NULL || strcmp(tc->bot_token, x->bot->token) != 0)
		return NULL;
	return tc;
}

/* Loads and checks everything a press needs; 0 when it may act, -1 with
 * the outcome set. */
static int
check(struct press *x)
{
	struct terr	 err;
	int		 found;

	if (x->u->data == NULL || tga_callback_parse(x->u->data, &x->p) == -1) {
		outcome(x, "unknown", "This button is not one of tocsin's.");
		return -1;
	}
	x->action = x->p.kind == TGA_SILENCE ? "silence" :
	    x->p.kind == TGA_ACK ? "ack" : "unsilence";
	if (store_action_get(x->env->store, x->p.id, &x->rec, &found, &err) == -1) {
		log_error("Cannot read a button's record", "err", err.msg);
		outcome(x, "error", "tocsin cannot read its store; try again.");
		return -1;
	}
	/* A record of another chat or message: the data was forged. */
	if (!found || strcmp(x->rec.chat, x->u->chat) != 0 ||
	    (x->rec.message_id != 0 && x->rec.message_id != x->u->message_id) ||
	    (x->tc = find_config(x)) == NULL ||
	    tga_ctx_parse(x->rec.labels, &x->ctx) == -1 ||
	    (x->p.kind == TGA_SILENCE &&
	    !tga_offers(&x->tc->actions, x->p.duration_ms))) {
		outcome(x, "unknown", "This button is no longer known to tocsin.");
		return -1;
	}
	if (!tga_allowed(&x->tc->actions, x->u->from_id)) {
		char uid[24];

		snprintf(uid, sizeof(uid), "%" PRId64, x->u->from_id);
		log_warn("Refused a button press by a user not in allowed_users",
		    "user_id", uid, "receiver", x->rec.receiver);
		outcome(x, "denied", "You are not allowed to do this.");
		return -1;
	}
	if (now_ms(x) > x->rec.expires) {
		outcome(x, "expired", "This button has expired.");
		return -1;
	}
	x->am.url = x->tc->actions.alertmanager_url ?
	    x->tc->actions.alertmanager_url : x->ctx.external_url;
	x->am.http = &x->tc->actions.http;
	return 0;
}

/* The press as an action on the record's group at now. */
static struct act
act_of(const struct press *x, int64_t now)
{
	return (struct act){ .store = x->env->store, .rec = &x->rec,
	    .ctx = &x->ctx, .am = &x->am, .who = x->u->from, .via = "Telegram",
	    .now = now };
}

/* Asks Alertmanager whether one of the record's alerts still fires; 0 when
 * it does, -1 with the outcome set. */
static int
still_firing(struct press *x)
{
	struct act	 a = act_of(x, now_ms(x));
	struct terr	 err;
	int		 active;

	if (act_firing(&a, &active, &err) == -1) {
		log_warn("Cannot ask Alertmanager about a group", "receiver",
		    x->rec.receiver, "err", err.msg);
		outcome(x, "error", "Alertmanager did not answer; nothing was "
		    "done. Try again.");
		return -1;
	}
	if (!active) {
		outcome(x, "resolved", "This alert has already resolved.");
		return -1;
	}
	return 0;
}

/* Edits the pressed message: its text without an earlier status line, plus
 * line (NULL: none), with markup (NULL: no buttons). A message whose text
 * the press did not carry gets its buttons changed only. */
static void
edit(struct press *x, const struct buf *line, const char *markup)
{
	struct tgbot_answer	 a;
	struct terr		 err;
	struct buf		 text;
	const char		*t = x->u->text, *cut, *m;
	size_t			 len;
	int			 rc;

	buf_init(&text, 0);
	if (t == NULL)
		rc = tgbot_edit_markup(x->bot, x->u->chat, x->u->message_id, markup,
		    &a, &err);
	else {
		static const char *const marks[] = { MARK_SILENCED, MARK_ACKED };

		len = strlen(t);
		for (size_t i = 0; i < 2; i++)
			for (m = t; (cut = strstr(m, marks[i])) != NULL; m = cut + 1)
				if ((size_t)(cut - t) < len)
					len = (size_t)(cut - t);
		if (buf_add(&text, t, len) == -1 || (line != NULL &&
		    (buf_adds(&text, "\n\n") == -1 ||
		    buf_add(&text, line->data, line->len) == -1))) {
			buf_free(&text);
			return;
		}
		rc = tgbot_edit_text(x->bot, x->u->chat, x->u->message_id,
		    buf_str(&text), x->u->entities, markup, &a, &err);
	}
	buf_free(&text);
	if (rc == -1)
		log_warn("Cannot edit a message after a button press", "err",
		    err.msg);
	else if (a.status != 200 && !tgbot_not_modified(&a))
		log_warn("Telegram refused to edit a message after a button press",
		    "status", a.status == 400 ? "400" : "error",
		    "description", a.description);
}

static void
do_silence(struct press *x)
{
	struct buf	 line, markup;
	struct terr	 err;
	char		 id[128];
	const char	*d = tga_duration_text(&x->tc->actions, x->p.duration_ms);
	int64_t		 now = now_ms(x), until = now + x->p.duration_ms;
	struct act	 a = act_of(x, now);

	buf_init(&line, 0);
	buf_init(&markup, 0);
	if (still_firing(x) == -1)
		goto out;
	if (tga_silenced_line(&line, x->u->from, until) == -1 ||
	    tga_unsilence_keyboard(&markup, x->rec.id) == -1) {
		outcome(x, "error", "tocsin ran out of memory; try again.");
		goto out;
	}
	if (act_silence(&a, x->p.duration_ms, id, sizeof(id), &err) == -1) {
		log_warn("Alertmanager did not create a silence", "receiver",
		    x->rec.receiver, "err", err.msg);
		outcome(x, "error", "Alertmanager refused or did not answer; no "
		    "silence. Try again.");
		goto out;
	}
	log_info("Silenced from a button", "receiver", x->rec.receiver,
	    "silence_id", id, "by", x->u->from, "duration", d);
	outcome(x, "ok", "Silenced for %s.", d);
	edit(x, &line, buf_str(&markup));
out:
	buf_free(&line);
	buf_free(&markup);
}

/* The keyboard of a notification again, minus what is done (ack). */
static int
keyboard_after(struct press *x, bool with_ack, struct buf *markup)
{
	struct tg_actions a = x->tc->actions;

	a.ack = a.ack && with_ack;
	if (a.nsilence == 0 && !a.ack)
		return 0;
	return tga_keyboard(markup, &a, x->rec.id);
}

static void
do_ack(struct press *x)
{
	struct buf	 line, markup;
	struct terr	 err;
	int64_t		 now = now_ms(x);
	struct act	 a = act_of(x, now);

	buf_init(&line, 0);
	buf_init(&markup, 0);
	if (still_firing(x) == -1)
		goto out;
	if (tga_acked_line(&line, x->u->from, now) == -1 ||
	    keyboard_after(x, false, &markup) == -1) {
		outcome(x, "error", "tocsin ran out of memory; try again.");
		goto out;
	}
	if (act_ack(&a, &err) == -1) {
		log_error("Cannot store an acknowledgement", "err", err.msg);
		outcome(x, "error", "tocsin could not store the "
		    "acknowledgement; try again.");
		goto out;
	}
	log_info("Acknowledged from a button", "receiver", x->rec.receiver,
	    "by", x->u->from);
	outcome(x, "ok", "Acknowledged.");
	edit(x, &line, markup.len ? buf_str(&markup) : NULL);
out:
	buf_free(&line);
	buf_free(&markup);
}

static void
do_unsilence(struct press *x)
{
	struct buf	 markup;
	struct terr	 err;

	buf_init(&markup, 0);
	if (x->rec.silence_id[0] == '\0') {
		outcome(x, "unknown", "There is no silence to lift.");
		goto out;
	}
	if (keyboard_after(x, true, &markup) == -1) {
		outcome(x, "error", "tocsin ran out of memory; try again.");
		goto out;
	}
	if (am_silence_expire(&x->am, x->rec.silence_id, &err) == -1) {
		log_warn("Alertmanager did not expire a silence", "silence_id",
		    x->rec.silence_id, "err", err.msg);
		outcome(x, "error", "Alertmanager refused or did not answer; the "
		    "silence stays. Try again.");
		goto out;
	}
	if (store_action_set_silence(x->env->store, x->rec.id, "", &err) == -1)
		log_error("Cannot forget an expired silence", "err", err.msg);
	log_info("Unsilenced from a button", "receiver", x->rec.receiver,
	    "silence_id", x->rec.silence_id, "by", x->u->from);
	outcome(x, "ok", "Silence lifted.");
	edit(x, NULL, markup.len ? buf_str(&markup) : NULL);
out:
	buf_free(&markup);
}

void
press_handle(const struct press_env *env, const struct tgbot *bot,
    const struct tg_update *u)
{
	struct press		 x;
	struct tgbot_answer	 a;
	struct terr		 err;

	if (!u->is_callback)
		return;
	memset(&x, 0, sizeof(x));
	x.env = env;
	x.bot = bot;
	x.u = u;
	x.action = "unknown";
	if (check(&x) == 0) {
		if (x.p.kind == TGA_SILENCE)
			do_silence(&x);
		else if (x.p.kind == TGA_ACK)
			do_ack(&x);
		else
			do_unsilence(&x);
	}
	if (tgbot_answer_callback(bot, u->query_id, x.toast, &a, &err) == -1)
		log_warn("Cannot answer a button press", "err", err.msg);
	if (env->m_actions != NULL)
		(void)metric_add(env->m_actions,
		    (const char *const[]){ x.action, x.result }, 1);
	action_rec_clear(&x.rec);
	tga_ctx_clear(&x.ctx);
}
