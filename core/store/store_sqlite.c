/* store_sqlite.c: the embedded store backend: one SQLite database in WAL mode
 * with synchronous=FULL under --storage.path, one writer connection used by
 * the committer thread only, one reader connection for everything else, and
 * a checkpointer thread with its own connection. */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "clock.h"
#include "log.h"
#include "store.h"
#include "store_mark.h"

#define BUSY_MS		5000	/* the queue CLI may write while the relay runs */
/* How often the mark's last id follows the commits: each write of the mark
 * costs two fsyncs, so not per commit. Between two writes (and after a
 * crash) the mark is behind the database, which its check allows. */
#define MARK_EVERY_MS	60000
#define NO_PAGE_LIMIT	4294967294LL	/* SQLite's largest max_page_count */
/* WAL pages after which the checkpointer copies them into the database
 * (SQLite's own autocheckpoint threshold), and past which the committer
 * copies what is left itself, however much, so that the WAL starts over
 * even when the checkpointer cannot keep up. */
#define CKPT_PAGES	1000
#define WAL_MAX_PAGES	(4 * CKPT_PAGES)

/*
 * Schema migrations: entry i takes user_version i to i + 1. Append, never
 * edit: a database in the field has run the old entries.
 *
 * AUTOINCREMENT so that ids are never reused after prune or drop: ids are the
 * FIFO order and what the operator types into `queue retry ID`.
 */
static const char *const migrations[] = {
	"CREATE TABLE messages ("
	"  id INTEGER PRIMARY KEY AUTOINCREMENT,"
	"  created INTEGER NOT NULL,"
	"  receiver TEXT NOT NULL,"
	"  integration TEXT NOT NULL,"
	"  dest TEXT NOT NULL,"
	"  dedup_key TEXT,"
	"  payload BLOB NOT NULL,"
	"  state TEXT NOT NULL DEFAULT 'pending'"
	"    CHECK (state IN ('pending', 'delivered', 'dead')),"
	"  attempts INTEGER NOT NULL DEFAULT 0,"
	"  next_attempt INTEGER NOT NULL,"
	"  last_error TEXT,"
	"  done_at INTEGER"
	");"
	"CREATE INDEX messages_pending ON messages (dest, id) WHERE state = 'pending';"
	"CREATE INDEX messages_dedup ON messages (dedup_key, created)"
	"  WHERE dedup_key IS NOT NULL;"
	"CREATE INDEX messages_done ON messages (done_at) WHERE state <> 'pending';",
	/* Receipts the poller follows, and who acknowledged which group. */
	"CREATE TABLE receipts ("
	"  receipt TEXT PRIMARY KEY,"
	"  receiver TEXT NOT NULL,"
	"  integration TEXT NOT NULL,"
	"  group_key TEXT NOT NULL,"
	"  expires INTEGER NOT NULL,"
	"  next_poll INTEGER NOT NULL,"
	"  cancel INTEGER NOT NULL DEFAULT 0"
	");"
	"CREATE INDEX receipts_poll ON receipts (next_poll);"
	"CREATE INDEX receipts_group ON receipts (receiver, group_key);"
	"CREATE TABLE group_acks ("
	"  receiver TEXT NOT NULL,"
	"  group_key TEXT NOT NULL,"
	"  acked_by TEXT NOT NULL,"
	"  acked_at INTEGER NOT NULL,"
	"  PRIMARY KEY (receiver, group_key)"
	");",
	/* The phone loop: button records and poll offsets. */
	"CREATE TABLE action_records ("
	"  id TEXT PRIMARY KEY,"
	"  created INTEGER NOT NULL,"
	"  expires INTEGER NOT NULL,"
	"  receiver TEXT NOT NULL,"
	"  integration TEXT NOT NULL,"
	"  group_key TEXT NOT NULL,"
	"  labels TEXT NOT NULL,"
	"  chat TEXT NOT NULL,"
	"  message_id INTEGER NOT NULL DEFAULT 0,"
	"  silence_id TEXT NOT NULL DEFAULT ''"
	");"
	"CREATE INDEX action_records_expires ON action_records (expires);"
	"CREATE TABLE cursors ("
	"  name TEXT PRIMARY KEY,"
	"  value INTEGER NOT NULL"
	");",
	/* Resolved edits the firing message (Telegram's update_message). */
	"CREATE TABLE group_messages ("
	"  receiver TEXT NOT NULL,"
	"  integration TEXT NOT NULL,"
	"  group_key TEXT NOT NULL,"
	"  chat TEXT NOT NULL,"
	"  message_id INTEGER NOT NULL,"
	"  updated INTEGER NOT NULL,"
	"  PRIMARY KEY (receiver, integration, group_key)"
	");"
	"CREATE INDEX group_messages_updated ON group_messages (updated);",
	/* The identity the mark beside the database names (store_mark.h). */
	"CREATE TABLE store_identity ("
	"  one INTEGER PRIMARY KEY CHECK (one = 1),"
	"  id TEXT NOT NULL"
	");",
	/* Escalation timers (the escalate extension). */
	"CREATE TABLE escalations ("
	"  receiver TEXT NOT NULL,"
	"  group_key TEXT NOT NULL,"
	"  body TEXT NOT NULL,"
	"  since INTEGER NOT NULL,"
	"  next_at INTEGER NOT NULL,"
	"  repeats INTEGER NOT NULL,"
	"  escalated INTEGER NOT NULL,"
	"  resolved INTEGER NOT NULL DEFAULT 0,"
	"  PRIMARY KEY (receiver, group_key)"
	");"
	"CREATE INDEX escalations_next ON escalations (next_at);",
	/* The dedup window moved to the committer's memory (RECENT below):
	 * this index took a random leaf for every message, about half of
	 * the pages each commit wrote. */
	"DROP INDEX messages_dedup;",
};
#define NMIGRATIONS ((int)(sizeof(migrations) / sizeof(migrations[0])))

#define COLS "id, created, receiver, integration, dest, dedup_key, state," \
	" attempts, next_attempt, last_error, done_at"

/*
 * The heads of all destinations: each one's oldest pending message. The
 * distinct destinations are walked through the messages_pending index one
 * seek at a time (a skip scan), then each head is one more seek, so the cost
 * grows with the number of destinations, not with the backlog. A GROUP BY
 * over the index reads every pending row, and the dispatcher asks after
 * commits: with a destination down and tens of thousands of messages
 * waiting for it, that scan was the relay's largest CPU cost.
 */
#define HEADS "WITH RECURSIVE d(dest) AS (" \
	" SELECT (SELECT dest FROM messages WHERE state = 'pending'" \
	" ORDER BY dest LIMIT 1)" \
	" UNION ALL SELECT (SELECT dest FROM messages WHERE state = 'pending'" \
	" AND dest > d.dest ORDER BY dest LIMIT 1) FROM d" \
	" WHERE d.dest IS NOT NULL)" \
	" SELECT m.dest, m.id, m.next_attempt FROM d JOIN messages m ON m.id =" \
	" (SELECT id FROM messages WHERE state = 'pending' AND dest = d.dest" \
	" ORDER BY id LIMIT 1) WHERE d.dest IS NOT NULL"

/*
 * The dedup window, in the committer's own memory: an attached in-memory
 * database holding, for each message accepted within the window, its id,
 * the first 16 characters of its dedup key and when it was created. A
 * lookup finds candidates by that prefix and confirms the whole key on the
 * message's row, so a row dropped or pruned since is no match, as it was no
 * match for the index this replaces. Being attached, it commits and rolls
 * back with the messages; it is filled from the messages table on the
 * first enqueue with a window (RECENT_LOAD) and trimmed to the window as
 * time passes. About 90 bytes per message accepted within the window.
 */
#define RECENT_SCHEMA \
	"ATTACH DATABASE ':memory:' AS recent;" \
	"CREATE TABLE recent.dedup (id INTEGER PRIMARY KEY, k TEXT NOT NULL," \
	"  created INTEGER NOT NULL);" \
	"CREATE INDEX recent.dedup_k ON dedup (k);" \
	"CREATE INDEX recent.dedup_created ON dedup (created);"
/* How often the committer trims the window, in store milliseconds. */
#define RECENT_TRIM_MS	1000

enum wstmt {
	W_DEDUP,
	W_RECENT_ADD,
	W_RECENT_LOAD,
	W_RECENT_TRIM,
	W_INSERT,
	W_STATE,
	W_DELIVERED,
	W_RETRY,
	W_WAIT,
	W_DEAD,
	W_REQUEUE,
	W_DROP,
	W_PRUNE,
	W_PRUNE_ACTIONS,
	W_ACTION_PUT,
	W_ACTION_MESSAGE,
	W_ACTION_SILENCE,
	W_CURSOR,
	W_GROUP_MESSAGE,
	W_PRUNE_GROUP_MESSAGES,
	W_TIMER_RUNS,
	W_NSTMT,
};

