/* checkstate_sqlite.c: check states in SQLite, <storage.path>/watchdog.db
 * (see checkstate_int.h).
 *
 * Why SQLite rather than a JSON file rewritten with temp + fsync + rename:
 * the state changes on every ping (every minute per heartbeat), and SQLite
 * commits one row atomically and durably (WAL, synchronous=FULL) without
 * rewriting every check's 10 kB message each time; a crash mid-write leaves
 * the last committed state, and a damaged file is detected and reported. The
 * relay already depends on SQLite, so this adds nothing to install. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "checkstate_int.h"
#include "store.h"

#define SCHEMA_VERSION	1

struct sqlbe {
	sqlite3		*db;
	char		*path;
	sqlite3_stmt	*ins, *rm;	/* the committer's */
};

static int
db_err(struct sqlbe *be, const char *what, struct terr *err)
{
	return terr_set(err, "watchdog state %s: %s: %s", be->path, what,
	    sqlite3_errmsg(be->db));
}

static int
exec(struct sqlbe *be, const char *sql, const char *what, struct terr *err)
{
	if (sqlite3_exec(be->db, sql, NULL, NULL, NULL) != SQLITE_OK)
		return db_err(be, what, err);
	return 0;
}

static int
user_version(struct sqlbe *be, int *v, struct terr *err)
{
	sqlite3_stmt	*st = NULL;
	int		 rc;

	if (sqlite3_prepare_v2(be->db, "PRAGMA user_version", -1, &st, NULL) !=
	    SQLITE_OK)
		return db_err(be, "read schema version", err);
	rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		sqlite3_finalize(st);
		return db_err(be, "read schema version", err);
	}
	*v = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return 0;
}

static void
be_close(void *arg)
{
	struct sqlbe	*be = arg;

	if (be == NULL)
		return;
	sqlite3_finalize(be->ins);
	sqlite3_finalize(be->rm);
	sqlite3_close(be->db);
	free(be->path);
	free(be);
}

int
checkstate_sqlite_open(const char *dir, void **out, const char **where,
    struct terr *err)
{
	struct sqlbe	*be;
	int		 v = 0;

