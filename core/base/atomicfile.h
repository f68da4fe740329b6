/* atomicfile.h: replacing a small file so that a crash leaves either the old
 * or the new content, never a mix or nothing, and the new name is durable
 * when the call returns. */
#ifndef TOCSIN_ATOMICFILE_H
#define TOCSIN_ATOMICFILE_H

#include <sys/types.h>

#include <stddef.h>

#include "err.h"

/*
 * Writes data[0..len) to "<path>.tmp.<pid>", fsyncs it, renames it over path
 * and fsyncs the directory holding path. The temporary name carries the pid
 * so that two processes replacing the same file (the daemon and a CLI on
 * its storage) never write into each other's temporary file. On failure
 * the temporary file is removed and path is as it was.
 */
int	atomicfile_write(const char *path, const void *data, size_t len,
	    mode_t mode, struct terr *err) WARN_UNUSED;

#endif