static const char *const wsql[W_NSTMT] = {
	[W_DEDUP] = "SELECT d.id FROM recent.dedup d JOIN messages m ON m.id = d.id"
	    " WHERE d.k = substr(?1, 1, 16) AND d.created > ?2"
	    " AND m.dedup_key = ?1 LIMIT 1",
	[W_RECENT_ADD] = "INSERT OR REPLACE INTO recent.dedup (id, k, created)"
	    " VALUES (?1, substr(?2, 1, 16), ?3)",
	[W_RECENT_LOAD] = "INSERT OR REPLACE INTO recent.dedup (id, k, created)"
	    " SELECT id, substr(dedup_key, 1, 16), created FROM messages"
	    " WHERE dedup_key IS NOT NULL AND created > ?1",
	[W_RECENT_TRIM] = "DELETE FROM recent.dedup WHERE created <= ?1",
	[W_INSERT] = "INSERT INTO messages (created, receiver, integration, dest,"
	    " dedup_key, payload, next_attempt) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?1)",
	[W_STATE] = "SELECT state FROM messages WHERE id = ?1",
	[W_DELIVERED] = "UPDATE messages SET state = 'delivered', done_at = ?2"
	    " WHERE id = ?1 AND state = 'pending'",
	[W_RETRY] = "UPDATE messages SET attempts = attempts + 1,"
	    " next_attempt = ?2, last_error = ?3 WHERE id = ?1 AND state = 'pending'",
	[W_WAIT] = "UPDATE messages SET next_attempt = ?2, last_error = ?3"
	    " WHERE id = ?1 AND state = 'pending'",
	[W_DEAD] = "UPDATE messages SET state = 'dead', attempts = attempts + 1,"
	    " done_at = ?2, last_error = ?3 WHERE id = ?1 AND state = 'pending'",
	[W_REQUEUE] = "UPDATE messages SET state = 'pending', attempts = 0,"
	    " next_attempt = ?2, done_at = NULL WHERE id = ?1 AND state = 'dead'",
	[W_DROP] = "DELETE FROM messages WHERE id = ?1",
	[W_PRUNE] = "DELETE FROM messages WHERE state <> 'pending' AND done_at < ?1",
	[W_PRUNE_ACTIONS] = "DELETE FROM action_records WHERE expires < ?1",
	[W_ACTION_PUT] = "INSERT OR REPLACE INTO action_records (id, created,"
	    " expires, receiver, integration, group_key, labels, chat, message_id,"
	    " silence_id) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
	[W_ACTION_MESSAGE] = "UPDATE action_records SET message_id = ?2"
	    " WHERE id = ?1",
	[W_ACTION_SILENCE] = "UPDATE action_records SET silence_id = ?2"
	    " WHERE id = ?1",
	[W_CURSOR] = "INSERT OR REPLACE INTO cursors (name, value) VALUES (?1, ?2)",
	[W_GROUP_MESSAGE] = "INSERT OR REPLACE INTO group_messages (receiver,"
	    " integration, group_key, chat, message_id, updated)"
	    " VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
	[W_PRUNE_GROUP_MESSAGES] = "DELETE FROM group_messages WHERE updated < ?1",
	[W_TIMER_RUNS] = "SELECT 1 FROM escalations WHERE receiver = ?1"
	    " AND group_key = ?2 AND since = ?3 AND NOT resolved",
};

/* The dispatcher's reads, prepared once: it runs them after commits, and
 * parsing the heads query each time cost more than running it. */
enum rstmt {
	R_HEAD,
	R_GET,
	R_DUE,
	R_NEXT_DUE,
	R_ACTION,
	R_CURSOR,
	R_GROUP_MESSAGE,
	R_NSTMT,
};

static const char *const rsql[R_NSTMT] = {
	[R_HEAD] = "SELECT " COLS ", payload FROM messages"
	    " WHERE dest = ?1 AND state = 'pending' ORDER BY id LIMIT 1",
	[R_GET] = "SELECT " COLS ", payload FROM messages WHERE id = ?1",
	[R_DUE] = HEADS " AND m.next_attempt <= ?1 ORDER BY m.id",
	[R_NEXT_DUE] = "SELECT MIN(next_attempt) FROM (" HEADS ")",
	[R_ACTION] = "SELECT created, expires, receiver, integration, group_key,"
	    " labels, chat, message_id, silence_id FROM action_records WHERE id = ?1",
	[R_CURSOR] = "SELECT value FROM cursors WHERE name = ?1",
	[R_GROUP_MESSAGE] = "SELECT chat, message_id FROM group_messages"
	    " WHERE receiver = ?1 AND integration = ?2 AND group_key = ?3",
};

struct sqlbe {
	sqlite3		*w;		/* the committer's connection */
	sqlite3_stmt	*ws[W_NSTMT];
	sqlite3		*r;		/* readers', under rmu */
	sqlite3_stmt	*rs[R_NSTMT];	/* prepared on first use, under rmu */
	pthread_mutex_t	 rmu;
	char		*markfile;
	struct store_mark mark;		/* as last written; the committer's */
	int64_t		 mark_at;	/* store clock at that write */
	int64_t		 last_id;	/* highest id committed; the committer's */
	/* The window RECENT holds (the largest an enqueue asked for; 0 until
	 * loaded) and when it was last trimmed; the committer's. */
	int64_t		 recent_window;
	int64_t		 recent_trimmed;
	bool		 damaged;	/* atomic: see store_ops.damaged */
	/* The checkpointer: its connection and thread, woken under cmu by
	 * the writer's WAL hook. */
	sqlite3		*c;
	pthread_t	 ckpt;
	bool		 ckpt_started;
	pthread_mutex_t	 cmu;
	pthread_cond_t	 ccv;
	bool		 ckpt_due, ckpt_stop;
	bool		 ckpt_busy;	/* a checkpoint runs; under cmu */
	int		 ckpt_upto;	/* WAL frames it copied; under cmu */
};

static const char *
code_name(int rc)
{
	switch (rc & 0xff) {
	case SQLITE_FULL:
		return "SQLITE_FULL";
	case SQLITE_IOERR:
		return "SQLITE_IOERR";
	case SQLITE_BUSY:
		return "SQLITE_BUSY";
	case SQLITE_LOCKED:
		return "SQLITE_LOCKED";
	case SQLITE_NOMEM:
		return "SQLITE_NOMEM";
	case SQLITE_READONLY:
		return "SQLITE_READONLY";
	case SQLITE_CORRUPT:
		return "SQLITE_CORRUPT";
	case SQLITE_NOTADB:
		return "SQLITE_NOTADB";
	case SQLITE_CANTOPEN:
		return "SQLITE_CANTOPEN";
	case SQLITE_CONSTRAINT:
		return "SQLITE_CONSTRAINT";
	case SQLITE_PERM:
		return "SQLITE_PERM";
	case SQLITE_TOOBIG:
		return "SQLITE_TOOBIG";
	default:
		return "SQLITE_ERROR";
	}
}

/* What a damaged database answers, as opposed to a full disk, a busy lock
 * or a constraint. */
static bool
is_damage(int rc)
{
	if (rc == SQLITE_IOERR_NOMEM)
		return false;
	switch (rc & 0xff) {
	case SQLITE_CORRUPT:
	case SQLITE_NOTADB:
	case SQLITE_IOERR:
		return true;
	default:
		return false;
	}
}

/* Only ever set: the committer and the readers fail independently, and a
 * full disk after the damage must not make it look repaired. */
static void
note_rc(struct sqlbe *be, int rc)
{
	if (is_damage(rc))
		__atomic_store_n(&be->damaged, true, __ATOMIC_RELAXED);
}

static bool
be_damaged(void *arg)
{
	struct sqlbe	*be = arg;

	return __atomic_load_n(&be->damaged, __ATOMIC_RELAXED);
}

/* "store: <what>: <SQLite's message> (SQLITE_X)". Never quotes data. */
static int
dberr(struct terr *err, sqlite3 *db, int rc, const char *what)
{
	return terr_set(err, "store: %s: %s (%s)", what,
	    db != NULL ? sqlite3_errmsg(db) : sqlite3_errstr(rc), code_name(rc));
}

static int
exec(sqlite3 *db, const char *sql, const char *what, struct terr *err)
{
	int	 rc;

	if ((rc = sqlite3_exec(db, sql, NULL, NULL, NULL)) != SQLITE_OK)
		return dberr(err, db, rc, what);
	return 0;
}

static void
rollback(sqlite3 *db)
{
	/* SQLITE_FULL and SQLITE_IOERR may already have rolled back. */
	if (!sqlite3_get_autocommit(db))
		sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
}

static int
sync_dir(const char *path, struct terr *err)
{
	int	 fd, rc = 0;

	if ((fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1)
		return terr_set(err, "store: %s: %s", path, strerror(errno));
	if (fsync(fd) == -1 && errno != EINVAL)
		rc = terr_set(err, "store: fsync %s: %s", path, strerror(errno));
	close(fd);
	return rc;
}

static int
open_db(const char *file, sqlite3 **db, struct terr *err)
{
	int	 rc;

	rc = sqlite3_open_v2(file, db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
	    SQLITE_OPEN_FULLMUTEX, NULL);
	if (rc != SQLITE_OK) {
		terr_set(err, "store: cannot open %s: %s (%s)", file,
		    *db != NULL ? sqlite3_errmsg(*db) : sqlite3_errstr(rc),
		    code_name(rc));
		sqlite3_close(*db);
		*db = NULL;
		return -1;
	}
	sqlite3_extended_result_codes(*db, 1);
	sqlite3_busy_timeout(*db, BUSY_MS);
	return 0;
}

static int
pragma_int(sqlite3 *db, const char *sql, int64_t *out, struct terr *err)
{
	sqlite3_stmt	*st;
	int		 rc;

	if ((rc = sqlite3_prepare_v2(db, sql, -1, &st, NULL)) != SQLITE_OK)
		return dberr(err, db, rc, sql);
	rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		dberr(err, db, rc, sql);
		sqlite3_finalize(st);
		return -1;
	}
	*out = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return 0;
}

/* One migration per transaction, the version read inside it: another
 * process opening the same directory at the same time migrates or waits,
 * never runs a step twice. */
