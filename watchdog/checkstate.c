/* checkstate.c: check states in SQLite.
 *
 * Why SQLite rather than a JSON file rewritten with temp + fsync + rename:
 * the state changes on every ping (every minute per heartbeat), and SQLite
 * commits one row atomically and durably (WAL, synchronous=FULL) without
 * rewriting every check's 10 kB message each time; a crash mid-write leaves
 * the last committed state, and a damaged file is detected and reported. The
 * relay already depends on SQLite, so this adds nothing to install.
 *
 * Why one committer thread: each commit is an fsync (a couple of
 * milliseconds on a disk), so a ping that waited for its own would cap the
 * watchdog at a few hundred pings a second. Every save and delete is queued
 * and the committer writes whatever is waiting in one transaction (group
 * commit, as the relay's store does): N concurrent pings cost one fsync, and
 * the queue keeps their order, so a check's rows land in the order of its
 * events. */
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "checkstate.h"

#define SCHEMA_VERSION	1

/* A queued write: a save of rec, or with del the removal of rec.name. */
struct item {
	struct item		*next;
	bool			 del;
	struct check_record	 rec;		/* owned strings */
	checkstate_done_fn	 done;
	void			*arg;
};

struct checkstate {
	sqlite3		*db;
	char		*path;
	sqlite3_stmt	*ins, *rm;	/* the committer's */
	pthread_mutex_t	 mu;
	pthread_cond_t	 cv;
	struct item	*head, **tail;	/* under mu */
	bool		 stopping;	/* under mu */
	bool		 running;
	pthread_t	 th;
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

static void *committer(void *arg);

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

