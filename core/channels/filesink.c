/* filesink.c: the file_configs receiver (tocsin): its fields and defaults,
 * and the append-only JSON-lines files it writes. */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cfgfield.h"
#include "filesink.h"

/* ---- file_configs ---- */

/* "-" is stdout; anything else a file name. */
static int
file_finish(struct cfg_load *ld, const struct cf_walk *w)
{
	struct file_config *c = w->obj;
	char	*p = NULL;

	if (strcmp(c->path, "-") == 0)
		return 0;
	if (cfg_path(ld, "path", cf_value(w, "path"), &p) == -1)
		return -1;
	free(c->path);
	c->path = p;
	return 0;
}

static const struct cf_field file_fields[] = {
	{ "send_resolved", CF_BOOL, CF_AT(file_config, send_resolved), .on = true },
	{ "path", CF_STR, CF_AT(file_config, path),
	    .missing = "missing path in file_config" },
	{ .name = NULL }
};
static const struct cf_type file_type = { "file_config", file_fields,
    sizeof(struct file_config), file_finish };

static void
file_clear(void *vc)
{
	free(((struct file_config *)vc)->path);
}

const struct channel channel_file = {
	.name = "file",
	.key = "file_configs",
	.type = &file_type,
	.clear = file_clear,
	.ops = NULL,
};

/* ---- the writer ---- */

struct sinkfile {
	char		*path;
	int		 fd;
	bool		 regular;	/* fsync only makes sense for files */
	pthread_mutex_t	 mu;
};

struct filesink {
	pthread_mutex_t	  mu;		/* guards the list, not the writes */
	struct sinkfile	**files;
	size_t		  nfiles;
};

struct filesink *
filesink_new(void)
{
	struct filesink	*fs;

	if ((fs = calloc(1, sizeof(*fs))) == NULL)
		return NULL;
	pthread_mutex_init(&fs->mu, NULL);
	return fs;
}

void
filesink_free(struct filesink *fs)
{
	size_t	 i;

	if (fs == NULL)
		return;
	for (i = 0; i < fs->nfiles; i++) {
		if (fs->files[i]->fd != STDOUT_FILENO)
			close(fs->files[i]->fd);
		pthread_mutex_destroy(&fs->files[i]->mu);
		free(fs->files[i]->path);
		free(fs->files[i]);
	}
	free(fs->files);
	pthread_mutex_destroy(&fs->mu);
	free(fs);
}

static int
sync_dir(const char *path, struct terr *err)
{
	char	*copy, *dir;
	int	 fd, rc = 0;

	if ((copy = strdup(path)) == NULL)
		return terr_set(err, "out of memory");
	dir = dirname(copy);
	if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1 || fsync(fd) == -1)
		rc = terr_set(err, "fsync directory %s: %s", dir, strerror(errno));
	if (fd != -1)
		close(fd);
	free(copy);
	return rc;
}

/* Finds or opens path. Files are never closed before filesink_free, so the
 * returned pointer stays valid without holding the list lock. */
static struct sinkfile *
sink_get(struct filesink *fs, const char *path, struct terr *err)
{
	struct sinkfile	*f = NULL, **nf;
	struct stat	 st;
	size_t		 i;

	pthread_mutex_lock(&fs->mu);
	for (i = 0; i < fs->nfiles; i++)
		if (strcmp(fs->files[i]->path, path) == 0) {
			f = fs->files[i];
			goto out;
		}
	if ((f = calloc(1, sizeof(*f))) == NULL || (f->path = strdup(path)) == NULL) {
		terr_set(err, "out of memory");
		goto fail;
	}
	if (strcmp(path, "-") == 0)
		f->fd = STDOUT_FILENO;
	else if ((f->fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640)) == -1) {
		terr_set(err, "open %s: %s", path, strerror(errno));
		goto fail;
	}
	f->regular = fstat(f->fd, &st) == 0 && S_ISREG(st.st_mode);
	/* A new file's name is only durable once its directory is synced. */
	if (f->regular && sync_dir(path, err) == -1) {
		close(f->fd);
		goto fail;
	}
	if ((nf = realloc(fs->files, (fs->nfiles + 1) * sizeof(*nf))) == NULL) {
		terr_set(err, "out of memory");
		if (f->fd != STDOUT_FILENO)
			close(f->fd);
		goto fail;
	}
	pthread_mutex_init(&f->mu, NULL);
	fs->files = nf;
	fs->files[fs->nfiles++] = f;
 out:
	pthread_mutex_unlock(&fs->mu);
	return f;
 fail:
	if (f)
		free(f->path);
	free(f);
	pthread_mutex_unlock(&fs->mu);
	return NULL;
}

int
filesink_append(struct filesink *fs, const char *path, const char *data, size_t len,
    struct terr *err)
{
	struct sinkfile	*f;
	size_t		 off = 0;
	ssize_t		 n;
	int		 rc = -1;

	if ((f = sink_get(fs, path, err)) == NULL)
		return -1;
	pthread_mutex_lock(&f->mu);
	while (off < len) {
		n = write(f->fd, data + off, len - off);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			terr_set(err, "write %s: %s", path, strerror(errno));
			goto out;
		}
		off += (size_t)n;
	}
	if (f->regular && fsync(f->fd) == -1) {
		terr_set(err, "fsync %s: %s", path, strerror(errno));
		goto out;
	}
	rc = 0;
 out:
	pthread_mutex_unlock(&f->mu);
	return rc;
}
