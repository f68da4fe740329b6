/* storetest.h: the backend the store tests run against. SQLite under the
 * test's own directory by default; with TOCSIN_TEST_PG_URL set (by
 * tests/lib/with_pg.sh, which starts a throw-away PostgreSQL), the
 * PostgreSQL database it names, emptied before each test. */
#ifndef TOCSIN_STORETEST_H
#define TOCSIN_STORETEST_H

#include <stdbool.h>

#include "store.h"

/* The PostgreSQL URL, or NULL: SQLite. */
const char *storetest_url(void);
/* store_pg_ops or store_sqlite_ops, for tests that wrap an op. */
const struct store_ops *storetest_ops(void);
/* PostgreSQL: drops every table of the test database (fails the test when
 * it cannot); SQLite: nothing (each test has a fresh directory). */
void	storetest_reset(void);
/* Fills p's backend fields for directory dir: path, and url. */
void	storetest_params(struct store_params *p, const char *dir);

#endif
