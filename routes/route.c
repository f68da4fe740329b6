/* route.c: Alertmanager's routing tree: building, dispatch.Route.Match, and
 * the two tree printers of `amtool config routes [test --tree]`. */
#include <stdlib.h>
#include <string.h>

#include "route.h"

struct route {
	struct route	 *parent;
	struct route	**kids;
	size_t		  nkids;
	char		 *receiver;	/* own; NULL or "" inherits */
	bool		  cont;
	struct matchers	  matchers;
	char		**mute;
	size_t		  nmute;
	char		**active;
	size_t		  nactive;
	struct kv	  labels;	/* own (Alertmanager 0.34's route labels) */
};

struct route *
route_new(void)
{
	struct route	*r;

	if ((r = calloc(1, sizeof(*r))) == NULL)
		return NULL;
	matchers_init(&r->matchers);
	return r;
}

struct route *
route_add_child(struct route *parent)
{
	struct route	**v, *r;

	if ((r = route_new()) == NULL)
		return NULL;
	v = reallocarray(parent->kids, parent->nkids + 1, sizeof(*v));
	if (v == NULL) {
		route_free(r);
		return NULL;
	}
	r->parent = parent;
	v[parent->nkids++] = r;
	parent->kids = v;
	return r;
}

static void
strv_free(char **v, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

void
route_free(struct route *r)
{
	size_t	i;

	if (r == NULL)
		return;
	for (i = 0; i < r->nkids; i++)
		route_free(r->kids[i]);
	free(r->kids);
	free(r->receiver);
	matchers_free(&r->matchers);
	strv_free(r->mute, r->nmute);
	strv_free(r->active, r->nactive);
	kv_free(&r->labels);
	free(r);
}

int
route_set_receiver(struct route *r, const char *receiver)
{
	char	*s = NULL;

	if (receiver != NULL && *receiver != '\0' &&
	    (s = strdup(receiver)) == NULL)
		return -1;
	free(r->receiver);
	r->receiver = s;
	return 0;
}

void
route_set_continue(struct route *r, bool cont)
{
	r->cont = cont;
}

int
route_add_matchers(struct route *r, struct matchers *ms)
{
	struct matcher	**v;
	size_t		  i;

	if (ms->n == 0)
		return 0;
	v = reallocarray(r->matchers.v, r->matchers.n + ms->n, sizeof(*v));
	if (v == NULL)
		return -1;
	for (i = 0; i < ms->n; i++)
		v[r->matchers.n + i] = ms->v[i];
	r->matchers.v = v;
	r->matchers.n += ms->n;
	free(ms->v);
	matchers_init(ms);
	/* dispatch.NewRoute sorts match, match_re and matchers together. */
	matchers_sort(&r->matchers);
	return 0;
}

static int
strv_add(char ***v, size_t *n, const char *s)
{
	char	**nv, *d;

	if ((d = strdup(s)) == NULL)
		return -1;
	if ((nv = reallocarray(*v, *n + 1, sizeof(*nv))) == NULL) {
		free(d);
		return -1;
	}
	nv[(*n)++] = d;
	*v = nv;
	return 0;
}

int
route_add_mute_interval(struct route *r, const char *name)
{
	return strv_add(&r->mute, &r->nmute, name);
}

int
route_add_active_interval(struct route *r, const char *name)
{
	return strv_add(&r->active, &r->nactive, name);
}

/* dispatch.Route.Match: a matching node yields its matching descendants
 * (stopping at the first matching child without continue), or itself. */
static size_t
match_walk(const struct route *r, const struct kv *labels,
    const struct route **out, size_t max, size_t n)
{
	size_t	i, before, got;

	if (!matchers_match(&r->matchers, labels))
		return n;
	before = n;
	for (i = 0; i < r->nkids; i++) {
		got = n;
		n = match_walk(r->kids[i], labels, out, max, n);
		if (n > got && !r->kids[i]->cont)
			break;
	}
	if (n == before) {
		if (n < max)
			out[n] = r;
		n++;
	}
	return n;
}

size_t
route_match(const struct route *root, const struct kv *labels,
    const struct route **out, size_t max)
{
	return match_walk(root, labels, out, max, 0);
}

const char *
route_receiver(const struct route *r)
{
	for (; r != NULL; r = r->parent)
		if (r->receiver != NULL)
			return r->receiver;
	return "";
}

int
route_set_label(struct route *r, const char *name, const char *value)
{
	return kv_set(&r->labels, name, value);
}

/* Parents first, so that a route's own value replaces an inherited one. */
int
route_labels(const struct route *r, struct kv *out)
{
	if (r == NULL)
		return 0;
	if (route_labels(r->parent, out) == -1)
		return -1;
	for (size_t i = 0; i < r->labels.n; i++)
		if (kv_set(out, r->labels.v[i].name, r->labels.v[i].value) == -1)
			return -1;
	return 0;
}

bool
route_continue(const struct route *r)
{
	return r->cont;
}

const struct matchers *
route_matchers(const struct route *r)
{
	return &r->matchers;
}

size_t
route_mute_intervals(const struct route *r, const char *const **names)
{
	*names = (const char *const *)r->mute;
	return r->nmute;
}

size_t
route_active_intervals(const struct route *r, const char *const **names)
{
	*names = (const char *const *)r->active;
	return r->nactive;
}

/*
 * Printing. amtool draws with github.com/xlab/treeprint as Debian builds it:
 * an open level is "│" plus two no-break spaces and a space, a closed one
 * four spaces; values are printed as they are, even across lines.
 */
#define TREE_LINK	"\xe2\x94\x82\xc2\xa0\xc2\xa0 "
#define TREE_SPACE	"    "
#define TREE_MID	"\xe2\x94\x9c\xe2\x94\x80\xe2\x94\x80 "
#define TREE_END	"\xe2\x94\x94\xe2\x94\x80\xe2\x94\x80 "

/* cli.getRouteTreeSlug */
static int
route_slug(const struct route *r, bool show_continue, bool show_receiver,
    struct buf *b)
{
	if (r->matchers.n == 0) {
		if (buf_adds(b, "default-route") == -1)
			return -1;
	} else if (matchers_format(&r->matchers, b) == -1)
		return -1;
	if (r->cont && show_continue && buf_adds(b, "  continue: true") == -1)
		return -1;
	if (show_receiver &&
	    buf_printf(b, "  receiver: %s", route_receiver(r)) == -1)
		return -1;
	return 0;
}

struct printer {
	struct buf	 out;
	struct buf	 prefix;
	const struct kv	*labels;	/* NULL: the whole tree */
};

static int
print_node(struct printer *p, const struct route *r, bool last)
{
	const struct route	**kids = NULL;
	size_t			  nkids = 0, i, plen;
	bool			  final;
	int			  rc = -1;

	if (p->labels == NULL) {
		kids = (const struct route **)r->kids;
		nkids = r->nkids;
	} else {
		/* cli.getMatchingTree: matching children up to the first
		 * one without continue. */
		if (r->nkids > 0 &&
		    (kids = calloc(r->nkids, sizeof(*kids))) == NULL)
			return -1;
		for (i = 0; i < r->nkids; i++) {
			if (!matchers_match(&r->kids[i]->matchers, p->labels))
				continue;
			kids[nkids++] = r->kids[i];
			if (!r->kids[i]->cont)
				break;
		}
	}
	final = nkids == 0;
	if (buf_add(&p->out, p->prefix.data ? p->prefix.data : "",
	    p->prefix.len) == -1 ||
	    buf_adds(&p->out, last ? TREE_END : TREE_MID) == -1)
		goto out;
	if (p->labels == NULL) {
		if (route_slug(r, true, true, &p->out) == -1)
			goto out;
	} else if (route_slug(r, false, final, &p->out) == -1)
		goto out;
	if (buf_addc(&p->out, '\n') == -1)
		goto out;
	plen = p->prefix.len;
	if (buf_adds(&p->prefix, last ? TREE_SPACE : TREE_LINK) == -1)
		goto out;
	for (i = 0; i < nkids; i++)
		if (print_node(p, kids[i], i == nkids - 1) == -1)
			goto out;
	p->prefix.len = plen;
	p->prefix.data[plen] = '\0';
	rc = 0;
out:
	if (p->labels != NULL)
		free(kids);
	return rc;
}

static int
print_tree(const struct route *root, const struct kv *labels,
    const char *title, const char *trailer, FILE *fp)
{
	struct printer	p;
	int		rc = -1;

	buf_init(&p.out, 0);
	buf_init(&p.prefix, 0);
	p.labels = labels;
	if (buf_printf(&p.out, "%s\n.\n", title) == -1 ||
	    print_node(&p, root, true) == -1 ||
	    buf_adds(&p.out, trailer) == -1)
		goto out;
	if (fwrite(p.out.data, 1, p.out.len, fp) != p.out.len)
		goto out;
	rc = 0;
out:
	buf_free(&p.out);
	buf_free(&p.prefix);
	return rc;
}

int
route_print_tree(const struct route *root, FILE *out)
{
	/* fmt.Println(tree.String()): the tree ends in "\n", plus one. */
	return print_tree(root, NULL, "Routing tree:", "\n", out);
}

int
route_print_matching_tree(const struct route *root, const struct kv *labels,
    FILE *out)
{
	/* Println(tree.String()) and then Print("\n"). */
	return print_tree(root, labels, "Matching routes:", "\n\n", out);
}
