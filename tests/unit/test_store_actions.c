/* test_store_actions.c: the phone loop's state in the store: button
 * records, acknowledgements and cursors survive a reopen, updates of an
 * unknown record are refused, expired records are pruned; the message a
 * group went out as, replaced, kept and pruned with the retention; the
 * record of a message's action links, stored with it. */
#include <stdarg.h>
#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "scratch_dir.h"
#include "store.h"
#include "storetest.h"

#define T0	INT64_C(1795441725000)	/* 2026-11-23T13:48:45Z */

struct fixture {
	char		 dir[64];
	struct store	*s;
	int64_t		 now;
};

static int64_t
fixed_clock(void *arg)
{
	return ((struct fixture *)arg)->now;
}

static void
reopen(struct fixture *f)
{
	struct store_params	 p;
	struct terr		 err;

	if (f->s != NULL)
		store_close(f->s);
	memset(&p, 0, sizeof(p));
	storetest_params(&p, f->dir);
	p.clock = fixed_clock;
	p.clock_arg = f;
	f->s = store_open(&p, &err);
	assert_non_null(f->s);
}

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	scratch_make(f->dir, sizeof(f->dir), "tocsin-store-actions");
	f->now = T0;
	storetest_reset();
	reopen(f);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;

	store_close(f->s);
	scratch_remove(f->dir);
	free(f);
	return 0;
}

static void
put_record(struct store *s, const char *id, int64_t expires)
{
	struct action_rec r;
	struct terr	 err;

	memset(&r, 0, sizeof(r));
	snprintf(r.id, sizeof(r.id), "%s", id);
	r.receiver = "pager";
	r.integration = "telegram/0";
	r.group_key = "{}:{alertname=\"Disk\"}";
	r.labels = "{\"group\":{\"alertname\":\"Disk\"}}";
	r.chat = "42";
	r.created = T0;
	r.expires = expires;
	r.silence_id = "";
	assert_int_equal(store_action_put(s, &r, &err), 0);
}

static void
test_store_action_record_round_trips_and_survives_reopen(void **state)
{
	struct fixture	*f = *state;
	struct action_rec r;
	struct terr	 err;
	int		 found;

	put_record(f->s, "AAAAAAAAAAAAAAAA", T0 + 1000);
	assert_int_equal(store_action_set_message(f->s, "AAAAAAAAAAAAAAAA", 77,
	    &err), 0);
	assert_int_equal(store_action_set_silence(f->s, "AAAAAAAAAAAAAAAA",
	    "6f1b-silence", &err), 0);
	reopen(f);
	assert_int_equal(store_action_get(f->s, "AAAAAAAAAAAAAAAA", &r, &found,
	    &err), 0);
	assert_int_equal(found, 1);
	assert_string_equal(r.id, "AAAAAAAAAAAAAAAA");
	assert_string_equal(r.receiver, "pager");
	assert_string_equal(r.integration, "telegram/0");
	assert_string_equal(r.group_key, "{}:{alertname=\"Disk\"}");
	assert_string_equal(r.labels, "{\"group\":{\"alertname\":\"Disk\"}}");
	assert_string_equal(r.chat, "42");
	assert_int_equal(r.message_id, 77);
	assert_int_equal(r.created, T0);
	assert_int_equal(r.expires, T0 + 1000);
	assert_string_equal(r.silence_id, "6f1b-silence");
	action_rec_clear(&r);
}

static void
test_store_action_unknown_record_is_not_found_and_not_updated(void **state)
{
	struct fixture	*f = *state;
	struct action_rec r;
	struct terr	 err;
	int		 found = -1;

	assert_int_equal(store_action_get(f->s, "BBBBBBBBBBBBBBBB", &r, &found,
	    &err), 0);
	assert_int_equal(found, 0);
	action_rec_clear(&r);
	assert_int_equal(store_action_set_message(f->s, "BBBBBBBBBBBBBBBB", 1,
	    &err), -1);
	assert_string_equal(err.msg, "store: no action record BBBBBBBBBBBBBBBB");
	assert_int_equal(store_action_set_silence(f->s, "BBBBBBBBBBBBBBBB", "x",
	    &err), -1);
	assert_string_equal(err.msg, "store: no action record BBBBBBBBBBBBBBBB");
}

