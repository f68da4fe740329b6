/* secretfile.h: a secret read from a file, as Alertmanager reads its *_file
 * settings: the whole file, at most 1 MiB, trimmed as Go's
 * strings.TrimSpace does. The config loader reads them at load time, a
 * sender whose Alertmanager counterpart reads the file on every
 * notification (webhook url_file) reads it at send time. */
#ifndef TOCSIN_SECRETFILE_H
#define TOCSIN_SECRETFILE_H

#include "err.h"

#define SECRETFILE_MAX	((size_t)1 << 20)

/* Reads path into *out (replacing and wiping what it held; caller frees
 * with explicit_bzero + free). Only regular files: a FIFO would block, a
 * device never end. Errors name field and path, never the content:
 * `cannot read FIELD "PATH": No such file or directory`, `... not a regular
 * file`, `FIELD "PATH" is larger than 1 MiB`. */
int	secretfile_read(const char *field, const char *path, char **out,
	    struct terr *err) WARN_UNUSED;

#endif
