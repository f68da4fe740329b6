/* wdapi.h: tocsin-watchdog's HTTP handlers, thin translations of requests
 * into wdstate calls (docs/WATCHDOG.md has the answers in full):
 *   POST /heartbeat/<name>            an Alertmanager webhook payload; counts
 *                                     when at least one alert is firing
 *   GET|HEAD|POST /ping/<name>        success (Healthchecks.io semantics)
 *   .../ping/<name>/start             a run started
 *   .../ping/<name>/fail              failure
 *   .../ping/<name>/<0-255>           exit status: 0 success, else failure
 *   GET /api/v1/checks                every check's state as JSON
 *   POST /api/v1/checks/<name>/pause|resume
 * A POST body (up to CHECK_MSG_MAX bytes kept) becomes the check's last
 * message; GET and HEAD pings clear it. Unknown checks get 404, a signal for
 * a check of another kind 409, malformed input 400, a state that could not
 * be stored 503 (so curl --retry and Alertmanager try again). */
#ifndef TOCSIN_WDAPI_H
#define TOCSIN_WDAPI_H

#include "httpd.h"
#include "wdstate.h"

/* Registers every handler above on h with ws as their state. */
int	wdapi_register(struct httpd *h, struct wdstate *ws) WARN_UNUSED;

#endif
