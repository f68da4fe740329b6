/* test_dlheap.c: the scheduler's deadline heap: the earliest deadline,
 * moves and removals in place, and a long random run checked against a
 * plain scan of the same deadlines. */
#include <stdarg.h>
#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>

#include "dlheap.h"

static void
test_dlheap_min_move_and_remove(void **state)
{
	struct dlheap	*h = dlheap_new(4);
	size_t		 id = 99;

	assert_non_null(h);
	assert_true(dlheap_min(h, &id) == DLHEAP_NEVER);
	assert_int_equal(id, 99);
	dlheap_set(h, 0, 500);
	dlheap_set(h, 1, 300);
	dlheap_set(h, 2, 400);
	assert_int_equal(dlheap_count(h), 3);
	assert_true(dlheap_min(h, &id) == 300);
	assert_int_equal(id, 1);
	/* A ping moves 1 later: 2 is next. */
	dlheap_set(h, 1, 900);
	assert_true(dlheap_min(h, &id) == 400);
	assert_int_equal(id, 2);
	/* Earlier again, then removed (paused). */
	dlheap_set(h, 0, 100);
	assert_true(dlheap_min(h, &id) == 100);
	assert_int_equal(id, 0);
	dlheap_set(h, 0, DLHEAP_NEVER);
	assert_true(dlheap_get(h, 0) == DLHEAP_NEVER);
	assert_int_equal(dlheap_count(h), 2);
	assert_true(dlheap_min(h, &id) == 400);
	/* Removing what is absent, or an id out of range, changes nothing. */
	dlheap_set(h, 3, DLHEAP_NEVER);
	dlheap_set(h, 7, 1);
	assert_int_equal(dlheap_count(h), 2);
	assert_true(dlheap_get(h, 1) == 900);
	/* Growing keeps what is there. */
	assert_int_equal(dlheap_grow(h, 100), 0);
	dlheap_set(h, 99, 50);
	assert_true(dlheap_min(h, &id) == 50);
	assert_int_equal(id, 99);
	assert_true(dlheap_get(h, 2) == 400);
	dlheap_free(h);
}

/* The earliest deadline by a plain scan, and how many ids have one. */
static int64_t
scan_min(const int64_t *model, size_t n, size_t *count)
{
	int64_t	best = DLHEAP_NEVER;
	size_t	i;

	*count = 0;
	for (i = 0; i < n; i++) {
		if (model[i] == DLHEAP_NEVER)
			continue;
		(*count)++;
		if (model[i] < best)
			best = model[i];
	}
	return best;
}

static void
test_dlheap_agrees_with_a_scan(void **state)
{
	enum { N = 1000, STEPS = 200000 };
	struct dlheap	*h = dlheap_new(N);
	int64_t		 model[N], d;
	size_t		 i, id, count;
	unsigned	 seed = 12345;

	assert_non_null(h);
	for (i = 0; i < N; i++)
		model[i] = DLHEAP_NEVER;
	for (i = 0; i < STEPS; i++) {
		id = (size_t)rand_r(&seed) % N;
		/* One step in eight removes; few distinct values make ties. */
		d = rand_r(&seed) % 8 == 0 ? DLHEAP_NEVER : rand_r(&seed) % 5000;
		dlheap_set(h, id, d);
		model[id] = d;
		if (i % 97 == 0) {
			/* What the scheduler does: take out whatever is due. */
			while (dlheap_min(h, &id) <= 1000) {
				assert_true(model[id] == dlheap_get(h, id));
				assert_true(model[id] == scan_min(model, N, &count));
				dlheap_set(h, id, DLHEAP_NEVER);
				model[id] = DLHEAP_NEVER;
			}
		}
		d = dlheap_min(h, &id);
		assert_true(d == scan_min(model, N, &count));
		assert_int_equal(dlheap_count(h), count);
		if (d != DLHEAP_NEVER)
			assert_true(model[id] == d);
	}
	dlheap_free(h);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dlheap_min_move_and_remove),
		cmocka_unit_test(test_dlheap_agrees_with_a_scan),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
