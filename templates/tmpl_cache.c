/* tmpl_cache.c: what a set compiles on first use and keeps for its lifetime
 * (the ad-hoc texts of config fields, the patterns of match and
 * reReplaceAll), so that a loaded configuration parses each of them once
 * rather than once per render. Shared by the threads that render with it. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "tmpl_int.h"

/* Bounds what texts computed at run time (a template's own output passed to
 * a nested render, a pattern built from a label) can make a set keep: past
 * this, they are compiled per use as if there were no cache. */
#define CACHE_MAX	1024
#define CACHE_BUCKETS	256

struct centry {
	struct centry	*next;
	enum tmpl_cache_kind kind;
	uint64_t	 hash;
	char		*key;
	void		*val;
};

struct tmpl_cache {
	pthread_mutex_t	 mu;
	struct centry	*b[CACHE_BUCKETS];
	size_t		 n;
};

struct tmpl_cache *
tmpl_cache_new(void)
{
	struct tmpl_cache *c;

	if ((c = calloc(1, sizeof(*c))) == NULL)
		return NULL;
	pthread_mutex_init(&c->mu, NULL);
	return c;
}

static void
val_free(enum tmpl_cache_kind kind, void *val)
{
	switch (kind) {
	case TMPL_CACHE_TEXT:
		tmpl_set_free(val);
		break;
	case TMPL_CACHE_REGEX:
		pcre2_code_free(val);
		break;
	}
}

void
tmpl_cache_free(struct tmpl_cache *c)
{
	struct centry	*e, *next;

	if (c == NULL)
		return;
	for (size_t i = 0; i < CACHE_BUCKETS; i++)
		for (e = c->b[i]; e != NULL; e = next) {
			next = e->next;
			val_free(e->kind, e->val);
			free(e->key);
			free(e);
		}
	pthread_mutex_destroy(&c->mu);
	free(c);
}

/* FNV-1a: keys are template sources, not chosen by an attacker to collide
 * (a collision only costs a string compare). */
static uint64_t
hash_key(enum tmpl_cache_kind kind, const char *key)
{
	uint64_t	 h = UINT64_C(14695981039346656037) ^ (uint64_t)kind;

	for (const unsigned char *p = (const unsigned char *)key; *p; p++) {
		h ^= *p;
		h *= UINT64_C(1099511628211);
	}
	return h;
}

static struct centry *
lookup(struct tmpl_cache *c, enum tmpl_cache_kind kind, uint64_t h,
    const char *key)
{
	struct centry	*e;

	for (e = c->b[h % CACHE_BUCKETS]; e != NULL; e = e->next)
		if (e->hash == h && e->kind == kind && strcmp(e->key, key) == 0)
			return e;
	return NULL;
}

void *
tmpl_cache_find(struct tmpl_cache *c, enum tmpl_cache_kind kind,
    const char *key)
{
	struct centry	*e;
	uint64_t	 h = hash_key(kind, key);

	pthread_mutex_lock(&c->mu);
	e = lookup(c, kind, h, key);
	pthread_mutex_unlock(&c->mu);
	return e != NULL ? e->val : NULL;
}

void *
tmpl_cache_keep(struct tmpl_cache *c, enum tmpl_cache_kind kind,
    const char *key, void *val)
{
	struct centry	*e;
	uint64_t	 h = hash_key(kind, key);
	void		*kept = NULL;

	pthread_mutex_lock(&c->mu);
	if ((e = lookup(c, kind, h, key)) != NULL)
		kept = e->val;	/* another thread compiled it first */
	else if (c->n < CACHE_MAX && (e = calloc(1, sizeof(*e))) != NULL) {
		if ((e->key = strdup(key)) == NULL)
			free(e);
		else {
			e->kind = kind;
			e->hash = h;
			e->val = kept = val;
			e->next = c->b[h % CACHE_BUCKETS];
			c->b[h % CACHE_BUCKETS] = e;
			c->n++;
		}
	}
	pthread_mutex_unlock(&c->mu);
	return kept;
}
