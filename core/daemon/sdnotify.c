/* sdnotify.c: the messages of sdnotify.h, sent with libsystemd so the
 * socket handling (abstract names, credentials) matches systemd's own. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <systemd/sd-daemon.h>

#include "sdnotify.h"

static int
send_state(const char *state, struct terr *err)
{
	int	 r;

	/* unset_environment 0: every later message needs $NOTIFY_SOCKET too. */
	if ((r = sd_notify(0, state)) < 0)
		return terr_set(err, "sd_notify: %s", strerror(-r));
	return 0;
}

int
sdnotify_ready(struct terr *err)
{
	return send_state("READY=1", err);
}

int
sdnotify_stopping(struct terr *err)
{
	return send_state("STOPPING=1", err);
}

int
sdnotify_watchdog(struct terr *err)
{
	return send_state("WATCHDOG=1", err);
}

int
sdnotify_reloading(struct terr *err)
{
	struct timespec	 ts;
	char		 msg[64];

	/* CLOCK_MONOTONIC is what systemd compares MONOTONIC_USEC against. */
	if (clock_gettime(CLOCK_MONOTONIC, &ts) == -1)
		return terr_set(err, "clock_gettime: %s", strerror(errno));
	snprintf(msg, sizeof(msg), "RELOADING=1\nMONOTONIC_USEC=%llu",
	    (unsigned long long)ts.tv_sec * 1000000ULL +
	    (unsigned long long)ts.tv_nsec / 1000ULL);
	return send_state(msg, err);
}

int
sdnotify_status(struct terr *err, const char *fmt, ...)
{
	char	 msg[512], *p;
	va_list	 ap;

	memcpy(msg, "STATUS=", 7);
	va_start(ap, fmt);
	vsnprintf(msg + 7, sizeof(msg) - 7, fmt, ap);
	va_end(ap);
	/* A newline would start another (possibly meaningful) assignment. */
	for (p = msg; *p; p++)
		if (*p == '\n')
			*p = ' ';
	return send_state(msg, err);
}

uint64_t
sdnotify_watchdog_usec(void)
{
	uint64_t usec = 0;

	if (sd_watchdog_enabled(0, &usec) <= 0)
		return 0;
	return usec;
}
