/* checkstate.c: check states in SQLite.
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

#include "checkstate.h"

#define SCHEMA_VERSION	1

struct checkstate {
	sqlite3	*db;
	char	*path;
};

static int
db_err(struct checkstate *cs, const char *what, struct terr *err)
{
	return terr_set(err, "watchdog state %s: %s: %s", cs->path, what,
	    sqlite3_errmsg(cs->db));
}

static int
exec(struct checkstate *cs, const char *sql, const char *what, struct terr *err)
{
	if (sqlite3_exec(cs->db, sql, NULL, NULL, NULL) != SQLITE_OK)
		return db_err(cs, what, err);
	return 0;
}

static int
user_version(struct checkstate *cs, int *v, struct terr *err)
{
	sqlite3_stmt	*st = NULL;
	int		 rc;

	if (sqlite3_prepare_v2(cs->db, "PRAGMA user_version", -1, &st, NULL) !=
	    SQLITE_OK)
		return db_err(cs, "read schema version", err);
	rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		sqlite3_finalize(st);
		return db_err(cs, "read schema version", err);
	}
	*v = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return 0;
}

struct checkstate *
checkstate_open(const char *dir, struct terr *err)
{
	struct checkstate	*cs;
	int			 v = 0;

	if ((cs = calloc(1, sizeof(*cs))) == NULL ||
	    asprintf(&cs->path, "%s/%s", dir, CHECKSTATE_FILE) == -1) {
		if (cs != NULL)
			cs->path = NULL;
		terr_set(err, "watchdog state: out of memory");
		goto fail;
	}
	if (sqlite3_open_v2(cs->path, &cs->db, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX, NULL) != SQLITE_OK) {
		if (cs->db == NULL)
			terr_set(err, "watchdog state %s: cannot open", cs->path);
		else
			db_err(cs, "open", err);
		goto fail;
	}
	sqlite3_busy_timeout(cs->db, 5000);
	/* The first statement reads the header: garbage fails here with
	 * "file is not a database". */
	if (user_version(cs, &v, err) == -1)
		goto fail;
	if (v > SCHEMA_VERSION) {
		terr_set(err, "watchdog state %s: schema version %d is newer than "
		    "this program's %d", cs->path, v, SCHEMA_VERSION);
		goto fail;
	}
	if (exec(cs, "PRAGMA journal_mode = WAL", "set journal mode", err) == -1 ||
	    exec(cs, "PRAGMA synchronous = FULL", "set synchronous", err) == -1 ||
	    exec(cs, "CREATE TABLE IF NOT EXISTS checks ("
	    " name TEXT PRIMARY KEY,"
	    " state TEXT NOT NULL,"
	    " paused INTEGER NOT NULL,"
	    " last_success INTEGER NOT NULL,"
	    " last_start INTEGER NOT NULL,"
	    " down_since INTEGER NOT NULL,"
	    " last_notified INTEGER NOT NULL,"
	    " last_message TEXT NOT NULL,"
	    " reason TEXT NOT NULL)", "create table", err) == -1 ||
	    exec(cs, "PRAGMA user_version = 1", "set schema version", err) == -1)
		goto fail;
	/* A table of the same name but another shape fails here, not later. */
	if (exec(cs, "SELECT name, state, paused, last_success, last_start, "
	    "down_since, last_notified, last_message, reason FROM checks LIMIT 0",
	    "check table", err) == -1)
		goto fail;
	return cs;
fail:
	checkstate_close(cs);
	return NULL;
}

void
checkstate_close(struct checkstate *cs)
{
	if (cs == NULL)
		return;
	sqlite3_close(cs->db);
	free(cs->path);
	free(cs);
}

const char *
checkstate_path(const struct checkstate *cs)
{
	return cs->path;
}

int
checkstate_save(struct checkstate *cs, const struct check_record *rec,
    struct terr *err)
{
	sqlite3_stmt	*st = NULL;
	int		 ret = -1;

	if (sqlite3_prepare_v2(cs->db, "INSERT OR REPLACE INTO checks (name, "
	    "state, paused, last_success, last_start, down_since, "
	    "last_notified, last_message, reason) VALUES (?,?,?,?,?,?,?,?,?)",
	    -1, &st, NULL) != SQLITE_OK) {
		db_err(cs, "save", err);
		goto out;
	}
	sqlite3_bind_text(st, 1, rec->name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, check_state_name(rec->state), -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 3, rec->paused != 0);
	sqlite3_bind_int64(st, 4, rec->last_success_wall_ms);
	sqlite3_bind_int64(st, 5, rec->last_start_wall_ms);
	sqlite3_bind_int64(st, 6, rec->down_since_wall_ms);
	sqlite3_bind_int64(st, 7, rec->last_notified_wall_ms);
	sqlite3_bind_text(st, 8, rec->last_message ? rec->last_message : "", -1,
	    SQLITE_STATIC);
	sqlite3_bind_text(st, 9, rec->reason ? rec->reason : "", -1,
	    SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE) {
		db_err(cs, "save", err);
		goto out;
	}
	ret = 0;
out:
	sqlite3_finalize(st);
	return ret;
}

int
checkstate_delete(struct checkstate *cs, const char *name, struct terr *err)
{
	sqlite3_stmt	*st = NULL;
	int		 ret = -1;

	if (sqlite3_prepare_v2(cs->db, "DELETE FROM checks WHERE name = ?", -1,
	    &st, NULL) != SQLITE_OK) {
		db_err(cs, "delete", err);
		goto out;
	}
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE) {
		db_err(cs, "delete", err);
		goto out;
	}
	ret = 0;
out:
	sqlite3_finalize(st);
	return ret;
}

static char *
col_dup(sqlite3_stmt *st, int i)
{
	const unsigned char	*s = sqlite3_column_text(st, i);

	return strdup(s != NULL ? (const char *)s : "");
}

int
checkstate_load(struct checkstate *cs, struct check_record **recs, size_t *n,
    struct terr *err)
{
	sqlite3_stmt		*st = NULL;
	struct check_record	*v = NULL, *nv, *r;
	size_t			 cnt = 0, alloc = 0;
	const char		*state;
	int			 rc, ret = -1;

	*recs = NULL;
	*n = 0;
	if (sqlite3_prepare_v2(cs->db, "SELECT name, state, paused, "
	    "last_success, last_start, down_since, last_notified, last_message, "
	    "reason FROM checks ORDER BY name", -1, &st, NULL) != SQLITE_OK) {
		db_err(cs, "load", err);
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
			    "state \"%s\"", cs->path,
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
		db_err(cs, "load", err);
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

void
checkstate_records_free(struct check_record *recs, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++) {
		free((char *)recs[i].name);
		free((char *)recs[i].last_message);
		free((char *)recs[i].reason);
	}
	free(recs);
}