static int
migrate(sqlite3 *db, struct terr *err)
{
	char	 sql[64];
	int64_t	 v;

	for (;;) {
		if (exec(db, "BEGIN IMMEDIATE", "migrate", err) == -1)
			return -1;
		if (pragma_int(db, "PRAGMA user_version", &v, err) == -1)
			goto fail;
		if (v > NMIGRATIONS) {
			terr_set(err, "store: database schema version %" PRId64
			    " is newer than this program knows (%d)", v,
			    NMIGRATIONS);
			goto fail;
		}
		if (v == NMIGRATIONS)
			return exec(db, "COMMIT", "migrate", err);
		snprintf(sql, sizeof(sql), "PRAGMA user_version = %d",
		    (int)v + 1);
		if (exec(db, migrations[v], "migrate", err) == -1 ||
		    exec(db, sql, "migrate", err) == -1 ||
		    exec(db, "COMMIT", "migrate", err) == -1)
			goto fail;
	}
fail:
	rollback(db);
	return -1;
}

/* journal_mode answers with the mode it got, which is not WAL where the
 * file system cannot share memory between processes. */
static int
set_wal(sqlite3 *db, struct terr *err)
{
	sqlite3_stmt	*st;
	const char	*mode;
	int		 rc, ret = -1;

	rc = sqlite3_prepare_v2(db, "PRAGMA journal_mode = WAL", -1, &st, NULL);
	if (rc != SQLITE_OK)
		return dberr(err, db, rc, "set WAL mode");
	if ((rc = sqlite3_step(st)) != SQLITE_ROW)
		dberr(err, db, rc, "set WAL mode");
	else if ((mode = (const char *)sqlite3_column_text(st, 0)) == NULL ||
	    strcmp(mode, "wal") != 0)
		terr_set(err, "store: the database cannot use WAL mode (got %s)",
		    mode != NULL ? mode : "nothing");
	else
		ret = 0;
	sqlite3_finalize(st);
	return ret;
}

/* On a connection of its own: the pages it reads do not stay in the
 * committer's cache, so damage that comes later is met by the first write
 * that needs the page rather than hidden behind the cache. */
int
store_sqlite_check(const char *file, struct terr *err)
{
	sqlite3		*db = NULL;
	sqlite3_stmt	*st = NULL;
	const char	*row;
	char		 why[256];
	int		 rc, ret = -1;

	if (open_db(file, &db, err) == -1)
		return -1;
	rc = sqlite3_prepare_v2(db, "PRAGMA quick_check(1)", -1, &st, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		row = (const char *)sqlite3_column_text(st, 0);
		if (row != NULL && strcmp(row, "ok") == 0)
			ret = 0;
		else if (row == NULL)
			snprintf(why, sizeof(why), "no answer");
		else {
			/* "*** in database main ***\nPage 21: ...": the
			 * first line names the schema, the next the fault. */
			if (strncmp(row, "*** ", 4) == 0 && strchr(row, '\n'))
				row = strchr(row, '\n') + 1;
			snprintf(why, sizeof(why), "%.*s",
			    (int)strcspn(row, "\n"), row);
		}
	} else
		snprintf(why, sizeof(why), "%s (%s)", sqlite3_errmsg(db),
		    code_name(rc));
	if (ret == -1)
		terr_set(err, "%s", why);
	sqlite3_finalize(st);
	sqlite3_close(db);
	return ret;
}

static int
check_integrity(const char *file, struct terr *err)
{
	struct terr	 why;

	if (store_sqlite_check(file, &why) == 0)
		return 0;
	return terr_set(err, "store: %s is damaged: %s; refusing to start:"
	    " restore it from a backup, or move it and its -wal file aside and"
	    " start with --storage.allow-empty to begin empty on purpose", file,
	    why.msg);
}

/* The database's identity into id with *has 1, or *has 0 when it has none
 * yet. */
static int
read_identity(sqlite3 *db, char id[STORE_MARK_ID_LEN + 1], int *has,
    struct terr *err)
{
	sqlite3_stmt	*st;
	const char	*v;
	int		 rc;

	*has = 0;
	rc = sqlite3_prepare_v2(db, "SELECT id FROM store_identity", -1, &st,
	    NULL);
	if (rc != SQLITE_OK)
		return dberr(err, db, rc, "read the identity");
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		v = (const char *)sqlite3_column_text(st, 0);
		snprintf(id, STORE_MARK_ID_LEN + 1, "%s", v != NULL ? v : "");
		*has = 1;
	} else if (rc != SQLITE_DONE) {
		dberr(err, db, rc, "read the identity");
		sqlite3_finalize(st);
		return -1;
	}
	sqlite3_finalize(st);
	return 0;
}

/* Gives a database without an identity one; a second process doing the
 * same at the same moment loses the race and reads the winner's. */
