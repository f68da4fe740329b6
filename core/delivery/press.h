/* press.h: what a press of a notification's button does (the phone loop):
 * the record behind it checked (known, not forged, not expired, the user
 * allowed, the group still firing), the silence made or expired on
 * Alertmanager or the acknowledgement stored, then the toast answered and
 * the message edited. A refusal or a failure changes nothing and says why
 * in the toast, so the press can be repeated. */
#ifndef TOCSIN_PRESS_H
#define TOCSIN_PRESS_H

#include <stdint.h>

#include "config.h"
#include "metrics.h"
#include "store.h"
#include "telegram_bot.h"

struct press_env {
	struct store		*store;
	const struct config	*cfg;		/* the loaded configuration */
	struct metric		*m_actions;	/* NULL: not counted */
	int64_t			(*now)(void);	/* NULL: the wall clock */
};

/* tocsin_actions_total{action, result} in m, or NULL when it cannot be
 * registered. */
struct metric *press_metric(struct metrics *m);

/* Acts on update u that bot received (anything but a callback query is
 * ignored). Never fails: every outcome is answered, logged and counted. */
void	press_handle(const struct press_env *env, const struct tgbot *bot,
	    const struct tg_update *u);

#endif
