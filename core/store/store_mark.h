/* store_mark.h: the mark a store keeps beside its database: the database's
 * identity (a random id also stored inside it) and the highest message id
 * known to be committed. A database file that went missing, was emptied,
 * replaced by another or by an older copy is noticed at start by comparing
 * it with the mark, so that the daemon refuses to start rather than start
 * silently with an empty queue. */
#ifndef TOCSIN_STORE_MARK_H
#define TOCSIN_STORE_MARK_H

#include <stdbool.h>
#include <stdint.h>

#include "err.h"

#define STORE_MARK_ID_LEN	32	/* hex digits */

struct store_mark {
	char	id[STORE_MARK_ID_LEN + 1];
	int64_t	last_id;	/* highest message id committed; 0: none yet */
};

/* A new random identity (128 bits as hex digits). */
int	store_mark_new_id(char out[STORE_MARK_ID_LEN + 1], struct terr *err) WARN_UNUSED;

/* Reads the mark at path into *m with *found 1, or *found 0 when there is
 * no such file. A file that is not a mark is an error naming it. */
int	store_mark_read(const char *path, struct store_mark *m, int *found,
	    struct terr *err) WARN_UNUSED;
/* Replaces the mark at path atomically and durably (atomicfile.h). */
int	store_mark_write(const char *path, const struct store_mark *m,
	    struct terr *err) WARN_UNUSED;

/* What the database says about itself when it is opened. */
struct store_mark_db {
	bool		 fresh;		/* no schema yet: a missing or zero-length file */
	const char	*id;		/* its identity; NULL: it has none yet */
	int64_t		 last_id;	/* highest message id it ever assigned */
};

enum store_mark_verdict {
	STORE_MARK_OK,		/* no mark yet, or the database is the marked one */
	STORE_MARK_EMPTY_ALLOWED, /* fresh although marked, and allow_empty: the
				 * caller says so in the log and starts anew */
	STORE_MARK_REFUSE,	/* err says why, naming both files and the way out */
};

/*
 * Judges the database db (file dbfile) against the mark (NULL when
 * markfile does not exist). A fresh database under a mark lost the queue
 * (refused unless allow_empty); another identity is another database;
 * a last id below the mark's is an older copy that lost messages.
 */
enum store_mark_verdict store_mark_judge(const struct store_mark *mark,
	    const struct store_mark_db *db, bool allow_empty,
	    const char *dbfile, const char *markfile, struct terr *err);

#endif
