/* checkstate_int.h: the contract between checkstate.c (the queue and its
 * committer thread) and the backends behind it: checkstate_sqlite.c
 * (watchdog.db under --storage.path) and checkstate_pg.c (a table in the
 * --storage.url database, shared by a watchdog pair). */
#ifndef TOCSIN_CHECKSTATE_INT_H
#define TOCSIN_CHECKSTATE_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "checkstate.h"

/* A queued write: a save of rec, or with del the removal of rec.name. */
struct checkstate_item {
	struct checkstate_item	*next;
	bool			 del;
	struct check_record	 rec;		/* owned strings */
	checkstate_done_fn	 done;
	void			*arg;
};

struct checkstate_ops {
	/* Writes the batch (a list) in one transaction: all of it is
	 * committed and durable, or none. Only the committer calls it. */
	int	(*commit)(void *be, const struct checkstate_item *batch,
		    struct terr *err);
	/* checkstate_load_changed: the records sorted by name, owned by the
	 * caller; only those changed since *since when the backend knows
	 * (else all), and *since moved on. Any thread, concurrently with
	 * commit. */
	int	(*load)(void *be, int64_t *since, struct check_record **recs,
		    size_t *n, struct terr *err);
	void	(*close)(void *be);
};

/* Each backend's open: *be and *where (what errors and checkstate_path
 * name; freed by the backend's close) on success. */
int	checkstate_sqlite_open(const char *dir, void **be, const char **where,
	    struct terr *err);
int	checkstate_pg_open(const char *url, void **be, const char **where,
	    struct terr *err);
extern const struct checkstate_ops checkstate_sqlite_ops;
extern const struct checkstate_ops checkstate_pg_ops;

#endif
