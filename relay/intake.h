/* intake.h: the relay's webhook intake. POST /webhook routes each alert
 * through the tree and regroups per receiver; POST /webhook/<receiver> skips
 * the tree. Every resulting notification is handed to the receiver's
 * integrations before the 200 goes out: file_configs are written, telegram,
 * slack, email and webhook messages are rendered and committed to the store
 * (the dispatcher sends them later). The messages of one request go to the
 * store as one batch, all or nothing, and the request waits for that
 * commit suspended (httpd_suspend), without holding a server thread.
 *
 * Answers: 200 "OK" once written and committed (also when the store found
 * the notification a duplicate); 400 with payload_parse's reason; 404 for
 * an unknown receiver; 415 when a Content-Type is given and is not
 * application/json (a missing one is accepted, for curl and scripts); 503
 * when a file cannot be written ("receiver NAME: reason") or the store
 * cannot commit ("receiver NAME: reason", "receivers A, B: reason" when the
 * batch held several), so Alertmanager retries.
 *
 * The running generation (config and its compiled templates) is the
 * outbox's: each request holds the one current when it began, so a reload
 * never changes the config under it. */
#ifndef TOCSIN_RELAY_INTAKE_H
#define TOCSIN_RELAY_INTAKE_H

#include "config.h"
#include "err.h"
#include "filesink.h"
#include "httpd.h"
#include "metrics.h"
#include "outbox.h"

struct intake;	/* opaque */

/* Allocates an intake without a config. metrics and files are borrowed and
 * must outlive it. Caller frees with intake_free. */
struct intake *intake_new(struct metrics *metrics, struct filesink *files, struct terr *err);
/* Frees the intake; no request may be running. */
void	intake_free(struct intake *in);

/* Where requests take the current generation from and telegram, slack,
 * email and webhook messages go (borrowed; it must outlive every request),
 * and the dedup window in milliseconds. Until it is set, or while the
 * outbox has no generation, requests get 503. */
void	intake_set_outbox(struct intake *in, struct outbox *ob, int64_t dedup_window_ms);
/* Where the action links of rendered notifications point and what signs
 * them (link_actions.h; borrowed, must outlive in); NULL: no links. */
struct action_links;
void	intake_set_links(struct intake *in, const struct action_links *links);

/* httpd handlers; arg is the struct intake. */
void	intake_handle_webhook(struct httpd_req *req, void *arg);
void	intake_handle_receiver(struct httpd_req *req, void *arg);

#endif