static int
make_identity(sqlite3 *db, char id[STORE_MARK_ID_LEN + 1], struct terr *err)
{
	sqlite3_stmt	*st;
	char		 fresh[STORE_MARK_ID_LEN + 1];
	int		 rc, has;

	if (store_mark_new_id(fresh, err) == -1)
		return -1;
	rc = sqlite3_prepare_v2(db, "INSERT OR IGNORE INTO store_identity"
	    " (one, id) VALUES (1, ?1)", -1, &st, NULL);
	if (rc != SQLITE_OK)
		return dberr(err, db, rc, "store the identity");
	sqlite3_bind_text(st, 1, fresh, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return dberr(err, db, rc, "store the identity");
	if (read_identity(db, id, &has, err) == -1)
		return -1;
	if (!has)
		return terr_set(err, "store: the identity did not stay");
	return 0;
}

#define IDENTITY_VERSION	5	/* the migration that added store_identity */

/*
 * Compares the database with its mark (store_mark.h) before migrating, so
 * that a refused database stays as it was found and is refused the same
 * way next time. version is its schema version: 0 is a database that did
 * not exist or was empty.
 */
static int
judge_mark(struct sqlbe *be, const struct store_params *p, const char *file,
    int64_t version, struct terr *err)
{
	struct store_mark	 mark;
	struct store_mark_db	 db;
	char			 id[STORE_MARK_ID_LEN + 1], lost[32];
	int			 marked, has = 0;

	memset(&db, 0, sizeof(db));
	db.fresh = version == 0;
	if (store_mark_read(be->markfile, &mark, &marked, err) == -1)
		return -1;
	if (!marked)
		return 0;
	if (version >= IDENTITY_VERSION &&
	    read_identity(be->w, id, &has, err) == -1)
		return -1;
	if (!db.fresh && pragma_int(be->w, "SELECT COALESCE((SELECT seq FROM"
	    " sqlite_sequence WHERE name = 'messages'), 0)", &db.last_id,
	    err) == -1)
		return -1;
	db.id = has ? id : NULL;
	switch (store_mark_judge(&mark, &db, p->allow_empty, file, be->markfile,
	    err)) {
	case STORE_MARK_REFUSE:
		return -1;
	case STORE_MARK_EMPTY_ALLOWED:
		snprintf(lost, sizeof(lost), "%" PRId64, mark.last_id);
		log_warn("Starting with an empty queue on purpose"
		    " (--storage.allow-empty): the messages of the marked"
		    " database are not in it", "db", file, "mark", be->markfile,
		    "lost_up_to_id", lost);
		break;
	case STORE_MARK_OK:
		break;
	}
	return 0;
}

/* After migrating: gives the database an identity if it has none and
 * writes the mark naming it and its last id. */
static int
set_mark(struct sqlbe *be, const struct store_params *p, struct terr *err)
{
	char	 id[STORE_MARK_ID_LEN + 1];
	int64_t	 last;
	int	 has;

	if (read_identity(be->w, id, &has, err) == -1 ||
	    (!has && make_identity(be->w, id, err) == -1) ||
	    pragma_int(be->w, "SELECT COALESCE((SELECT seq FROM"
	    " sqlite_sequence WHERE name = 'messages'), 0)", &last, err) == -1)
		return -1;
	memcpy(be->mark.id, id, sizeof(be->mark.id));
	be->mark.last_id = be->last_id = last;
	be->mark_at = p->clock != NULL ? p->clock(p->clock_arg) : wall_ms();
	return store_mark_write(be->markfile, &be->mark, err);
}

/* Brings the mark's last id up to the last commit; failing is only logged,
 * since the mark may lag behind the database. */
static void
update_mark(struct sqlbe *be)
{
	struct terr	 err;

	if (be->mark.id[0] == '\0' || be->last_id <= be->mark.last_id)
		return;
	be->mark.last_id = be->last_id;
	if (store_mark_write(be->markfile, &be->mark, &err) == -1)
		log_warn("Cannot update the store's mark", "err", err.msg);
}

static void
be_close(void *arg)
{
	struct sqlbe	*be = arg;
	int		 i;

	if (be == NULL)
		return;
	update_mark(be);
	if (be->ckpt_started) {
		sqlite3_wal_hook(be->w, NULL, NULL);
		pthread_mutex_lock(&be->cmu);
		be->ckpt_stop = true;
		pthread_cond_signal(&be->ccv);
		pthread_mutex_unlock(&be->cmu);
		pthread_join(be->ckpt, NULL);
	}
	sqlite3_close(be->c);
	pthread_cond_destroy(&be->ccv);
	pthread_mutex_destroy(&be->cmu);
	/* The writer closes last, so that it is the one that checkpoints the
	 * WAL into the database. */
	for (i = 0; i < R_NSTMT; i++)
		sqlite3_finalize(be->rs[i]);
	sqlite3_close(be->r);
	for (i = 0; i < W_NSTMT; i++)
		sqlite3_finalize(be->ws[i]);
	sqlite3_close(be->w);
	pthread_mutex_destroy(&be->rmu);
	free(be->markfile);
	free(be);
}

/* A commit used to run SQLite's automatic checkpoint on the committer
 * thread once the WAL held CKPT_PAGES pages: copying them into the database
 * and its fsync went into that commit's time, and every request waiting for
 * the next commit waited for it too. The writer's WAL hook now wakes this
 * thread, which runs the same PASSIVE checkpoint on its own connection while
 * the committer goes on appending to the WAL. A checkpoint copies only what
 * is durable in the WAL already, so what a 200 promises does not depend on
 * it; one that fails is retried after a later commit. */
static void *
checkpointer(void *arg)
{
	struct sqlbe	*be = arg;
	int		 rc, wal, copied;

	pthread_mutex_lock(&be->cmu);
	for (;;) {
		while (!be->ckpt_due && !be->ckpt_stop)
			pthread_cond_wait(&be->ccv, &be->cmu);
		if (be->ckpt_stop)
			break;
		be->ckpt_due = false;
		be->ckpt_busy = true;
		pthread_mutex_unlock(&be->cmu);
		wal = copied = 0;
		rc = sqlite3_wal_checkpoint_v2(be->c, NULL,
		    SQLITE_CHECKPOINT_PASSIVE, &wal, &copied);
		if (rc != SQLITE_OK && rc != SQLITE_BUSY) {
			note_rc(be, sqlite3_extended_errcode(be->c));
			log_warn("Store checkpoint failed", "err",
			    sqlite3_errmsg(be->c));
		}
		pthread_mutex_lock(&be->cmu);
		be->ckpt_busy = false;
		be->ckpt_upto = rc == SQLITE_OK && copied > 0 ? copied : 0;
	}
	pthread_mutex_unlock(&be->cmu);
	return NULL;
}

/*
 * The writer's WAL hook, after each commit on the committer thread; pages
 * is the number of frames in the WAL. SQLite starts the WAL over only when
 * a write transaction begins after a checkpoint that copied every frame,
 * which a checkpoint running beside back-to-back commits never does: alone,
 * the checkpointer would let the WAL grow for as long as the load lasts
 * (100 MB in 5 s of the intake benchmark). So the committer copies the rest
 * itself once the checkpointer has copied the bulk (a few commits' worth,
 * not CKPT_PAGES), or whatever is there past WAL_MAX_PAGES.
 */
static int
wal_hook(void *arg, sqlite3 *db, const char *name, int pages)
{
	struct sqlbe	*be = arg;
	bool		 here = false;
	int		 rc, upto;

	(void)name;
	if (pages < CKPT_PAGES)
		return SQLITE_OK;
	pthread_mutex_lock(&be->cmu);
	upto = be->ckpt_upto <= pages ? be->ckpt_upto : 0;
	if (pages >= WAL_MAX_PAGES ||
	    (!be->ckpt_busy && upto > 0 && pages - upto < CKPT_PAGES / 2)) {
		here = true;
		be->ckpt_upto = 0;
	} else if (!be->ckpt_busy && pages - upto >= CKPT_PAGES / 2) {
		be->ckpt_due = true;
		pthread_cond_signal(&be->ccv);
	}
	pthread_mutex_unlock(&be->cmu);
	if (here && (rc = sqlite3_wal_checkpoint_v2(db, NULL,
	    SQLITE_CHECKPOINT_PASSIVE, NULL, NULL)) != SQLITE_OK &&
	    rc != SQLITE_BUSY) {
		note_rc(be, sqlite3_extended_errcode(db));
		log_warn("Store checkpoint failed", "err", sqlite3_errmsg(db));
	}
	return SQLITE_OK;
}

/* Opens the checkpointer's connection and starts its thread; from then on
 * the writer's commits only wake it. */
static int
start_checkpointer(struct sqlbe *be, const char *file, struct terr *err)
{
	int	 rc;

	if (open_db(file, &be->c, err) == -1 ||
	    exec(be->c, "PRAGMA synchronous = FULL", "set synchronous", err) == -1)
		return -1;
	if ((rc = pthread_create(&be->ckpt, NULL, checkpointer, be)) != 0)
		return terr_set(err, "store: cannot start the checkpointer: %s",
		    strerror(rc));
	be->ckpt_started = true;
	/* replaces SQLite's automatic checkpoint on the writer */
	sqlite3_wal_hook(be->w, wal_hook, be);
	return 0;
}

static int
be_open(const struct store_params *p, void **out, struct terr *err)
{
	struct sqlbe	*be = NULL;
	struct stat	 sb;
	char		*file = NULL;
	int64_t		 version;
	int		 i, rc;

	if (p->path == NULL || *p->path == '\0')
		return terr_set(err, "store: no storage path");
	if (mkdir(p->path, 0700) == -1 && errno != EEXIST)
		return terr_set(err, "store: cannot create %s: %s", p->path,
		    strerror(errno));
	if (stat(p->path, &sb) == -1)
		return terr_set(err, "store: %s: %s", p->path, strerror(errno));
	if (!S_ISDIR(sb.st_mode))
		return terr_set(err, "store: %s is not a directory", p->path);
	if (asprintf(&file, "%s/%s", p->path, STORE_SQLITE_FILE) == -1)
		return terr_set(err, "store: out of memory");
	if ((be = calloc(1, sizeof(*be))) == NULL) {
		terr_set(err, "store: out of memory");
		goto fail;
	}
	pthread_mutex_init(&be->rmu, NULL);
	pthread_mutex_init(&be->cmu, NULL);
	pthread_cond_init(&be->ccv, NULL);
	if (asprintf(&be->markfile, "%s/%s", p->path, STORE_SQLITE_MARK) == -1) {
		be->markfile = NULL;
		terr_set(err, "store: out of memory");
		goto fail;
	}
	if (open_db(file, &be->w, err) == -1 ||
	    check_integrity(file, err) == -1)
		goto fail;
	/* WAL: readers never block the committer nor the other way round.
	 * synchronous=FULL: every commit fsyncs the WAL before it returns,
	 * which is the promise behind the 200. */
	if (set_wal(be->w, err) == -1 ||
	    exec(be->w, "PRAGMA synchronous = FULL", "set synchronous", err) == -1 ||
	    pragma_int(be->w, "PRAGMA user_version", &version, err) == -1 ||
	    judge_mark(be, p, file, version, err) == -1 ||
	    migrate(be->w, err) == -1 ||
	    set_mark(be, p, err) == -1)
		goto fail;
	/* The database file may just have been created: make its name as
	 * durable as its contents. */
	if (sync_dir(p->path, err) == -1 ||
	    exec(be->w, RECENT_SCHEMA, "create the dedup window", err) == -1)
		goto fail;
	for (i = 0; i < W_NSTMT; i++) {
		rc = sqlite3_prepare_v3(be->w, wsql[i], -1,
		    SQLITE_PREPARE_PERSISTENT, &be->ws[i], NULL);
		if (rc != SQLITE_OK) {
			dberr(err, be->w, rc, "prepare");
			goto fail;
		}
	}
	if (open_db(file, &be->r, err) == -1 ||
	    exec(be->r, "PRAGMA query_only = 1", "set query_only", err) == -1 ||
	    start_checkpointer(be, file, err) == -1)
		goto fail;
	free(file);
	*out = be;
	return 0;
fail:
	be_close(be);
	free(file);
	return -1;
}

/* Runs a write statement to completion; ws are reset before use. */
static int
step_done(struct sqlbe *be, sqlite3_stmt *st, const char *what, struct terr *err)
{
	int	 rc;

	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return dberr(err, be->w, rc, what);
	return 0;
}

static int
bind_text(sqlite3_stmt *st, int i, const char *s)
{
	if (s == NULL)
		return sqlite3_bind_null(st, i);
	return sqlite3_bind_text(st, i, s, -1, SQLITE_STATIC);
}

/* A notification's timer change (store_timer), in its transaction. A
 * firing one on a timer whose group resolved (its escalation receiver not
 * told yet) starts a new one. */
static const char *const timer_firing_sql[] = {
	"INSERT INTO escalations (receiver, group_key, body, since, next_at,"
	" repeats, escalated) VALUES (?1, ?2, ?3, ?4, ?5, 0, 0)"
	" ON CONFLICT (receiver, group_key) DO UPDATE SET body = excluded.body,"
	" since = CASE WHEN resolved THEN excluded.since ELSE since END,"
	" next_at = CASE WHEN resolved THEN excluded.next_at ELSE next_at END,"
	" repeats = CASE WHEN resolved THEN 0 ELSE repeats END,"
	" escalated = CASE WHEN resolved THEN 0 ELSE escalated END,"
	" resolved = 0",
	NULL
};
static const char *const timer_resolved_sql[] = {
	"UPDATE escalations SET body = ?3, next_at = ?4, resolved = 1"
	" WHERE receiver = ?1 AND group_key = ?2 AND escalated",
	"DELETE FROM escalations WHERE receiver = ?1 AND group_key = ?2"
	" AND NOT escalated",
	"DELETE FROM group_acks WHERE receiver IN (?1, ?6) AND group_key = ?2",
	NULL
};

static int
run_timer(struct sqlbe *be, const struct store_timer *t, int64_t now,
    struct terr *err)
{
	const char *const *sql = t->resolved ? timer_resolved_sql :
	    timer_firing_sql;
	sqlite3_stmt	*st;
	int		 rc, np;

	for (; *sql != NULL; sql++) {
		rc = sqlite3_prepare_v2(be->w, *sql, -1, &st, NULL);
		if (rc != SQLITE_OK)
			return dberr(err, be->w, rc, "escalation update failed");
		bind_text(st, 1, t->receiver);
		bind_text(st, 2, t->group_key);
		/* ?3 body, ?4 now, ?5 first due, ?6 the escalation receiver,
		 * as far as the statement has them. */
		np = sqlite3_bind_parameter_count(st);
		if (np >= 3)
			bind_text(st, 3, t->body);
		if (np >= 4)
			sqlite3_bind_int64(st, 4, now);
		if (np >= 5)
			sqlite3_bind_int64(st, 5, now + t->first_ms);
		if (np >= 6)
			bind_text(st, 6, t->escalate_to);
		rc = sqlite3_step(st);
		sqlite3_finalize(st);
		if (rc != SQLITE_DONE)
			return dberr(err, be->w, rc, "escalation update failed");
	}
	return 0;
}

static int
action_put(struct sqlbe *be, const struct action_rec *r, struct terr *err)
{
	sqlite3_stmt	*st = be->ws[W_ACTION_PUT];

	sqlite3_reset(st);
	bind_text(st, 1, r->id);
	sqlite3_bind_int64(st, 2, r->created);
	sqlite3_bind_int64(st, 3, r->expires);
	bind_text(st, 4, r->receiver ? r->receiver : "");
	bind_text(st, 5, r->integration ? r->integration : "");
	bind_text(st, 6, r->group_key ? r->group_key : "");
	bind_text(st, 7, r->labels ? r->labels : "{}");
	bind_text(st, 8, r->chat ? r->chat : "");
	sqlite3_bind_int64(st, 9, r->message_id);
	bind_text(st, 10, r->silence_id ? r->silence_id : "");
	return step_done(be, st, "action record insert failed", err);
}

/* 1 when timer t (receiver, group key, since) still runs unresolved, 0
 * when it ended or another started, -1 on a database error. */
static int
timer_runs(struct sqlbe *be, const struct store_escalation *t, struct terr *err)
{
	sqlite3_stmt	*st = be->ws[W_TIMER_RUNS];
	int		 rc;

	sqlite3_reset(st);
	bind_text(st, 1, t->receiver);
	bind_text(st, 2, t->group_key);
	sqlite3_bind_int64(st, 3, t->since);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc == SQLITE_ROW)
		return 1;
	if (rc == SQLITE_DONE)
		return 0;
	return dberr(err, be->w, rc, "escalation timer lookup failed");
}

