/* httpd_int.h: the HTTP server's insides, shared by its files: httpd.c
 * (the server, routing, bodies, suspend and resume) and httpd_auth.c (basic
 * auth off the request threads). Not for use outside core/http/httpd*.c. */
#ifndef TOCSIN_HTTPD_INT_H
#define TOCSIN_HTTPD_INT_H

#include <arpa/inet.h>

#include <microhttpd.h>
#include <pthread.h>
#include <stdbool.h>
#include <time.h>

#include "addrfail.h"
#include "bodybudget.h"
#include "buf.h"
#include "conndeadline.h"
#include "httpd.h"
#include "workpool.h"

/* bcrypt workers, and how many checks may wait for one: beyond that a
 * request with new credentials gets 503 at once. */
#define AUTH_THREADS	2
#define AUTH_MAX_WAITING 64

struct hroute {
	char		*method;
	char		*path;
	size_t		 plen;
	bool		 prefix;
	char		*label;
	httpd_handler	 fn;
	void		*arg;
};

/* A web config with the number of its users: requests in flight, plus one
 * while it is current, plus one for the TLS setup of the running daemon. */
struct webref {
	struct webconfig	*wc;
	unsigned		 refs;
};

struct httpd {
	struct httpd_params	 p;		/* p.web: the TLS settings, fixed */
	pthread_mutex_t		 mu;		/* guards cur and refs */
	struct webref		*cur;		/* auth and headers, swapped on reload */
	struct webref		*tls;
	/* The certificate handshakes get, replaced on reload; NULL without
	 * TLS. */
	struct tlscert		*cert;
	unsigned		 active;	/* requests being handled; under mu */
	unsigned		 suspended;	/* of which suspended, not yet continued */
	/* Under mu: the stop is past its drain. libmicrohttpd must not be
	 * stopped with a connection suspended (it aborts), so a handler that
	 * suspends from then on waits for its resume on its own thread. */
	bool			 stopping;
	pthread_cond_t		 resumed;	/* for those waits, with mu */
	struct hroute		*routes;
	size_t			 nroutes;
	struct MHD_Daemon	*mhd;
	struct sockaddr_storage	 ss;
	socklen_t		 sslen;
	bool			 any;		/* all interfaces: dual stack */
	char			 addr[INET6_ADDRSTRLEN + 16];
	struct metric		*m_requests;
	struct metric		*m_duration;
	struct metric		*m_timeouts;
	struct metric		*m_buffered;
	struct conndl		*dl;		/* read deadlines */
	pthread_t		 reaper;	/* enforces them */
	bool			 reaper_on;
	bool			 reaper_stop;	/* atomic */
	struct bodybudget	 budget;
	struct addrfail		*fails;		/* failed logins per address */
	struct workpool		*auth;		/* bcrypt off the request threads */
	unsigned		 auth_waiting;	/* atomic: checks queued or running */
};

/* Where a request is with its credentials. */
enum auth_state {
	AUTH_NONE,	/* not needed, or not asked yet */
	AUTH_WAITING,	/* suspended while a worker runs bcrypt */
	AUTH_CHECKED,
};

struct httpd_req {
	struct httpd		*h;
	struct webref		*web;		/* NULL: no web config */
	struct MHD_Connection	*conn;
	const struct hroute	*route;
	const struct hroute	*same_path;	/* for a 405: the path's route */
	const char		*method;
	const char		*path;
	struct timespec		 start;
	struct buf		 body;
	bool			 too_large;
	bool			 over_budget;	/* the body budget was spent */
	size_t			 reserved;	/* bytes taken from the budget */
	size_t			 drained;	/* bytes read past the cap */
	struct conndl_conn	*dl;		/* the connection's deadlines */
	/* basic auth */
	enum auth_state		 auth;
	bool			 auth_done;	/* atomic: the worker finished */
	bool			 auth_ok;
	char			*user, *pass;	/* MHD's; wiped when checked */
	char			 addr[INET6_ADDRSTRLEN];	/* the client's */
	/* the answer */
	unsigned		 status;
	char			*ctype;
	char			*resp;
	size_t			 resplen;
	char			 allow[64];
	bool			 www_auth;
	struct kv		 headers;	/* httpd_reply_headers' */
	/* httpd_suspend: what runs on resume; NULL once it ran */
	httpd_resume_fn		 resume_fn;
	void			*resume_arg;
	bool			 resumed;	/* atomic: httpd_resume was called */
	bool			 inline_wait;	/* under h->mu: suspended while stopping */
};

/* What became of a request's credentials. */
enum auth_step {
	AUTH_PASS,		/* valid: go on */
	AUTH_ANSWERED,		/* the answer is set (401, 429, 503) */
	AUTH_PENDING,		/* suspended until a worker checked them */
};

/*
 * Credentials verified before pass at once (AUTH_PASS). Others are checked
 * on an auth worker while the request is suspended (AUTH_PENDING: the
 * access handler is called again once r->auth_done is set, and then calls
 * httpd_auth_resumed and httpd_auth_finish), unless the address serves a
 * backoff or the checks are too many (AUTH_ANSWERED with 429 or 503).
 */
enum auth_step httpd_auth_begin(struct httpd_req *r);
/* Records a finished check; a failure answers 401 (AUTH_ANSWERED). */
enum auth_step httpd_auth_finish(struct httpd_req *r);
/* The request is back from its check: no longer counted as suspended. */
void	httpd_auth_resumed(struct httpd_req *r);
/* Wipes and frees the credentials the request still holds. */
void	httpd_auth_free(struct httpd_req *r);

#endif