	if ((cs = calloc(1, sizeof(*cs))) != NULL) {
		pthread_mutex_init(&cs->mu, NULL);
		pthread_cond_init(&cs->cv, NULL);
		cs->tail = &cs->head;
	}
	if (cs == NULL ||
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
	if (sqlite3_prepare_v2(cs->db, "INSERT OR REPLACE INTO checks (name, "
	    "state, paused, last_success, last_start, down_since, "
	    "last_notified, last_message, reason) VALUES (?,?,?,?,?,?,?,?,?)",
	    -1, &cs->ins, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(cs->db, "DELETE FROM checks WHERE name = ?", -1,
	    &cs->rm, NULL) != SQLITE_OK) {
		db_err(cs, "prepare", err);
		goto fail;
	}
	if (pthread_create(&cs->th, NULL, committer, cs) != 0) {
		terr_set(err, "watchdog state %s: cannot start the committer", cs->path);
		goto fail;
	}
	cs->running = true;
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
	if (cs->running) {
		/* The committer finishes what is queued first. */
		pthread_mutex_lock(&cs->mu);
		cs->stopping = true;
		pthread_cond_signal(&cs->cv);
		pthread_mutex_unlock(&cs->mu);
		pthread_join(cs->th, NULL);
	}
	sqlite3_finalize(cs->ins);
	sqlite3_finalize(cs->rm);
	sqlite3_close(cs->db);
	pthread_cond_destroy(&cs->cv);
	pthread_mutex_destroy(&cs->mu);
	free(cs->path);
	free(cs);
}

const char *
checkstate_path(const struct checkstate *cs)
{
	return cs->path;
}

static void
item_free(struct item *it)
{
	free((char *)it->rec.name);
	free((char *)it->rec.last_message);
	free((char *)it->rec.reason);
	free(it);
}

/* One queued write, in the open transaction. */
static int
write_item(struct checkstate *cs, const struct item *it)
{
	const struct check_record *rec = &it->rec;
	sqlite3_stmt	*st = it->del ? cs->rm : cs->ins;
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

/* Writes the batch in one transaction: all of it is committed (and
 * fsynced) or none. */
static int
commit_batch(struct checkstate *cs, const struct item *batch, struct terr *err)
{
	const struct item *it;

	if (exec(cs, "BEGIN IMMEDIATE", "save", err) == -1)
		return -1;
	for (it = batch; it != NULL; it = it->next)
		if (write_item(cs, it) == -1) {
			db_err(cs, it->del ? "delete" : "save", err);
			(void)sqlite3_exec(cs->db, "ROLLBACK", NULL, NULL, NULL);
			return -1;
		}
	if (exec(cs, "COMMIT", "save", err) == -1) {
		(void)sqlite3_exec(cs->db, "ROLLBACK", NULL, NULL, NULL);
		return -1;
	}
	return 0;
}

static void *
committer(void *arg)
{
	struct checkstate *cs = arg;
	struct item	*batch, *next;
	struct terr	 err;
	int		 rc;

	pthread_mutex_lock(&cs->mu);
	for (;;) {
		while (cs->head == NULL && !cs->stopping)
			pthread_cond_wait(&cs->cv, &cs->mu);
		if (cs->head == NULL)
			break;
		batch = cs->head;
		cs->head = NULL;
		cs->tail = &cs->head;
		pthread_mutex_unlock(&cs->mu);
		memset(&err, 0, sizeof(err));
		rc = commit_batch(cs, batch, &err);
		for (; batch != NULL; batch = next) {
			next = batch->next;
			if (batch->done != NULL)
				batch->done(batch->arg, batch->rec.name, rc, &err);
			item_free(batch);
		}
		pthread_mutex_lock(&cs->mu);
	}
	pthread_mutex_unlock(&cs->mu);
	return NULL;
}

static int
enqueue(struct checkstate *cs, bool del, const struct check_record *rec,
    checkstate_done_fn done, void *arg, struct terr *err)
{
	struct item	*it;

	if ((it = calloc(1, sizeof(*it))) == NULL ||
	    (it->rec = *rec, it->rec.name = strdup(rec->name)) == NULL ||
	    (it->rec.last_message = strdup(rec->last_message ? rec->last_message : "")) == NULL ||
	    (it->rec.reason = strdup(rec->reason ? rec->reason : "")) == NULL) {
		if (it != NULL)
			item_free(it);
		return terr_set(err, "watchdog state %s: out of memory", cs->path);
	}
	it->del = del;
	it->done = done;
	it->arg = arg;
	pthread_mutex_lock(&cs->mu);
	*cs->tail = it;
	cs->tail = &it->next;
	pthread_cond_signal(&cs->cv);
	pthread_mutex_unlock(&cs->mu);
	return 0;
}

int
checkstate_save_async(struct checkstate *cs, const struct check_record *rec,
    checkstate_done_fn done, void *arg, struct terr *err)
{
	return enqueue(cs, false, rec, done, arg, err);
}

/* A caller waiting for its write, as the synchronous functions do. */
struct waiter {
	pthread_mutex_t	 mu;
	pthread_cond_t	 cv;
	bool		 done;
	int		 rc;
	struct terr	 err;
};

static void
wake(void *arg, const char *name, int rc, const struct terr *err)
{
	struct waiter	*w = arg;

	(void)name;
	pthread_mutex_lock(&w->mu);
	w->rc = rc;
	if (rc == -1)
		w->err = *err;
	w->done = true;
	pthread_cond_signal(&w->cv);
	pthread_mutex_unlock(&w->mu);
}

static int
write_and_wait(struct checkstate *cs, bool del, const struct check_record *rec,
    struct terr *err)
{
	struct waiter	w;
	int		rc;

	memset(&w, 0, sizeof(w));
	pthread_mutex_init(&w.mu, NULL);
	pthread_cond_init(&w.cv, NULL);
	if ((rc = enqueue(cs, del, rec, wake, &w, err)) == 0) {
		pthread_mutex_lock(&w.mu);
		while (!w.done)
			pthread_cond_wait(&w.cv, &w.mu);
		pthread_mutex_unlock(&w.mu);
		if ((rc = w.rc) == -1)
			*err = w.err;
	}
	pthread_cond_destroy(&w.cv);
	pthread_mutex_destroy(&w.mu);
	return rc;
}

int
checkstate_save(struct checkstate *cs, const struct check_record *rec,
    struct terr *err)
{
	return write_and_wait(cs, false, rec, err);
}

int
checkstate_delete(struct checkstate *cs, const char *name, struct terr *err)
{
	struct check_record	rec;

	memset(&rec, 0, sizeof(rec));
	rec.name = name;
	return write_and_wait(cs, true, &rec, err);
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
