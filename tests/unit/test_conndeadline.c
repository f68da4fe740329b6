/* test_conndeadline.c: per-connection read deadlines with an injected clock:
 * a header deadline and a whole-request deadline that trickling does not
 * move, no deadline while a request is answered, a fresh clock for the next
 * request on a kept-alive connection, and the socket shut down once. */
#include <sys/socket.h>

#include <stdarg.h>
#include <stdbool.h>
#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>
#include <unistd.h>
#include <cmocka.h>

#include "conndeadline.h"

/* True when the peer of sv[1] sees sv[0] shut down. */
static bool
peer_sees_eof(int fd)
{
	char	 c;

	return recv(fd, &c, 1, MSG_DONTWAIT) == 0;
}

static void
expire(struct conndl *t, int64_t now, size_t want_headers, size_t want_body)
{
	size_t	 h = 0, b = 0;

	conndl_expire(t, now, &h, &b);
	assert_int_equal(h, want_headers);
	assert_int_equal(b, want_body);
}

static void
test_header_deadline_counts_from_the_start(void **state)
{
	struct conndl	*t;
	struct conndl_conn *c;
	int		 sv[2];

	(void)state;
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	assert_non_null(t = conndl_new(2000, 10000));
	assert_non_null(c = conndl_add(t, sv[0], 1000));
	assert_int_equal(conndl_count(t), 1);
	expire(t, 2999, 0, 0);
	assert_false(peer_sees_eof(sv[1]));
	expire(t, 3000, 1, 0);
	assert_true(peer_sees_eof(sv[1]));
	/* Once only. */
	expire(t, 9000, 0, 0);
	conndl_remove(t, c);
	assert_int_equal(conndl_count(t), 0);
	conndl_free(t);
	close(sv[0]);
	close(sv[1]);
}

static void
test_body_deadline_counts_from_the_start_too(void **state)
{
	struct conndl	*t;
	struct conndl_conn *c;
	int		 sv[2];

	(void)state;
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	assert_non_null(t = conndl_new(2000, 10000));
	assert_non_null(c = conndl_add(t, sv[0], 0));
	/* Headers in time: the header deadline no longer applies, the whole
	 * request's still counts from the connection's start. */
	conndl_set_phase(t, c, CONNDL_BODY);
	expire(t, 5000, 0, 0);
	expire(t, 9999, 0, 0);
	expire(t, 10000, 0, 1);
	assert_true(peer_sees_eof(sv[1]));
	conndl_remove(t, c);
	conndl_free(t);
	close(sv[0]);
	close(sv[1]);
}

static void
test_no_deadline_while_answering_and_a_fresh_one_after(void **state)
{
	struct conndl	*t;
	struct conndl_conn *c;
	int		 sv[2];

	(void)state;
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	assert_non_null(t = conndl_new(2000, 10000));
	assert_non_null(c = conndl_add(t, sv[0], 0));
	conndl_set_phase(t, c, CONNDL_BUSY);
	expire(t, 60000, 0, 0);
	assert_false(peer_sees_eof(sv[1]));
	/* Answered at 60 s: the next request has until 62 s for its headers. */
	conndl_restart(t, c, 60000);
	expire(t, 61999, 0, 0);
	expire(t, 62000, 1, 0);
	assert_true(peer_sees_eof(sv[1]));
	conndl_remove(t, c);
	/* NULL entries (no memory when the connection opened) are ignored. */
	conndl_set_phase(t, NULL, CONNDL_BUSY);
	conndl_restart(t, NULL, 0);
	conndl_remove(t, NULL);
	conndl_free(t);
	close(sv[0]);
	close(sv[1]);
}

static void
test_only_late_connections_are_shut(void **state)
{
	struct conndl	*t;
	struct conndl_conn *a, *b;
	int		 sa[2], sb[2];

	(void)state;
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sa), 0);
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sb), 0);
	assert_non_null(t = conndl_new(1000, 5000));
	assert_non_null(a = conndl_add(t, sa[0], 0));
	assert_non_null(b = conndl_add(t, sb[0], 800));
	expire(t, 1000, 1, 0);
	assert_true(peer_sees_eof(sa[1]));
	assert_false(peer_sees_eof(sb[1]));
	conndl_remove(t, a);
	expire(t, 1800, 1, 0);
	assert_true(peer_sees_eof(sb[1]));
	conndl_remove(t, b);
	conndl_free(t);
	close(sa[0]);
	close(sa[1]);
	close(sb[0]);
	close(sb[1]);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_header_deadline_counts_from_the_start),
		cmocka_unit_test(test_body_deadline_counts_from_the_start_too),
		cmocka_unit_test(test_no_deadline_while_answering_and_a_fresh_one_after),
		cmocka_unit_test(test_only_late_connections_are_shut),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
