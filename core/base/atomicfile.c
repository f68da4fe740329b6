/* atomicfile.c: write a temporary file, fsync, rename, fsync the directory
 * (see atomicfile.h). */
#include <sys/types.h>

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "atomicfile.h"

/* The directory entry is what a rename changes: without this fsync a crash
 * can bring back the old file after the call returned. */
static int
sync_parent(const char *path, struct terr *err)
{
	char	*copy, *dir;
	int	 fd, rc = 0;

	if ((copy = strdup(path)) == NULL)
		return terr_set(err, "out of memory");
	dir = dirname(copy);
	if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1)
		rc = terr_set(err, "%s: %s", dir, strerror(errno));
	else {
		/* Some file systems cannot fsync a directory: nothing to do. */
		if (fsync(fd) == -1 && errno != EINVAL)
			rc = terr_set(err, "fsync %s: %s", dir, strerror(errno));
		close(fd);
	}
	free(copy);
	return rc;
}

int
atomicfile_write(const char *path, const void *data, size_t len, mode_t mode,
    struct terr *err)
{
	const char	*p = data;
	char		*tmp = NULL;
	size_t		 off = 0;
	ssize_t		 n;
	int		 fd = -1, rc = -1;

	if (asprintf(&tmp, "%s.tmp.%ld", path, (long)getpid()) == -1) {
		tmp = NULL;
		terr_set(err, "out of memory");
		goto out;
	}
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode)) == -1) {
		terr_set(err, "%s: %s", tmp, strerror(errno));
		goto out;
	}
	while (off < len) {
		if ((n = write(fd, p + off, len - off)) == -1) {
			if (errno == EINTR)
				continue;
			terr_set(err, "%s: %s", tmp, strerror(errno));
			goto out;
		}
		off += (size_t)n;
	}
	if (fsync(fd) == -1) {
		terr_set(err, "fsync %s: %s", tmp, strerror(errno));
		goto out;
	}
	if (close(fd) == -1) {
		fd = -1;
		terr_set(err, "%s: %s", tmp, strerror(errno));
		goto out;
	}
	fd = -1;
	if (rename(tmp, path) == -1) {
		terr_set(err, "%s: %s", path, strerror(errno));
		goto out;
	}
	rc = sync_parent(path, err);
out:
	if (fd != -1)
		close(fd);
	if (rc == -1 && tmp != NULL)
		(void)unlink(tmp);
	free(tmp);
	return rc;
}