/* Makes RECENT hold every message created within window of now: loaded
 * from the messages table when a larger window than it holds is asked
 * for, trimmed to the window at most every RECENT_TRIM_MS. */
static int
recent_cover(struct sqlbe *be, int64_t window, int64_t now, struct terr *err)
{
	sqlite3_stmt	*st;
	const char	*what;

	if (window > be->recent_window) {
		st = be->ws[W_RECENT_LOAD];
		what = "loading the dedup window failed";
		be->recent_window = window;
	} else if (be->recent_window > 0 &&
	    now - be->recent_trimmed >= RECENT_TRIM_MS) {
		st = be->ws[W_RECENT_TRIM];
		what = "trimming the dedup window failed";
	} else
		return 0;
	be->recent_trimmed = now;
	sqlite3_reset(st);
	sqlite3_bind_int64(st, 1, now - be->recent_window);
	return step_done(be, st, what, err);
}

static int
recent_add(struct sqlbe *be, int64_t id, const char *key, int64_t now,
    struct terr *err)
{
	sqlite3_stmt *st = be->ws[W_RECENT_ADD];

	sqlite3_reset(st);
	sqlite3_bind_int64(st, 1, id);
	bind_text(st, 2, key);
	sqlite3_bind_int64(st, 3, now);
	return step_done(be, st, "dedup window insert failed", err);
}

static int
run_enqueue(struct sqlbe *be, struct store_job *job, int64_t now,
    struct terr *err)
{
	sqlite3_stmt	*dd = be->ws[W_DEDUP], *ins = be->ws[W_INSERT];
	const struct store_msg *m;
	size_t		 i;
	int		 rc;

	if (recent_cover(be, job->window_ms, now, err) == -1)
		return -1;
	if (job->only_if != NULL) {
		if ((rc = timer_runs(be, job->only_if, err)) == -1)
			return -1;
		if (rc == 0) {
			for (i = 0; i < job->nmsgs; i++)
				job->acks[i] = (struct store_ack){ STORE_STALE, 0 };
			return 0;
		}
	}
	for (i = 0; i < job->nmsgs; i++) {
		m = &job->msgs[i];
		if (m->dedup_key != NULL && *m->dedup_key != '\0' &&
		    job->window_ms > 0) {
			sqlite3_reset(dd);
			bind_text(dd, 1, m->dedup_key);
			sqlite3_bind_int64(dd, 2, now - job->window_ms);
			rc = sqlite3_step(dd);
			if (rc == SQLITE_ROW) {
				job->acks[i].verdict = STORE_DUPLICATE;
				job->acks[i].id = sqlite3_column_int64(dd, 0);
				sqlite3_reset(dd);
				continue;
			}
			sqlite3_reset(dd);
			if (rc != SQLITE_DONE)
				return dberr(err, be->w, rc, "dedup lookup failed");
		}
		sqlite3_reset(ins);
		sqlite3_bind_int64(ins, 1, now);
		bind_text(ins, 2, m->receiver != NULL ? m->receiver : "");
		bind_text(ins, 3, m->integration != NULL ? m->integration : "");
		bind_text(ins, 4, m->dest != NULL ? m->dest : "");
		bind_text(ins, 5, m->dedup_key != NULL && *m->dedup_key != '\0' ?
		    m->dedup_key : NULL);
		if (m->payload_len == 0)
			sqlite3_bind_zeroblob(ins, 6, 0);
		else
			sqlite3_bind_blob64(ins, 6, m->payload, m->payload_len,
			    SQLITE_STATIC);
		if (step_done(be, ins, "insert failed", err) == -1)
			return -1;
		job->acks[i].verdict = STORE_ACCEPTED;
		job->acks[i].id = sqlite3_last_insert_rowid(be->w);
		if (m->dedup_key != NULL && *m->dedup_key != '\0' &&
		    recent_add(be, job->acks[i].id, m->dedup_key, now,
		    err) == -1)
			return -1;
		if (m->action != NULL && action_put(be, m->action, err) == -1)
			return -1;
	}
	for (i = 0; i < job->ntimers; i++)
		if (run_timer(be, &job->timers[i], job->when, err) == -1)
			return -1;
	return 0;
}

/* Explains why an update by id changed nothing: the job is refused, the
 * transaction goes on. */
static int
refuse(struct sqlbe *be, struct store_job *job, const char *want,
    struct terr *err)
{
	sqlite3_stmt	*st = be->ws[W_STATE];
	int		 rc;

	sqlite3_reset(st);
	sqlite3_bind_int64(st, 1, job->id);
	rc = sqlite3_step(st);
	job->rc = -1;
	if (rc == SQLITE_ROW)
		terr_set(&job->err, "store: message %" PRId64 " is %s, not %s",
		    job->id, (const char *)sqlite3_column_text(st, 0), want);
	else if (rc == SQLITE_DONE)
		terr_set(&job->err, "store: no message %" PRId64, job->id);
	sqlite3_reset(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return dberr(err, be->w, rc, "state lookup failed");
	return 0;
}

/* The receipts' and acknowledgements' writes: rare, so prepared each time. */
static const char *const receipt_sql[] = {
	[STORE_JOB_RECEIPT_PUT] = "INSERT OR REPLACE INTO receipts (receipt,"
	    " receiver, integration, group_key, expires, next_poll, cancel)"
	    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
	[STORE_JOB_RECEIPT_LATER] = "UPDATE receipts SET next_poll = ?6"
	    " WHERE receipt = ?1",
	[STORE_JOB_RECEIPT_CANCEL] = "UPDATE receipts SET cancel = 1,"
	    " next_poll = ?6 WHERE receiver = ?2 AND group_key = ?4",
	[STORE_JOB_RECEIPT_DROP] = "DELETE FROM receipts WHERE receipt = ?1",
	[STORE_JOB_GROUP_ACK] = "INSERT OR REPLACE INTO group_acks (receiver,"
	    " group_key, acked_by, acked_at) VALUES (?2, ?4, ?8, ?6)",
};

static int
run_receipt(struct sqlbe *be, struct store_job *job, struct terr *err)
{
	const struct store_receipt *r = job->rcpt;
	sqlite3_stmt	*st;
	int		 rc;

	rc = sqlite3_prepare_v2(be->w, receipt_sql[job->kind], -1, &st, NULL);
	if (rc != SQLITE_OK)
		return dberr(err, be->w, rc, "receipt update failed");
	bind_text(st, 1, r->receipt);
	bind_text(st, 2, r->receiver);
	bind_text(st, 3, r->integration);
	bind_text(st, 4, r->group_key);
	sqlite3_bind_int64(st, 5, r->expires);
	/* A cancel and an acknowledgement carry their time in job->when. */
	sqlite3_bind_int64(st, 6, job->kind == STORE_JOB_RECEIPT_CANCEL ||
	    job->kind == STORE_JOB_GROUP_ACK ? job->when : r->next_poll);
	sqlite3_bind_int(st, 7, r->cancel ? 1 : 0);
	bind_text(st, 8, job->why);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return dberr(err, be->w, rc, "receipt update failed");
	return 0;
}

/* The escalator's writes: rare, so prepared each time. An update touches
 * only the timer it read (same since), never one a resolved notification
 * dropped meanwhile. */
static int
run_escalation(struct sqlbe *be, struct store_job *job, struct terr *err)
{
	const struct store_escalation *e = job->esc;
	bool		 upd = job->kind == STORE_JOB_ESCALATION_UPDATE;
	sqlite3_stmt	*st;
	int		 rc;

	rc = sqlite3_prepare_v2(be->w, upd ?
	    "UPDATE escalations SET next_at = ?4, repeats = ?5, escalated = ?6"
	    " WHERE receiver = ?1 AND group_key = ?2 AND since = ?3"
	    " AND NOT resolved" :
	    "DELETE FROM escalations WHERE receiver = ?1 AND group_key = ?2"
	    " AND since = ?3",
	    -1, &st, NULL);
	if (rc != SQLITE_OK)
		return dberr(err, be->w, rc, "escalation update failed");
	bind_text(st, 1, e->receiver);
	bind_text(st, 2, e->group_key);
	sqlite3_bind_int64(st, 3, e->since);
	if (upd) {
		sqlite3_bind_int64(st, 4, e->next_at);
		sqlite3_bind_int64(st, 5, e->repeats);
		sqlite3_bind_int(st, 6, e->escalated ? 1 : 0);
	}
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return dberr(err, be->w, rc, "escalation update failed");
	return 0;
}

static int
run_phone_job(struct sqlbe *be, struct store_job *job, int64_t now,
    struct terr *err)
{
	sqlite3_stmt	*st;