static void
test_store_action_put_again_replaces_the_record(void **state)
{
	struct fixture	*f = *state;
	struct action_rec r;
	struct terr	 err;
	int		 found;

	put_record(f->s, "CCCCCCCCCCCCCCCC", T0 + 1000);
	assert_int_equal(store_action_set_message(f->s, "CCCCCCCCCCCCCCCC", 5,
	    &err), 0);
	put_record(f->s, "CCCCCCCCCCCCCCCC", T0 + 2000);
	assert_int_equal(store_action_get(f->s, "CCCCCCCCCCCCCCCC", &r, &found,
	    &err), 0);
	assert_int_equal(found, 1);
	assert_int_equal(r.message_id, 0);
	assert_int_equal(r.expires, T0 + 2000);
	action_rec_clear(&r);
}

static void
test_store_prune_deletes_expired_records_only(void **state)
{
	struct fixture	*f = *state;
	struct action_rec r;
	struct terr	 err;
	int		 found;

	put_record(f->s, "DDDDDDDDDDDDDDDD", T0 + 1000);
	put_record(f->s, "EEEEEEEEEEEEEEEE", T0 + 5000);
	f->now = T0 + 3000;
	assert_int_equal(store_prune(f->s, 0, NULL, &err), 0);
	assert_int_equal(store_action_get(f->s, "DDDDDDDDDDDDDDDD", &r, &found,
	    &err), 0);
	assert_int_equal(found, 0);
	action_rec_clear(&r);
	assert_int_equal(store_action_get(f->s, "EEEEEEEEEEEEEEEE", &r, &found,
	    &err), 0);
	assert_int_equal(found, 1);
	action_rec_clear(&r);
}

static void
test_store_ack_is_per_receiver_and_group_and_replaced(void **state)
{
	struct fixture	*f = *state;
	struct terr	 err;
	char		*by = NULL;
	int64_t		 at = 0;
	int		 found;

	assert_int_equal(store_group_acked(f->s, "pager", "g1", &by, &at, &found,
	    &err), 0);
	assert_int_equal(found, 0);
	assert_int_equal(store_ack_put(f->s, "pager", "g1", "@ann (42)", T0,
	    &err), 0);
	assert_int_equal(store_ack_put(f->s, "pager", "g1", "@bob (43)", T0 + 5,
	    &err), 0);
	reopen(f);
	assert_int_equal(store_group_acked(f->s, "pager", "g1", &by, &at, &found,
	    &err), 0);
	assert_int_equal(found, 1);
	assert_string_equal(by, "@bob (43)");
	assert_int_equal(at, T0 + 5);
	free(by);
	by = NULL;
	assert_int_equal(store_group_acked(f->s, "pager", "g2", &by, &at, &found,
	    &err), 0);
	assert_int_equal(found, 0);
	assert_int_equal(store_group_acked(f->s, "other", "g1", &by, &at, &found,
	    &err), 0);
	assert_int_equal(found, 0);
}

static void
test_store_cursor_starts_at_zero_and_persists(void **state)
{
	struct fixture	*f = *state;
	struct terr	 err;
	int64_t		 v = -1;

	assert_int_equal(store_cursor_get(f->s, "telegram:123456", &v, &err), 0);
	assert_int_equal(v, 0);
	assert_int_equal(store_cursor_put(f->s, "telegram:123456", 9001, &err), 0);
	assert_int_equal(store_cursor_put(f->s, "telegram:999", 3, &err), 0);
	reopen(f);
	assert_int_equal(store_cursor_get(f->s, "telegram:123456", &v, &err), 0);
	assert_int_equal(v, 9001);
	assert_int_equal(store_cursor_get(f->s, "telegram:999", &v, &err), 0);
	assert_int_equal(v, 3);
}

/* The record of a message's action links is stored with the message in
 * its transaction, and not when the message is a duplicate. */
