/* conndeadline.h: absolute deadlines for reading a request's headers and its
 * whole body. libmicrohttpd's own timeout restarts at every byte, so a
 * client sending one byte a second would hold its connection for ever; here
 * the clock starts when the connection opens (or the previous answer was
 * queued) and a trickle does not move it. A connection past its deadline is
 * shut down (shutdown(2)), which the server's poll sees at once and closes.
 * Thread-safe: one mutex guards the registry. */
#ifndef TOCSIN_CONNDEADLINE_H
#define TOCSIN_CONNDEADLINE_H

#include <stddef.h>
#include <stdint.h>

struct conndl;		/* opaque registry */
struct conndl_conn;	/* one connection, owned by the registry */

enum conndl_phase {
	CONNDL_HEADERS,		/* waiting for the request's headers */
	CONNDL_BODY,		/* headers read, body still coming */
	CONNDL_BUSY,		/* request read: answering, no deadline */
};

/* header_ms: from the start to the end of the headers; read_ms: from the
 * start to the end of the body. Caller frees with conndl_free, after every
 * connection was removed. NULL when memory runs out. */
struct conndl *conndl_new(int64_t header_ms, int64_t read_ms);
void	conndl_free(struct conndl *t);

/* A new connection on socket fd whose clock starts at now_ms. NULL when
 * memory runs out (the connection then has no deadline). */
struct conndl_conn *conndl_add(struct conndl *t, int fd, int64_t now_ms);
/* Forgets c before its socket is closed (from then on fd is not touched). */
void	conndl_remove(struct conndl *t, struct conndl_conn *c);
/* The request's headers or whole body were read. NULL c is fine. */
void	conndl_set_phase(struct conndl *t, struct conndl_conn *c, enum conndl_phase p);
/* The answer was queued: the next request on the connection (keep-alive)
 * gets its own deadlines from now_ms. NULL c is fine. */
void	conndl_restart(struct conndl *t, struct conndl_conn *c, int64_t now_ms);

/* Shuts down every connection past a deadline at now_ms (each once) and
 * adds how many were late for their headers and for their body. */
void	conndl_expire(struct conndl *t, int64_t now_ms, size_t *headers, size_t *body);
/* How many connections the registry holds. */
size_t	conndl_count(struct conndl *t);

#endif
