/* addrfail.h: per-address backoff after failed logins. The first few
 * failures from an address cost nothing (typos); after them each failure
 * doubles the time that address must wait before its next password is
 * checked, up to a ceiling, so a flood of guesses from one address is
 * slowed down while every other address is checked as usual; it also
 * bounds the checks one address may have waiting. A bounded table: when it
 * is full, the idle address that failed longest ago is forgotten.
 * Thread-safe. */
#ifndef TOCSIN_ADDRFAIL_H
#define TOCSIN_ADDRFAIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Failures an address may have before it waits. */
#define ADDRFAIL_FREE		3
/* The first wait and the longest. */
#define ADDRFAIL_BASE_MS	1000
#define ADDRFAIL_MAX_MS		60000
/* Checks one address may have running or queued at once. */
#define ADDRFAIL_MAX_PENDING	4
/* An address that has not failed for this long starts afresh. */
#define ADDRFAIL_FORGET_MS	(15 * 60 * 1000)

struct addrfail;	/* opaque */

/* A table of at most slots addresses (0 means 1024). NULL when memory runs
 * out. Caller frees with addrfail_free. */
struct addrfail *addrfail_new(size_t slots);
void	addrfail_free(struct addrfail *t);
/* How many ms addr must still wait before its next check; 0: none. */
int64_t	addrfail_wait(struct addrfail *t, const char *addr, int64_t now_ms);
/* Counts a check from addr about to start; false (nothing counted) when
 * addr has ADDRFAIL_MAX_PENDING checks pending already, so that one
 * address cannot fill the queue of checks that every address shares.
 * Each true is followed by one addrfail_end. */
bool	addrfail_begin(struct addrfail *t, const char *addr, int64_t now_ms);
/* The check counted by addrfail_begin is over (call before the result's
 * addrfail_failed or addrfail_succeeded). */
void	addrfail_end(struct addrfail *t, const char *addr);
/* A failed check from addr at now_ms. */
void	addrfail_failed(struct addrfail *t, const char *addr, int64_t now_ms);
/* A successful check from addr: its failures are forgotten. */
void	addrfail_succeeded(struct addrfail *t, const char *addr);

#endif