static void
test_store_enqueue_stores_a_message_record_unless_duplicate(void **state)
{
	struct fixture		*f = *state;
	struct action_rec	 r, got;
	struct store_msg	 m = { .receiver = "mail",
	    .integration = "email/0", .dest = "email:x", .dedup_key = "k1",
	    .payload = "hello", .payload_len = 5, .action = &r };
	struct store_ack	 ack;
	struct terr		 err;
	int			 found;

	memset(&r, 0, sizeof(r));
	snprintf(r.id, sizeof(r.id), "AAAAAAAAAAAAAAA1");
	r.receiver = "mail";
	r.integration = "email/0";
	r.group_key = "{}:{}";
	r.labels = "{}";
	r.chat = "";
	r.created = T0;
	r.expires = T0 + 1000;
	r.silence_id = "";
	assert_int_equal(store_enqueue(f->s, &m, 1, 60000, &ack, &err), 0);
	assert_int_equal(ack.verdict, STORE_ACCEPTED);
	assert_int_equal(ack.id, 1);
	snprintf(r.id, sizeof(r.id), "AAAAAAAAAAAAAAA2");
	assert_int_equal(store_enqueue(f->s, &m, 1, 60000, &ack, &err), 0);
	assert_int_equal(ack.verdict, STORE_DUPLICATE);
	reopen(f);
	assert_int_equal(store_action_get(f->s, "AAAAAAAAAAAAAAA1", &got, &found,
	    &err), 0);
	assert_int_equal(found, 1);
	assert_string_equal(got.receiver, "mail");
	assert_string_equal(got.integration, "email/0");
	assert_int_equal(got.expires, T0 + 1000);
	action_rec_clear(&got);
	assert_int_equal(store_action_get(f->s, "AAAAAAAAAAAAAAA2", &got, &found,
	    &err), 0);
	assert_int_equal(found, 0);
}

static void
test_store_group_message_replaced_kept_and_pruned(void **state)
{
	struct fixture	*f = *state;
	struct terr	 err;
	char		 chat[32];
	int64_t		 id = -1;
	int		 found = -1;

	assert_int_equal(store_group_message_get(f->s, "pager", "telegram/0", "g",
	    chat, sizeof(chat), &id, &found, &err), 0);
	assert_int_equal(found, 0);
	assert_int_equal(store_group_message_put(f->s, "pager", "telegram/0", "g",
	    "42", 7, &err), 0);
	assert_int_equal(store_group_message_put(f->s, "pager", "telegram/1", "g",
	    "43", 8, &err), 0);
	f->now = T0 + 10;
	assert_int_equal(store_group_message_put(f->s, "pager", "telegram/0", "g",
	    "42", 9, &err), 0);
	reopen(f);
	assert_int_equal(store_group_message_get(f->s, "pager", "telegram/0", "g",
	    chat, sizeof(chat), &id, &found, &err), 0);
	assert_int_equal(found, 1);
	assert_string_equal(chat, "42");
	assert_int_equal(id, 9);
	/* Retention 5 ms at T0 + 10: the one written at T0 goes. */
	assert_int_equal(store_prune(f->s, 5, NULL, &err), 0);
	assert_int_equal(store_group_message_get(f->s, "pager", "telegram/1", "g",
	    chat, sizeof(chat), &id, &found, &err), 0);
	assert_int_equal(found, 0);
	assert_int_equal(store_group_message_get(f->s, "pager", "telegram/0", "g",
	    chat, sizeof(chat), &id, &found, &err), 0);
	assert_int_equal(found, 1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(
		    test_store_action_record_round_trips_and_survives_reopen,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_store_action_unknown_record_is_not_found_and_not_updated,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_store_action_put_again_replaces_the_record, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_store_prune_deletes_expired_records_only, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_store_ack_is_per_receiver_and_group_and_replaced, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(
		    test_store_cursor_starts_at_zero_and_persists, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_store_group_message_replaced_kept_and_pruned, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(
		    test_store_enqueue_stores_a_message_record_unless_duplicate,
		    setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
