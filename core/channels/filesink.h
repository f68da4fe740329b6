/* filesink.h: the file_configs receiver writer. Each notification becomes one
 * line appended to a file (or stdout), durably written before the caller
 * answers 200, with one lock per file so lines never interleave. */
#ifndef TOCSIN_FILESINK_H
#define TOCSIN_FILESINK_H

#include <stdbool.h>
#include <stddef.h>

#include "channel.h"
#include "err.h"

/* tocsin extension: append each notification as one JSON line. */
struct file_config {
	char	*path;				/* "-" is stdout; otherwise absolute */
	bool	 send_resolved;			/* default true */
};

/* The file_configs channel (channel.h): a config section and no sender;
 * the relay's intake writes these itself, before it answers. */
extern const struct channel channel_file;

struct filesink;	/* opaque: the set of open files, shared by all threads */

/* Allocates an empty set; files are opened on first use and stay open across
 * config reloads. Caller frees with filesink_free (which closes them). */
struct filesink *filesink_new(void);
void	filesink_free(struct filesink *fs);

/* Appends len bytes to path ("-" is stdout) with one write(2) loop under the
 * file's lock, then fsyncs regular files. Thread-safe. */
int	filesink_append(struct filesink *fs, const char *path, const char *data, size_t len,
	    struct terr *err) WARN_UNUSED;

#endif
