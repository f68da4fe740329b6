/* intake.h: the relay's webhook intake. POST /webhook routes each alert
 * through the tree and regroups per receiver; POST /webhook/<receiver> skips
 * the tree. Every resulting notification is handed to the receiver's
 * integrations (today the file_configs writer) before the 200 goes out.
 *
 * Answers: 200 "OK" once written; 400 with payload_parse's reason; 404 for
 * an unknown receiver; 415 when a Content-Type is given and is not
 * application/json (a missing one is accepted, for curl and scripts); 503
 * when a file cannot be written, so Alertmanager retries.
 *
 * The intake also holds the running config: a reload swaps it while
 * requests in flight keep the one they started with. */
#ifndef TOCSIN_RELAY_INTAKE_H
#define TOCSIN_RELAY_INTAKE_H

#include <stdbool.h>

#include "config.h"
#include "err.h"
#include "filesink.h"
#include "httpd.h"
#include "metrics.h"

struct intake;	/* opaque */

/* Allocates an intake without a config. metrics and files are borrowed and
 * must outlive it. Caller frees with intake_free. */
struct intake *intake_new(struct metrics *metrics, struct filesink *files, struct terr *err);
/* Frees the intake and its current config; no request may be running. */
void	intake_free(struct intake *in);

/* Makes cfg current and takes ownership of it. The previous config is freed
 * once the last request using it has finished. Returns -1 (and does not take
 * cfg) only when memory runs out. */
int	intake_set_config(struct intake *in, struct config *cfg) WARN_UNUSED;
/* True once a config is installed. */
bool	intake_ready(struct intake *in);

/* httpd handlers; arg is the struct intake. */
void	intake_handle_webhook(struct httpd_req *req, void *arg);
void	intake_handle_receiver(struct httpd_req *req, void *arg);

#endif
