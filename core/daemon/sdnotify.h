/* sdnotify.h: telling systemd (Type=notify) how the daemon is doing. A thin
 * layer over libsystemd's sd_notify: every call is a no-op returning 0 when
 * the process was not started with $NOTIFY_SOCKET, so daemons call it
 * unconditionally. */
#ifndef TOCSIN_SDNOTIFY_H
#define TOCSIN_SDNOTIFY_H

#include <stdint.h>

#include "err.h"

/* "READY=1": start-up (or a reload) is complete and the listener answers. */
int	sdnotify_ready(struct terr *err);
/* "STOPPING=1": an orderly shutdown has begun. */
int	sdnotify_stopping(struct terr *err);
/* "RELOADING=1\nMONOTONIC_USEC=<now>": a reload has begun; send
 * sdnotify_ready when it ends, whether it worked or not. systemd 253+ needs
 * the timestamp to tell this reload from an older one; 252 ignores it. */
int	sdnotify_reloading(struct terr *err);
/* "WATCHDOG=1": the daemon is healthy; see sdnotify_watchdog_usec. */
int	sdnotify_watchdog(struct terr *err);
/* "STATUS=<formatted text>": one line shown by `systemctl status`. */
int	sdnotify_status(struct terr *err, const char *fmt, ...) PRINTF_LIKE(2, 3);

/* The watchdog interval systemd expects pings within ($WATCHDOG_USEC when
 * $WATCHDOG_PID is unset or ours), or 0 when the watchdog is off. Ping at
 * half of it. */
uint64_t sdnotify_watchdog_usec(void);

#endif
