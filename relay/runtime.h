/* runtime.h: the relay's delivery wiring: the webhook intake over the
 * shared outbox (store, dispatcher, loaded generation; delivery/outbox.h, opened
 * by core/daemon/daemoncmd.c), and the relay's generation: its config with the
 * templates compiled for it. */
#ifndef TOCSIN_RELAY_RUNTIME_H
#define TOCSIN_RELAY_RUNTIME_H

#include <stdint.h>

#include "config.h"
#include "err.h"
#include "filesink.h"
#include "intake.h"
#include "metrics.h"
#include "outbox.h"
#include "tmpl.h"

struct runtime;	/* opaque */

struct runtime_params {
	struct outbox	*ob;		/* borrowed; must outlive the runtime */
	struct metrics	*metrics;	/* borrowed; gets the intake's metrics */
	int64_t		 dedup_window_ms; /* --dedup.window */
	struct filesink	*files;		/* borrowed */
	enum tmpl_am_version tmpl_am;	/* --template.alertmanager-version */
};

/* Sets up the intake over p->ob (whose dispatcher starts with the first
 * runtime_load). Caller frees with runtime_free. */
struct runtime *runtime_open(const struct runtime_params *p, struct terr *err);
/* The intake, for the HTTP handlers; owned by rt. */
struct intake *runtime_intake(struct runtime *rt);
/*
 * Compiles the templates for cfg (templates/tocsin.tmpl, then the config's
 * globs in order) and makes the pair the current generation for the intake
 * and the dispatcher. Takes cfg in every case (freed on failure); on failure
 * the running generation stays.
 */
int	runtime_load(struct runtime *rt, struct config *cfg, struct terr *err) WARN_UNUSED;
/* Frees the intake; the HTTP server must be stopped first. The outbox
 * stays. NULL is fine. */
void	runtime_free(struct runtime *rt);

#endif