	switch (job->kind) {
	case STORE_JOB_ACTION_PUT:
		return action_put(be, job->rec, err);
	case STORE_JOB_ACTION_MESSAGE:
	case STORE_JOB_ACTION_SILENCE:
		st = be->ws[job->kind == STORE_JOB_ACTION_MESSAGE ?
		    W_ACTION_MESSAGE : W_ACTION_SILENCE];
		sqlite3_reset(st);
		bind_text(st, 1, job->name);
		if (job->kind == STORE_JOB_ACTION_MESSAGE)
			sqlite3_bind_int64(st, 2, job->value);
		else
			bind_text(st, 2, job->text ? job->text : "");
		if (step_done(be, st, "action record update failed", err) == -1)
			return -1;
		if (sqlite3_changes64(be->w) == 0) {
			job->rc = -1;
			terr_set(&job->err, "store: no action record %s", job->name);
		}
		return 0;
	case STORE_JOB_GROUP_MESSAGE:
		st = be->ws[W_GROUP_MESSAGE];
		sqlite3_reset(st);
		bind_text(st, 1, job->name);
		bind_text(st, 2, job->name2);
		bind_text(st, 3, job->why);
		bind_text(st, 4, job->text ? job->text : "");
		sqlite3_bind_int64(st, 5, job->value);
		sqlite3_bind_int64(st, 6, now);
		return step_done(be, st, "group message insert failed", err);
	default:
		st = be->ws[W_CURSOR];
		sqlite3_reset(st);
		bind_text(st, 1, job->name);
		sqlite3_bind_int64(st, 2, job->value);
		return step_done(be, st, "cursor update failed", err);
	}
}

static int
run_job(struct sqlbe *be, struct store_job *job, int64_t now, struct terr *err)
{
	sqlite3_stmt	*st;
	const char	*want = "pending";

	job->rc = 0;
	job->count = 0;
	job->err.msg[0] = '\0';
	switch (job->kind) {
	case STORE_JOB_ENQUEUE:
		return run_enqueue(be, job, now, err);
	case STORE_JOB_DELIVERED:
		st = be->ws[W_DELIVERED];
		sqlite3_reset(st);
		sqlite3_bind_int64(st, 2, now);
		break;
	case STORE_JOB_RETRY:
	case STORE_JOB_WAIT:
		st = be->ws[job->kind == STORE_JOB_RETRY ? W_RETRY : W_WAIT];
		sqlite3_reset(st);
		sqlite3_bind_int64(st, 2, job->when);
		bind_text(st, 3, job->why);
		break;
	case STORE_JOB_DEAD:
		st = be->ws[W_DEAD];
		sqlite3_reset(st);
		sqlite3_bind_int64(st, 2, now);
		bind_text(st, 3, job->why);
		break;
	case STORE_JOB_REQUEUE:
		st = be->ws[W_REQUEUE];
		sqlite3_reset(st);
		sqlite3_bind_int64(st, 2, now);
		want = "dead";
		break;
	case STORE_JOB_DROP:
		st = be->ws[W_DROP];
		sqlite3_reset(st);
		break;
	case STORE_JOB_PRUNE:
		st = be->ws[W_PRUNE];
		sqlite3_reset(st);
		sqlite3_bind_int64(st, 1, job->when);
		if (step_done(be, st, "prune failed", err) == -1)
			return -1;
		job->count = sqlite3_changes64(be->w);
		st = be->ws[W_PRUNE_ACTIONS];
		sqlite3_reset(st);
		sqlite3_bind_int64(st, 1, job->when);
		if (step_done(be, st, "prune failed", err) == -1)
			return -1;
		st = be->ws[W_PRUNE_GROUP_MESSAGES];
		sqlite3_reset(st);
		sqlite3_bind_int64(st, 1, job->when);
		return step_done(be, st, "prune failed", err);
	case STORE_JOB_ACTION_PUT:
	case STORE_JOB_ACTION_MESSAGE:
	case STORE_JOB_ACTION_SILENCE:
	case STORE_JOB_CURSOR:
	case STORE_JOB_GROUP_MESSAGE:
		return run_phone_job(be, job, now, err);
	case STORE_JOB_RECEIPT_PUT:
	case STORE_JOB_RECEIPT_LATER:
	case STORE_JOB_RECEIPT_CANCEL:
	case STORE_JOB_RECEIPT_DROP:
	case STORE_JOB_GROUP_ACK:
		return run_receipt(be, job, err);
	case STORE_JOB_ESCALATION_UPDATE:
	case STORE_JOB_ESCALATION_DROP:
		return run_escalation(be, job, err);
	default:
		return terr_set(err, "store: unknown request %d", (int)job->kind);
	}
	sqlite3_bind_int64(st, 1, job->id);
	if (step_done(be, st, "update failed", err) == -1)
		return -1;
	if (sqlite3_changes64(be->w) == 0)
		return refuse(be, job, want, err);
	return 0;
}

/* A transaction rolled back: the dedup window may have lost a load with
 * it, so the next enqueue loads it anew. */
static void
abort_apply(struct sqlbe *be)
{
	rollback(be->w);
	be->recent_window = 0;
}

static int
be_apply(void *arg, struct store_job **jobs, size_t n, int64_t now,
    struct terr *err)
{
	struct sqlbe	*be = arg;
	size_t		 i, k;
	int		 rc;

	/* IMMEDIATE takes the write lock up front, so a concurrent writer
	 * (the queue CLI) makes us wait in busy_timeout rather than fail at
	 * the first insert. */
	if ((rc = sqlite3_exec(be->w, "BEGIN IMMEDIATE", NULL, NULL, NULL)) !=
	    SQLITE_OK) {
		note_rc(be, rc);
		return dberr(err, be->w, rc, "cannot begin a transaction");
	}
	for (i = 0; i < n; i++) {
		if (run_job(be, jobs[i], now, err) == -1) {
			note_rc(be, sqlite3_extended_errcode(be->w));
			abort_apply(be);
			return -1;
		}
	}
	if ((rc = sqlite3_exec(be->w, "COMMIT", NULL, NULL, NULL)) != SQLITE_OK) {
		note_rc(be, rc);
		dberr(err, be->w, rc, "cannot commit");
		abort_apply(be);
		return -1;
	}
	for (i = 0; i < n; i++) {
		if (jobs[i]->kind != STORE_JOB_ENQUEUE || jobs[i]->rc == -1)
			continue;
		for (k = 0; k < jobs[i]->nmsgs; k++)
			if (jobs[i]->acks[k].verdict == STORE_ACCEPTED &&
			    jobs[i]->acks[k].id > be->last_id)
				be->last_id = jobs[i]->acks[k].id;
	}
	if (now - be->mark_at >= MARK_EVERY_MS) {
		update_mark(be);
		be->mark_at = now;
	}
	return 0;
}

static char *
col_strdup(sqlite3_stmt *st, int i)
{
	const unsigned char *s = sqlite3_column_text(st, i);

	return strdup(s != NULL ? (const char *)s : "");
}

static enum store_state
parse_state(const char *s)
{
	if (s != NULL && strcmp(s, "delivered") == 0)
		return STORE_DELIVERED;
	if (s != NULL && strcmp(s, "dead") == 0)
		return STORE_DEAD;
	return STORE_PENDING;
}

/* Fills e from a row of COLS followed by the payload (with_payload) or its
 * length. Returns -1 when memory runs out (e is then half filled and must be
 * freed by the caller). */
static int
row_entry(sqlite3_stmt *st, struct store_entry *e, int with_payload)
{
	const void	*blob;

	memset(e, 0, sizeof(*e));
	e->id = sqlite3_column_int64(st, 0);
	e->created = sqlite3_column_int64(st, 1);
	e->receiver = col_strdup(st, 2);
	e->integration = col_strdup(st, 3);
	e->dest = col_strdup(st, 4);
	e->dedup_key = col_strdup(st, 5);
	e->state = parse_state((const char *)sqlite3_column_text(st, 6));
	e->attempts = sqlite3_column_int(st, 7);
	e->next_attempt = sqlite3_column_int64(st, 8);
	e->last_error = col_strdup(st, 9);
	e->done_at = sqlite3_column_int64(st, 10);
	if (with_payload) {
		blob = sqlite3_column_blob(st, 11);
		e->payload_len = (size_t)sqlite3_column_bytes(st, 11);
		/* One spare NUL so that text payloads can be used as strings. */
		if ((e->payload = malloc(e->payload_len + 1)) == NULL)
			return -1;
		if (e->payload_len > 0)
			memcpy(e->payload, blob, e->payload_len);
		((char *)e->payload)[e->payload_len] = '\0';
	} else
		e->payload_len = (size_t)sqlite3_column_int64(st, 11);
	if (e->receiver == NULL || e->integration == NULL || e->dest == NULL ||
	    e->dedup_key == NULL || e->last_error == NULL)
		return -1;
	return 0;
}

/* The cached reader statement i, reset and unbound; be->rmu held. Callers
 * reset it again when done, so that no read transaction stays open and
 * holds back the WAL's checkpoints. */
static sqlite3_stmt *
rstmt(struct sqlbe *be, enum rstmt i, struct terr *err)
{
	int	 rc;

	if (be->rs[i] == NULL) {
		rc = sqlite3_prepare_v3(be->r, rsql[i], -1,
		    SQLITE_PREPARE_PERSISTENT, &be->rs[i], NULL);
		if (rc != SQLITE_OK) {
			dberr(err, be->r, rc, "read failed");
			be->rs[i] = NULL;
			return NULL;
		}
	}
	sqlite3_reset(be->rs[i]);
	sqlite3_clear_bindings(be->rs[i]);
	return be->rs[i];
}

static int
read_one(struct sqlbe *be, enum rstmt which, const char *text, int64_t id,
    struct store_entry **out, struct terr *err)
{
	sqlite3_stmt	*st;
	struct store_entry *e = NULL;
	int		 rc, ret = -1;

