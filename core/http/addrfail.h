/* addrfail.h: per-address backoff after failed logins. The first few
 * failures from an address cost nothing (typos); after them each failure
 * doubles the time that address must wait before its next password is
 * checked, up to a ceiling, so a flood of guesses from one address is
 * slowed down while every other address is checked as usual. A bounded
 * table: when it is full, the address that failed longest ago is forgotten.
 * Thread-safe. */
#ifndef TOCSIN_ADDRFAIL_H
#define TOCSIN_ADDRFAIL_H

#include <stddef.h>
#include <stdint.h>

/* Failures an address may have before it waits. */
#define ADDRFAIL_FREE		3
/* The first wait and the longest. */
#define ADDRFAIL_BASE_MS	1000
#define ADDRFAIL_MAX_MS		60000
/* An address that has not failed for this long starts afresh. */
#define ADDRFAIL_FORGET_MS	(15 * 60 * 1000)

struct addrfail;	/* opaque */

/* A table of at most slots addresses (0 means 1024). NULL when memory runs
 * out. Caller frees with addrfail_free. */
struct addrfail *addrfail_new(size_t slots);
void	addrfail_free(struct addrfail *t);
/* How many ms addr must still wait before its next check; 0: none. */
int64_t	addrfail_wait(struct addrfail *t, const char *addr, int64_t now_ms);
/* A failed check from addr at now_ms. */
void	addrfail_failed(struct addrfail *t, const char *addr, int64_t now_ms);
/* A successful check from addr: its failures are forgotten. */
void	addrfail_succeeded(struct addrfail *t, const char *addr);

#endif
