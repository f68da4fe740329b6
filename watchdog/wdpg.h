/* wdpg.h: one PostgreSQL connection of the watchdog's (the check states of
 * checkstate_pg.c, the pair's signals of wdpair.c), under its own lock,
 * connected again after it was lost. */
#ifndef TOCSIN_WDPG_H
#define TOCSIN_WDPG_H

#include <libpq-fe.h>

#include "err.h"

struct wdpg;

/* Connects to url (a libpq connection string, as --storage.url takes it),
 * with synchronous_commit on; what ("watchdog state", ...) starts every
 * error. Caller frees with wdpg_close. */
struct wdpg *wdpg_open(const char *url, const char *what, struct terr *err);
void	wdpg_close(struct wdpg *pg);
/* The database without its password, for logs and errors (owned by pg). */
const char *wdpg_where(const struct wdpg *pg);

/* Statements run between wdpg_lock and wdpg_unlock, one thread at a time. */
void	wdpg_lock(struct wdpg *pg);
void	wdpg_unlock(struct wdpg *pg);
/* Runs sql with n text parameters (NULL: SQL NULL; lens/binary as PQexecParams
 * takes them, NULL for all-text). The result (caller PQclears) when it
 * succeeded, else NULL with err "<what> <where>: <doing>: <PostgreSQL's
 * message>"; a lost connection is made again by the next call. */
PGresult *wdpg_exec(struct wdpg *pg, const char *sql, int n,
	    const char *const *vals, const int *lens, const int *binary,
	    const char *doing, struct terr *err);
/* Ends the transaction that failed (its error already reported). */
void	wdpg_rollback(struct wdpg *pg);
/* wdpg_exec for a statement without rows; 0 or -1. */
int	wdpg_cmd(struct wdpg *pg, const char *sql, int n, const char *const *vals,
	    const char *doing, struct terr *err) WARN_UNUSED;

#endif