	*out = NULL;
	pthread_mutex_lock(&be->rmu);
	if ((st = rstmt(be, which, err)) == NULL)
		goto out;
	if (text != NULL)
		bind_text(st, 1, text);
	else
		sqlite3_bind_int64(st, 1, id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_DONE) {
		ret = 0;
		goto out;
	}
	if (rc != SQLITE_ROW) {
		dberr(err, be->r, rc, "read failed");
		goto out;
	}
	if ((e = calloc(1, sizeof(*e))) == NULL || row_entry(st, e, 1) == -1) {
		terr_set(err, "store: out of memory");
		goto out;
	}
	*out = e;
	e = NULL;
	ret = 0;
out:
	store_entry_free(e);
	if (st != NULL)
		sqlite3_reset(st);
	pthread_mutex_unlock(&be->rmu);
	return ret;
}

static int
be_head(void *arg, const char *dest, struct store_entry **out, struct terr *err)
{
	return read_one(arg, R_HEAD, dest, 0, out, err);
}

static int
be_get(void *arg, int64_t id, struct store_entry **out, struct terr *err)
{
	return read_one(arg, R_GET, NULL, id, out, err);
}

static int
be_due(void *arg, int64_t now, struct store_head **out, size_t *n,
    struct terr *err)
{
	struct sqlbe	*be = arg;
	sqlite3_stmt	*st;
	struct store_head *h = NULL, *nh;
	size_t		 len = 0, cap = 0, i;
	int		 rc, ret = -1;

	*out = NULL;
	*n = 0;
	pthread_mutex_lock(&be->rmu);
	if ((st = rstmt(be, R_DUE, err)) == NULL)
		goto out;
	sqlite3_bind_int64(st, 1, now);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (len == cap) {
			cap = cap ? cap * 2 : 8;
			if ((nh = realloc(h, cap * sizeof(*h))) == NULL) {
				terr_set(err, "store: out of memory");
				goto out;
			}
			h = nh;
		}
		h[len].id = sqlite3_column_int64(st, 1);
		h[len].next_attempt = sqlite3_column_int64(st, 2);
		if ((h[len].dest = col_strdup(st, 0)) == NULL) {
			terr_set(err, "store: out of memory");
			goto out;
		}
		len++;
	}
	if (rc != SQLITE_DONE) {
		dberr(err, be->r, rc, "read failed");
		goto out;
	}
	*out = h;
	*n = len;
	h = NULL;
	ret = 0;
out:
	if (h != NULL) {
		for (i = 0; i < len; i++)
			free(h[i].dest);
		free(h);
	}
	if (st != NULL)
		sqlite3_reset(st);
	pthread_mutex_unlock(&be->rmu);
	return ret;
}

static int
be_next_due(void *arg, int64_t *when, struct terr *err)
{
	struct sqlbe	*be = arg;
	sqlite3_stmt	*st;
	int		 rc, ret = -1;

	pthread_mutex_lock(&be->rmu);
	if ((st = rstmt(be, R_NEXT_DUE, err)) == NULL)
		goto out;
	if ((rc = sqlite3_step(st)) != SQLITE_ROW) {
		dberr(err, be->r, rc, "read failed");
		goto out;
	}
	if (sqlite3_column_type(st, 0) == SQLITE_NULL)
		*when = -1;
	else
		*when = sqlite3_column_int64(st, 0);
	ret = 0;
out:
	if (st != NULL)
		sqlite3_reset(st);
	pthread_mutex_unlock(&be->rmu);
	return ret;
}