	if ((be = calloc(1, sizeof(*be))) == NULL ||
	    asprintf(&be->path, "%s/%s", dir, CHECKSTATE_FILE) == -1) {
		if (be != NULL)
			be->path = NULL;
		terr_set(err, "watchdog state: out of memory");
		goto fail;
	}
	if (sqlite3_open_v2(be->path, &be->db, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX, NULL) != SQLITE_OK) {
		if (be->db == NULL)
			terr_set(err, "watchdog state %s: cannot open", be->path);
		else
			db_err(be, "open", err);
		goto fail;
	}
	sqlite3_busy_timeout(be->db, 5000);
	if (store_sqlite_check(be->path, err) == -1) {
		terr_prefix(err, "watchdog state %s is damaged", be->path);
		goto fail;
	}
	/* The first statement reads the header: garbage fails here with
	 * "file is not a database". */
	if (user_version(be, &v, err) == -1)
		goto fail;
	if (v > SCHEMA_VERSION) {
		terr_set(err, "watchdog state %s: schema version %d is newer than "
		    "this program's %d", be->path, v, SCHEMA_VERSION);
		goto fail;
	}
	if (exec(be, "PRAGMA journal_mode = WAL", "set journal mode", err) == -1 ||
	    exec(be, "PRAGMA synchronous = FULL", "set synchronous", err) == -1 ||
	    exec(be, "CREATE TABLE IF NOT EXISTS checks ("
	    " name TEXT PRIMARY KEY,"
	    " state TEXT NOT NULL,"
	    " paused INTEGER NOT NULL,"
	    " last_success INTEGER NOT NULL,"
	    " last_start INTEGER NOT NULL,"
	    " down_since INTEGER NOT NULL,"
	    " last_notified INTEGER NOT NULL,"
	    " last_message TEXT NOT NULL,"
	    " reason TEXT NOT NULL)", "create table", err) == -1 ||
	    exec(be, "PRAGMA user_version = 1", "set schema version", err) == -1)
		goto fail;
	/* A table of the same name but another shape fails here, not later. */
	if (exec(be, "SELECT name, state, paused, last_success, last_start, "
	    "down_since, last_notified, last_message, reason FROM checks LIMIT 0",
	    "check table", err) == -1)
		goto fail;
	if (sqlite3_prepare_v2(be->db, "INSERT OR REPLACE INTO checks (name, "
	    "state, paused, last_success, last_start, down_since, "
	    "last_notified, last_message, reason) VALUES (?,?,?,?,?,?,?,?,?)",
	    -1, &be->ins, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(be->db, "DELETE FROM checks WHERE name = ?", -1,
	    &be->rm, NULL) != SQLITE_OK) {
		db_err(be, "prepare", err);
		goto fail;
	}
	*out = be;
	*where = be->path;
	return 0;
fail:
	be_close(be);
	return -1;
}

/* One queued write, in the open transaction. */
static int
write_item(struct sqlbe *be, const struct checkstate_item *it)
{
	const struct check_record *rec = &it->rec;
	sqlite3_stmt	*st = it->del ? be->rm : be->ins;
	int		 rc;

	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	sqlite3_bind_text(st, 1, rec->name, -1, SQLITE_STATIC);
	if (!it->del) {
		sqlite3_bind_text(st, 2, check_state_name(rec->state), -1, SQLITE_STATIC);
		sqlite3_bind_int(st, 3, rec->paused != 0);
		sqlite3_bind_int64(st, 4, rec->last_success_wall_ms);
		sqlite3_bind_int64(st, 5, rec->last_start_wall_ms);
		sqlite3_bind_int64(st, 6, rec->down_since_wall_ms);
		sqlite3_bind_int64(st, 7, rec->last_notified_wall_ms);
		sqlite3_bind_text(st, 8, rec->last_message, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 9, rec->reason, -1, SQLITE_STATIC);
	}
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

static int
be_commit(void *arg, const struct checkstate_item *batch, struct terr *err)
{
	struct sqlbe	*be = arg;
	const struct checkstate_item *it;

	if (exec(be, "BEGIN IMMEDIATE", "save", err) == -1)
		return -1;
	for (it = batch; it != NULL; it = it->next)
		if (write_item(be, it) == -1) {
			db_err(be, it->del ? "delete" : "save", err);
			(void)sqlite3_exec(be->db, "ROLLBACK", NULL, NULL, NULL);
			return -1;
		}
	if (exec(be, "COMMIT", "save", err) == -1) {
		(void)sqlite3_exec(be->db, "ROLLBACK", NULL, NULL, NULL);
		return -1;
	}
	return 0;
}

static char *
col_dup(sqlite3_stmt *st, int i)
{
	const unsigned char	*s = sqlite3_column_text(st, i);

	return strdup(s != NULL ? (const char *)s : "");
}

static int
be_load(void *arg, int64_t *since, struct check_record **recs, size_t *n,
    struct terr *err)
{
	struct sqlbe		*be = arg;
	sqlite3_stmt		*st = NULL;
	struct check_record	*v = NULL, *nv, *r;
	size_t			 cnt = 0, alloc = 0;
	const char		*state;
	int			 rc, ret = -1;

	(void)since;
	if (sqlite3_prepare_v2(be->db, "SELECT name, state, paused, "
	    "last_success, last_start, down_since, last_notified, last_message, "
	    "reason FROM checks ORDER BY name", -1, &st, NULL) != SQLITE_OK) {
		db_err(be, "load", err);
		goto out;
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (cnt == alloc) {
			alloc = alloc ? alloc * 2 : 8;
			if ((nv = reallocarray(v, alloc, sizeof(*v))) == NULL) {
				terr_set(err, "watchdog state: out of memory");
				goto out;
			}
			v = nv;
		}
		r = &v[cnt];
		memset(r, 0, sizeof(*r));
		state = (const char *)sqlite3_column_text(st, 1);
		if (state == NULL || check_state_parse(state, &r->state) == -1) {
			terr_set(err, "watchdog state %s: check \"%s\" has unknown "
			    "state \"%s\"", be->path,
			    (const char *)sqlite3_column_text(st, 0),
			    state ? state : "");
			goto out;
		}
		r->paused = sqlite3_column_int(st, 2) != 0;
		r->last_success_wall_ms = sqlite3_column_int64(st, 3);
		r->last_start_wall_ms = sqlite3_column_int64(st, 4);
		r->down_since_wall_ms = sqlite3_column_int64(st, 5);
		r->last_notified_wall_ms = sqlite3_column_int64(st, 6);
		cnt++;
		if ((r->name = col_dup(st, 0)) == NULL ||
		    (r->last_message = col_dup(st, 7)) == NULL ||
		    (r->reason = col_dup(st, 8)) == NULL) {
			terr_set(err, "watchdog state: out of memory");
			goto out;
		}
	}
	if (rc != SQLITE_DONE) {
		db_err(be, "load", err);
		goto out;
	}
	*recs = v;
	*n = cnt;
	v = NULL;
	cnt = 0;
	ret = 0;
out:
	sqlite3_finalize(st);
	checkstate_records_free(v, cnt);
	return ret;
}

const struct checkstate_ops checkstate_sqlite_ops = {
	.commit = be_commit,
	.load = be_load,
	.close = be_close,
};
