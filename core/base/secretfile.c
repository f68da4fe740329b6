/* secretfile.c: a secret read from a file (see secretfile.h). */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "buf.h"
#include "secretfile.h"

static bool
go_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' ||
	    c == '\f';
}

static void
wipe(struct buf *b)
{
	if (b->data != NULL)
		explicit_bzero(b->data, b->len);
	buf_free(b);
}

int
secretfile_read(const char *field, const char *path, char **out,
    struct terr *err)
{
	FILE		*f;
	struct buf	 b;
	struct stat	 st;
	char		 chunk[4096], *s, *start, *end;
	size_t		 r;
	int		 saved;

	if ((f = fopen(path, "re")) == NULL) {
		saved = errno;
		return terr_set(err, "cannot read %s \"%s\": %s", field, path,
		    strerror(saved));
	}
	if (fstat(fileno(f), &st) == -1 || !S_ISREG(st.st_mode)) {
		fclose(f);
		return terr_set(err, "cannot read %s \"%s\": not a regular file",
		    field, path);
	}
	buf_init(&b, SECRETFILE_MAX);
	while ((r = fread(chunk, 1, sizeof(chunk), f)) > 0)
		if (buf_add(&b, chunk, r) == -1) {
			fclose(f);
			explicit_bzero(chunk, sizeof(chunk));
			wipe(&b);
			return terr_set(err, "%s \"%s\" is larger than 1 MiB", field,
			    path);
		}
	saved = ferror(f) ? errno : 0;
	fclose(f);
	explicit_bzero(chunk, sizeof(chunk));
	if (saved != 0) {
		wipe(&b);
		return terr_set(err, "cannot read %s \"%s\": %s", field, path,
		    strerror(saved));
	}
	if ((s = buf_steal(&b)) == NULL)
		return terr_set(err, "out of memory");
	start = s;
	while (go_space(*start))
		start++;
	end = start + strlen(start);
	while (end > start && go_space(end[-1]))
		end--;
	*end = '\0';
	memmove(s, start, (size_t)(end - start) + 1);
	if (*out != NULL) {
		explicit_bzero(*out, strlen(*out));
		free(*out);
	}
	*out = s;
	return 0;
}
