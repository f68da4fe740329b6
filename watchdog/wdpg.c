/* wdpg.c: the watchdog's PostgreSQL connections (see wdpg.h). */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store.h"
#include "wdpg.h"

struct wdpg {
	pthread_mutex_t	 mu;
	PGconn		*c;		/* NULL: lost, made again on use */
	char		*url;
	const char	*what;
	char		 where[256];
};

/* A message of libpq's as one line of ours. */
static void
one_line(const char *in, char *out, size_t len)
{
	char	*p;

	snprintf(out, len, "%s", in != NULL && *in != '\0' ? in : "no answer");
	for (p = out; *p != '\0'; p++)
		if (*p == '\n' || *p == '\r' || *p == '\t')
			*p = ' ';
	while (p > out && p[-1] == ' ')
		*--p = '\0';
}

static void
no_notices(void *arg, const char *msg)
{
	(void)arg;
	(void)msg;
}

static int
connect_db(struct wdpg *pg, struct terr *err)
{
	/* As the store's connections: a server that vanishes without closing
	 * the connection fails a statement within about half a minute, not
	 * after the kernel's retransmissions. The URL (last) may override. */
	const char *const keys[] = { "connect_timeout", "application_name",
	    "keepalives_idle", "keepalives_interval", "keepalives_count",
	    "tcp_user_timeout", "dbname", NULL };
	const char *const vals[] = { "5", "tocsin-watchdog", "10", "5", "3",
	    "30000", pg->url, NULL };
	PGresult	*res;
	char		 why[400];

	if (pg->c != NULL)
		return 0;
	pg->c = PQconnectdbParams(keys, vals, 1);
	if (pg->c == NULL || PQstatus(pg->c) != CONNECTION_OK) {
		one_line(pg->c != NULL ? PQerrorMessage(pg->c) : "out of memory",
		    why, sizeof(why));
		PQfinish(pg->c);
		pg->c = NULL;
		return terr_set(err, "%s %s: cannot connect: %s", pg->what,
		    pg->where, why);
	}
	PQsetNoticeProcessor(pg->c, no_notices, NULL);
	/* Each connection's, so a new one after a loss too: COMMIT returns
	 * once the server's WAL is on disk, whatever the server's or the
	 * role's default says (a 2xx promises the row). */
	res = PQexec(pg->c, "SET synchronous_commit = on");
	if (PQresultStatus(res) != PGRES_COMMAND_OK) {
		one_line(PQerrorMessage(pg->c), why, sizeof(why));
		PQclear(res);
		PQfinish(pg->c);
		pg->c = NULL;
		return terr_set(err, "%s %s: set synchronous_commit: %s", pg->what,
		    pg->where, why);
	}
	PQclear(res);
	return 0;
}

struct wdpg *
wdpg_open(const char *url, const char *what, struct terr *err)
{
	struct wdpg	*pg;

	if ((pg = calloc(1, sizeof(*pg))) == NULL ||
	    (pg->url = strdup(url)) == NULL) {
		free(pg);
		terr_set(err, "%s: out of memory", what);
		return NULL;
	}
	pthread_mutex_init(&pg->mu, NULL);
	pg->what = what;
	store_pg_describe(url, pg->where, sizeof(pg->where));
	if (connect_db(pg, err) == -1) {
		wdpg_close(pg);
		return NULL;
	}
	return pg;
}

void
wdpg_close(struct wdpg *pg)
{
	if (pg == NULL)
		return;
	PQfinish(pg->c);
	pthread_mutex_destroy(&pg->mu);
	/* The URL may hold the password. */
	explicit_bzero(pg->url, strlen(pg->url));
	free(pg->url);
	free(pg);
}

const char *
wdpg_where(const struct wdpg *pg)
{
	return pg->where;
}

void
wdpg_lock(struct wdpg *pg)
{
	pthread_mutex_lock(&pg->mu);
}

void
wdpg_unlock(struct wdpg *pg)
{
	pthread_mutex_unlock(&pg->mu);
}

PGresult *
wdpg_exec(struct wdpg *pg, const char *sql, int n, const char *const *vals,
    const int *lens, const int *binary, const char *doing, struct terr *err)
{
	PGresult	*res;
	ExecStatusType	 st;
	char		 why[400];

	if (connect_db(pg, err) == -1)
		return NULL;
	res = PQexecParams(pg->c, sql, n, NULL, vals, lens, binary, 0);
	st = res != NULL ? PQresultStatus(res) : PGRES_FATAL_ERROR;
	if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK)
		return res;
	one_line(res != NULL ? PQresultErrorMessage(res) : PQerrorMessage(pg->c),
	    why, sizeof(why));
	PQclear(res);
	if (PQstatus(pg->c) != CONNECTION_OK) {
		PQfinish(pg->c);
		pg->c = NULL;
	}
	terr_set(err, "%s %s: %s: %s", pg->what, pg->where, doing, why);
	return NULL;
}

void
wdpg_rollback(struct wdpg *pg)
{
	struct terr	 ignored;
	PGresult	*res;

	/* A failed ROLLBACK lost the connection, which ends the transaction
	 * as well. */
	if ((res = wdpg_exec(pg, "ROLLBACK", 0, NULL, NULL, NULL, "rollback",
	    &ignored)) != NULL)
		PQclear(res);
}

int
wdpg_cmd(struct wdpg *pg, const char *sql, int n, const char *const *vals,
    const char *doing, struct terr *err)
{
	PGresult	*res;

	if ((res = wdpg_exec(pg, sql, n, vals, NULL, NULL, doing, err)) == NULL)
		return -1;
	PQclear(res);
	return 0;
}