static int
be_count(void *arg, int64_t counts[STORE_NSTATES], struct terr *err)
{
	struct sqlbe	*be = arg;
	sqlite3_stmt	*st = NULL;
	int		 rc, ret = -1;

	memset(counts, 0, STORE_NSTATES * sizeof(counts[0]));
	pthread_mutex_lock(&be->rmu);
	rc = sqlite3_prepare_v2(be->r, "SELECT state, COUNT(*) FROM messages"
	    " GROUP BY state", -1, &st, NULL);
	if (rc != SQLITE_OK) {
		note_rc(be, rc);
		dberr(err, be->r, rc, "read failed");
		goto out;
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		counts[parse_state((const char *)sqlite3_column_text(st, 0))] =
		    sqlite3_column_int64(st, 1);
	if (rc != SQLITE_DONE) {
		note_rc(be, rc);
		dberr(err, be->r, rc, "read failed");
		goto out;
	}
	ret = 0;
out:
	sqlite3_finalize(st);
	pthread_mutex_unlock(&be->rmu);
	return ret;
}

static int
be_list(void *arg, unsigned states, struct store_entry **out, size_t *n,
    struct terr *err)
{
	struct sqlbe	*be = arg;
	sqlite3_stmt	*st = NULL;
	struct store_entry *e = NULL, *ne;
	size_t		 len = 0, cap = 0;
	int		 rc, ret = -1, i;

	*out = NULL;
	*n = 0;
	pthread_mutex_lock(&be->rmu);
	rc = sqlite3_prepare_v2(be->r, "SELECT " COLS ", length(payload)"
	    " FROM messages WHERE state IN (?1, ?2, ?3) ORDER BY id", -1, &st,
	    NULL);
	if (rc != SQLITE_OK) {
		dberr(err, be->r, rc, "read failed");
		goto out;
	}
	for (i = 0; i < STORE_NSTATES; i++) {
		if (states & (1u << i))
			bind_text(st, i + 1, store_state_str((enum store_state)i));
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (len == cap) {
			cap = cap ? cap * 2 : 16;
			if ((ne = realloc(e, cap * sizeof(*e))) == NULL) {
				terr_set(err, "store: out of memory");
				goto out;
			}
			e = ne;
		}
		/* Counted before filling, so that a half-filled entry is
		 * freed with the rest. */
		if (row_entry(st, &e[len++], 0) == -1) {
			terr_set(err, "store: out of memory");
			goto out;
		}
	}
	if (rc != SQLITE_DONE) {
		dberr(err, be->r, rc, "read failed");
		goto out;
	}
	*out = e;
	*n = len;
	e = NULL;
	ret = 0;
out:
	if (e != NULL)
		store_entries_free(e, len);
	sqlite3_finalize(st);
	pthread_mutex_unlock(&be->rmu);
	return ret;
}

static int
be_set_max_size(void *arg, int64_t max_bytes, struct terr *err)
{
	struct sqlbe	*be = arg;
	char		 sql[64];
	int64_t		 psize, pages;

	if (max_bytes < 0)
		return terr_set(err, "store: negative size limit");
	if (pragma_int(be->w, "PRAGMA page_size", &psize, err) == -1)
		return -1;
	pages = max_bytes == 0 ? NO_PAGE_LIMIT : max_bytes / psize;
	if (pages < 1)
		pages = 1;	/* SQLite raises it to the current size */
	if (pages > NO_PAGE_LIMIT)
		pages = NO_PAGE_LIMIT;
	snprintf(sql, sizeof(sql), "PRAGMA max_page_count = %" PRId64, pages);
	return pragma_int(be->w, sql, &pages, err);
}

/*
 * The rows sql (?1 now, ?2 max) selects on the reader, at most max, each read
 * by row into the next element of size sz of an array *out of *n the caller
 * frees. row returns false when memory runs out; then, as on any failure,
 * the elements begun are freed with done (n of them, and the array).
 */
static int
read_due(struct sqlbe *be, const char *sql, int64_t now, size_t max,
    bool (*row)(sqlite3_stmt *st, void *elem), size_t sz,
    void (*done)(void *v, size_t n), void **out, size_t *n, struct terr *err)
{
	sqlite3_stmt	*st = NULL;
	size_t		 len = 0;
	char		*v;
	int		 rc, ret = -1;

	*out = NULL;
	*n = 0;
	if (max == 0)
		return 0;
	if ((v = calloc(max, sz)) == NULL)
		return terr_set(err, "store: out of memory");
	pthread_mutex_lock(&be->rmu);
	rc = sqlite3_prepare_v2(be->r, sql, -1, &st, NULL);
	if (rc != SQLITE_OK) {
		dberr(err, be->r, rc, "read failed");
		goto out;
	}
	sqlite3_bind_int64(st, 1, now);
	sqlite3_bind_int64(st, 2, (int64_t)max);
	while (len < max && (rc = sqlite3_step(st)) == SQLITE_ROW)
		if (!row(st, v + sz * len++)) {
			terr_set(err, "store: out of memory");
			goto out;
		}
	if (len < max && rc != SQLITE_DONE) {
		dberr(err, be->r, rc, "read failed");
		goto out;
	}
	*out = v;
	*n = len;
	v = NULL;
	ret = 0;
out:
	if (v != NULL)
		done(v, len);
	sqlite3_finalize(st);
	pthread_mutex_unlock(&be->rmu);
	return ret;
}

static bool
receipt_row(sqlite3_stmt *st, void *elem)
{
	struct store_receipt *r = elem;

	r->receipt = col_strdup(st, 0);
	r->receiver = col_strdup(st, 1);
	r->integration = col_strdup(st, 2);
	r->group_key = col_strdup(st, 3);
	r->expires = sqlite3_column_int64(st, 4);
	r->next_poll = sqlite3_column_int64(st, 5);
	r->cancel = sqlite3_column_int(st, 6) != 0;
	return r->receipt != NULL && r->receiver != NULL &&
	    r->integration != NULL && r->group_key != NULL;
}

static void
receipts_done(void *v, size_t n)
{
	store_receipts_free(v, n);
}

static int
be_receipt_due(void *arg, int64_t now, size_t max, struct store_receipt **out,
    size_t *n, struct terr *err)
{
	void	*v;
	int	 rc;

	rc = read_due(arg, "SELECT receipt, receiver, integration,"
	    " group_key, expires, next_poll, cancel FROM receipts"
	    " WHERE next_poll <= ?1 ORDER BY next_poll LIMIT ?2", now, max,
	    receipt_row, sizeof(**out), receipts_done, &v, n, err);
	*out = v;
	return rc;
}

static bool
escalation_row(sqlite3_stmt *st, void *elem)
{
	struct store_escalation *e = elem;

	e->receiver = col_strdup(st, 0);
	e->group_key = col_strdup(st, 1);
	e->body = col_strdup(st, 2);
	e->since = sqlite3_column_int64(st, 3);
	e->next_at = sqlite3_column_int64(st, 4);
	e->repeats = sqlite3_column_int64(st, 5);
	e->escalated = sqlite3_column_int(st, 6) != 0;
	e->resolved = sqlite3_column_int(st, 7) != 0;
	return e->receiver != NULL && e->group_key != NULL && e->body != NULL;
}

static void
escalations_done(void *v, size_t n)
{
	store_escalations_free(v, n);
}

static int
be_escalation_due(void *arg, int64_t now, size_t max,
    struct store_escalation **out, size_t *n, struct terr *err)
{
	void	*v;
	int	 rc;

	rc = read_due(arg, "SELECT receiver, group_key, body, since,"
	    " next_at, repeats, escalated, resolved FROM escalations"
	    " WHERE next_at <= ?1 ORDER BY next_at LIMIT ?2", now, max,
	    escalation_row, sizeof(**out), escalations_done, &v, n, err);
	*out = v;
	return rc;
}

static int
be_group_acked(void *arg, const char *receiver, const char *group_key,
    char **by, int64_t *at, int *found, struct terr *err)
{
	struct sqlbe	*be = arg;
	sqlite3_stmt	*st = NULL;
	int		 rc, ret = -1;

	*found = 0;
	*by = NULL;
	pthread_mutex_lock(&be->rmu);
	rc = sqlite3_prepare_v2(be->r, "SELECT acked_by, acked_at FROM group_acks"
	    " WHERE receiver = ?1 AND group_key = ?2", -1, &st, NULL);
	if (rc != SQLITE_OK) {
		dberr(err, be->r, rc, "read failed");
		goto out;
	}
	bind_text(st, 1, receiver);
	bind_text(st, 2, group_key);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		if ((*by = col_strdup(st, 0)) == NULL) {
			terr_set(err, "store: out of memory");
			goto out;
		}
		*at = sqlite3_column_int64(st, 1);
		*found = 1;
	} else if (rc != SQLITE_DONE) {
		dberr(err, be->r, rc, "read failed");
		goto out;
	}
	ret = 0;
out:
	sqlite3_finalize(st);
	pthread_mutex_unlock(&be->rmu);
	return ret;
}

/* Runs reader statement which with text binds b1 (and b2 when not NULL);
 * *row 1 when it gave a row, which fill() reads. be->rmu held by caller. */
static int
read_row3(struct sqlbe *be, enum rstmt which, const char *b1, const char *b2,
    const char *b3, int (*fill)(sqlite3_stmt *, void *), void *arg, int *row,
    struct terr *err)
{
	sqlite3_stmt	*st;
	int		 rc, ret = -1;

	*row = 0;
	pthread_mutex_lock(&be->rmu);
	if ((st = rstmt(be, which, err)) == NULL)
		goto out;
	bind_text(st, 1, b1);
	if (b2 != NULL)
		bind_text(st, 2, b2);
	if (b3 != NULL)
		bind_text(st, 3, b3);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*row = 1;
		if (fill(st, arg) == -1) {
			terr_set(err, "store: out of memory");
			goto out;
		}
	} else if (rc != SQLITE_DONE) {
		dberr(err, be->r, rc, "read failed");
		goto out;
	}
	ret = 0;
out:
	if (st != NULL)
		sqlite3_reset(st);
	pthread_mutex_unlock(&be->rmu);
	return ret;
}

static int
read_row(struct sqlbe *be, enum rstmt which, const char *b1, const char *b2,
    int (*fill)(sqlite3_stmt *, void *), void *arg, int *row, struct terr *err)
{
	return read_row3(be, which, b1, b2, NULL, fill, arg, row, err);
}

static int
fill_action(sqlite3_stmt *st, void *arg)
{
	struct action_rec *r = arg;

	r->created = sqlite3_column_int64(st, 0);
	r->expires = sqlite3_column_int64(st, 1);
	r->receiver = col_strdup(st, 2);
	r->integration = col_strdup(st, 3);
	r->group_key = col_strdup(st, 4);
	r->labels = col_strdup(st, 5);
	r->chat = col_strdup(st, 6);
	r->message_id = sqlite3_column_int64(st, 7);
	r->silence_id = col_strdup(st, 8);
	if (r->receiver == NULL || r->integration == NULL ||
	    r->group_key == NULL || r->labels == NULL || r->chat == NULL ||
	    r->silence_id == NULL)
		return -1;
	return 0;
}

static int
be_action_get(void *arg, const char *id, struct action_rec *out, int *found,
    struct terr *err)
{
	memset(out, 0, sizeof(*out));
	snprintf(out->id, sizeof(out->id), "%s", id);
	if (read_row(arg, R_ACTION, id, NULL, fill_action, out, found, err) == -1) {
		action_rec_clear(out);
		return -1;
	}
	return 0;
}

static int
fill_cursor(sqlite3_stmt *st, void *arg)
{
	*(int64_t *)arg = sqlite3_column_int64(st, 0);
	return 0;
}

static int
be_cursor_get(void *arg, const char *name, int64_t *value, struct terr *err)
{
	int	 found;

	*value = 0;
	return read_row(arg, R_CURSOR, name, NULL, fill_cursor, value, &found, err);
}

struct group_message {
	char	*chat;
	size_t	 chatlen;
	int64_t	*message_id;
};

static int
fill_group_message(sqlite3_stmt *st, void *arg)
{
	struct group_message *g = arg;
	const unsigned char *c = sqlite3_column_text(st, 0);

	snprintf(g->chat, g->chatlen, "%s", c ? (const char *)c : "");
	*g->message_id = sqlite3_column_int64(st, 1);
	return 0;
}

static int
be_group_message_get(void *arg, const char *receiver, const char *integration,
    const char *group_key, char *chat, size_t chatlen, int64_t *message_id,
    int *found, struct terr *err)
{
	struct group_message g = { chat, chatlen, message_id };

	*message_id = 0;
	return read_row3(arg, R_GROUP_MESSAGE, receiver, integration, group_key,
	    fill_group_message, &g, found, err);
}

const struct store_ops store_sqlite_ops = {
	.name = "sqlite",
	.open = be_open,
	.close = be_close,
	.apply = be_apply,
	.due = be_due,
	.next_due = be_next_due,
	.head = be_head,
	.get = be_get,
	.count = be_count,
	.list = be_list,
	.set_max_size = be_set_max_size,
	.receipt_due = be_receipt_due,
	.group_acked = be_group_acked,
	.escalation_due = be_escalation_due,
	.action_get = be_action_get,
	.cursor_get = be_cursor_get,
	.group_message_get = be_group_message_get,
	.damaged = be_damaged,
};
