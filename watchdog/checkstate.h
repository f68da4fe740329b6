/* checkstate.h: the watchdog's persisted check states, one row per check:
 * in SQLite, <storage.path>/watchdog.db (separate from the relay's queue),
 * or in the --storage.url PostgreSQL database that a watchdog pair shares. */
#ifndef TOCSIN_CHECKSTATE_H
#define TOCSIN_CHECKSTATE_H

#include <stddef.h>
#include <stdint.h>

#include "check.h"
#include "err.h"

#define CHECKSTATE_FILE	"watchdog.db"

struct checkstate;

/* Opens (creating if needed) dir/watchdog.db; dir must exist, and starts
 * the committer thread. A file that is not a watchdog state database is an
 * error naming the file. The caller closes the handle with
 * checkstate_close(), which commits what is queued first. */
struct checkstate *checkstate_open(const char *dir, struct terr *err);
/* The same over the PostgreSQL database of url (a libpq connection string,
 * as --storage.url takes it): table watchdog_checks, created if needed. */
struct checkstate *checkstate_open_pg(const char *url, struct terr *err);
void	checkstate_close(struct checkstate *cs);
/* The database file's path, or the PostgreSQL database's description
 * without its password (owned by cs). */
const char *checkstate_path(const struct checkstate *cs);

/* Called once per queued write, on the committer thread, after the
 * transaction holding it was committed and fsynced (rc 0) or failed (rc -1,
 * err says why). name is the record's. It must not wait for another write
 * of cs. */
typedef void (*checkstate_done_fn)(void *arg, const char *name, int rc,
	    const struct terr *err);

/* Inserts or replaces rec, committed and fsynced before it returns. */
int	checkstate_save(struct checkstate *cs, const struct check_record *rec,
	    struct terr *err) WARN_UNUSED;
/* Queues rec (copied) for the next commit and returns; done(arg, ...)
 * follows (done may be NULL). Writes of all threads are committed in the
 * order they were queued, those waiting together in one transaction.
 * -1 (nothing queued, done never called) when memory runs out. */
int	checkstate_save_async(struct checkstate *cs, const struct check_record *rec,
	    checkstate_done_fn done, void *arg, struct terr *err) WARN_UNUSED;
/* A mark for checkstate_flush: the writes queued so far. */
uint64_t checkstate_mark(struct checkstate *cs);
/* Waits until every write queued so far is committed or failed; -1 when one
 * queued after mark failed (each one's done said why). */
int	checkstate_flush(struct checkstate *cs, uint64_t mark, struct terr *err) WARN_UNUSED;
/* Removes the record of name (no error if there is none). */
int	checkstate_delete(struct checkstate *cs, const char *name,
	    struct terr *err) WARN_UNUSED;
/* All records, sorted by name, into *recs (count *n); the caller frees them
 * with checkstate_records_free(). A row with an unknown state is an error. */
int	checkstate_load(struct checkstate *cs, struct check_record **recs,
	    size_t *n, struct terr *err) WARN_UNUSED;
/* checkstate_load without the records nobody saved since *since (0 the
 * first time: all of them), which it moves on for the next call: what a
 * watchdog following its pair reads every second. SQLite, which no other
 * watchdog writes, loads all. */
int	checkstate_load_changed(struct checkstate *cs, int64_t *since,
	    struct check_record **recs, size_t *n, struct terr *err) WARN_UNUSED;
void	checkstate_records_free(struct check_record *recs, size_t n);

#endif
