/* store_mark.c: the store's identity and high-water mark beside the database
 * (see store_mark.h). The file is one line of text:
 *   tocsin-store-mark 1 <identity> <last id>
 * small enough to be replaced atomically on every write. */
#include <sys/random.h>

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "atomicfile.h"
#include "store_mark.h"

#define MARK_MAGIC	"tocsin-store-mark"
#define MARK_VERSION	1

int
store_mark_new_id(char out[STORE_MARK_ID_LEN + 1], struct terr *err)
{
	unsigned char	 raw[STORE_MARK_ID_LEN / 2];
	ssize_t		 n;
	size_t		 i;

	do
		n = getrandom(raw, sizeof(raw), 0);
	while (n == -1 && errno == EINTR);
	if (n != (ssize_t)sizeof(raw))
		return terr_set(err, "store: no randomness for an identity: %s",
		    n == -1 ? strerror(errno) : "short read");
	for (i = 0; i < sizeof(raw); i++)
		snprintf(out + 2 * i, 3, "%02x", raw[i]);
	return 0;
}

static bool
id_valid(const char *s)
{
	return strlen(s) == STORE_MARK_ID_LEN &&
	    strspn(s, "0123456789abcdef") == STORE_MARK_ID_LEN;
}

int
store_mark_read(const char *path, struct store_mark *m, int *found,
    struct terr *err)
{
	FILE		*f;
	char		 line[128], magic[32], id[STORE_MARK_ID_LEN + 2], end;
	int		 version;
	long long	 last;

	*found = 0;
	memset(m, 0, sizeof(*m));
	if ((f = fopen(path, "re")) == NULL) {
		if (errno == ENOENT)
			return 0;
		return terr_set(err, "store: %s: %s", path, strerror(errno));
	}
	if (fgets(line, sizeof(line), f) == NULL)
		line[0] = '\0';
	fclose(f);
	if (sscanf(line, "%31s %d %33s %lld%c", magic, &version, id, &last,
	    &end) != 5 || end != '\n' || strcmp(magic, MARK_MAGIC) != 0 ||
	    version != MARK_VERSION || !id_valid(id) || last < 0)
		return terr_set(err, "store: %s is not a store mark; remove it"
		    " to start without comparing the database with it", path);
	memcpy(m->id, id, sizeof(m->id));
	m->last_id = last;
	*found = 1;
	return 0;
}

int
store_mark_write(const char *path, const struct store_mark *m, struct terr *err)
{
	char	 line[128];
	int	 n;

	n = snprintf(line, sizeof(line), "%s %d %s %" PRId64 "\n", MARK_MAGIC,
	    MARK_VERSION, m->id, m->last_id);
	if (n < 0 || (size_t)n >= sizeof(line))
		return terr_set(err, "store: mark too long");
	if (atomicfile_write(path, line, (size_t)n, 0600, err) == -1)
		return terr_prefix(err, "store: cannot write the mark");
	return 0;
}

enum store_mark_verdict
store_mark_judge(const struct store_mark *mark, const struct store_mark_db *db,
    bool allow_empty, const char *dbfile, const char *markfile,
    struct terr *err)
{
	if (mark == NULL)
		return STORE_MARK_OK;
	if (db->fresh) {
		if (allow_empty)
			return STORE_MARK_EMPTY_ALLOWED;
		terr_set(err, "store: %s is empty or missing, but %s says it held"
		    " messages up to id %" PRId64 "; refusing to start with an"
		    " empty queue: restore the database, or start with"
		    " --storage.allow-empty to begin empty on purpose", dbfile,
		    markfile, mark->last_id);
		return STORE_MARK_REFUSE;
	}
	if (db->id == NULL || strcmp(db->id, mark->id) != 0) {
		terr_set(err, "store: %s is another database (identity %s) than"
		    " the one %s belongs to (identity %s); refusing to start:"
		    " put the right database back, or remove %s to adopt this"
		    " one", dbfile, db->id != NULL ? db->id : "none", markfile,
		    mark->id, markfile);
		return STORE_MARK_REFUSE;
	}
	if (db->last_id < mark->last_id) {
		terr_set(err, "store: %s ends at message id %" PRId64 ", but %s"
		    " says id %" PRId64 " was committed: the database is an older"
		    " copy that lost messages; refusing to start: put the newer"
		    " database back, or remove %s to adopt this one", dbfile,
		    db->last_id, markfile, mark->last_id, markfile);
		return STORE_MARK_REFUSE;
	}
	return STORE_MARK_OK;
}
