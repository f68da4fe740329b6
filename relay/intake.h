/* intake.h: the relay's webhook intake. POST /webhook routes each alert
 * through the tree and regroups per receiver; POST /webhook/<receiver> skips
 * the tree. Every resulting notification is handed to the receiver's
 * integrations before the 200 goes out: file_configs are written, telegram,
 * slack, email and webhook messages are rendered and committed to the store
 * (the dispatcher sends them later).
 *
 * Answers: 200 "OK" once written and committed (also when the store found
 * the notification a duplicate); 400 with payload_parse's reason; 404 for
 * an unknown receiver; 415 when a Content-Type is given and is not
 * application/json (a missing one is accepted, for curl and scripts); 503
 * when a file cannot be written or the store cannot commit, so Alertmanager
 * retries.
 *
 * The intake also holds the running generation (config and its compiled
 * templates): a reload swaps it while requests in flight, and whoever holds
 * it (the dispatcher), keep the one they started with. */
#ifndef TOCSIN_RELAY_INTAKE_H
#define TOCSIN_RELAY_INTAKE_H

#include <stdbool.h>

#include "config.h"
#include "err.h"
#include "filesink.h"
#include "httpd.h"
#include "metrics.h"
#include "store.h"

struct tmpl_set;

struct intake;	/* opaque */
struct intake_gen;	/* one loaded generation: config + templates, refcounted */

/* Allocates an intake without a config. metrics and files are borrowed and
 * must outlive it. Caller frees with intake_free. */
struct intake *intake_new(struct metrics *metrics, struct filesink *files, struct terr *err);
/* Frees the intake and its current config; no request may be running. */
void	intake_free(struct intake *in);

/* Makes cfg current and takes ownership of it. The previous config is freed
 * once the last request using it has finished. Returns -1 (and does not take
 * cfg) only when memory runs out. */
int	intake_set_config(struct intake *in, struct config *cfg) WARN_UNUSED;
/* The same with the templates compiled for cfg (owned too; NULL: none, then
 * telegram, slack and webhook integrations cannot render). */
int	intake_set_generation(struct intake *in, struct config *cfg,
	    struct tmpl_set *tmpl) WARN_UNUSED;
/* Where telegram, slack and webhook messages go (borrowed; it must outlive
 * every request) and the dedup window in milliseconds. Set before the first
 * config; without a store those integrations are counted as not
 * implemented. */
void	intake_set_store(struct intake *in, struct store *st, int64_t dedup_window_ms);
/* A reference to the current generation (NULL when none is loaded), kept
 * alive across reloads until intake_release; for the dispatcher, which
 * borrows the config. */
struct intake_gen *intake_hold(struct intake *in);
void	intake_release(struct intake *in, struct intake_gen *g);
const struct config *intake_gen_config(const struct intake_gen *g);
/* True once a config is installed. */
bool	intake_ready(struct intake *in);

/* httpd handlers; arg is the struct intake. */
void	intake_handle_webhook(struct httpd_req *req, void *arg);
void	intake_handle_receiver(struct httpd_req *req, void *arg);

#endif
