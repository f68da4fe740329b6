/* storetest.c: the store tests' backend (see storetest.h). */
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <setjmp.h>
#include <cmocka.h>

#include <libpq-fe.h>

#include "storetest.h"

const char *
storetest_url(void)
{
	const char	*u = getenv("TOCSIN_TEST_PG_URL");

	return u != NULL && *u != '\0' ? u : NULL;
}

const struct store_ops *
storetest_ops(void)
{
	return storetest_url() != NULL ? &store_pg_ops : &store_sqlite_ops;
}

void
storetest_reset(void)
{
	PGconn		*c;
	PGresult	*res;

	if (storetest_url() == NULL)
		return;
	c = PQconnectdb(storetest_url());
	if (PQstatus(c) != CONNECTION_OK)
		fail_msg("storetest: cannot connect: %s", PQerrorMessage(c));
	res = PQexec(c, "SET client_min_messages = warning;"
	    " DROP SCHEMA public CASCADE; CREATE SCHEMA public");
	if (PQresultStatus(res) != PGRES_COMMAND_OK)
		fail_msg("storetest: cannot empty the database: %s",
		    PQerrorMessage(c));
	PQclear(res);
	PQfinish(c);
}

void
storetest_params(struct store_params *p, const char *dir)
{
	p->path = dir;
	p->url = storetest_url();
}
