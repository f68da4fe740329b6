/* cmd_template.c: `tocsin-relay template render`, which renders a template
 * text against template data and prints it the way `amtool template render`
 * does: same flags, same output bytes, exit status 1 on error. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "relay_cmd.h"
#include "flags.h"
#include "tmpl.h"
#include "tz.h"

#define DATA_MAX ((size_t)16 << 20)
#define TEMPLATE_USAGE "tocsin-relay template render [<flags>]\n\n" \
	"Renders --template.text with the templates that --template.glob " \
	"loads, like amtool template render."

static char *
read_file(const char *path, size_t *len, struct terr *err)
{
	struct buf	 b;
	FILE		*fp;
	char		 chunk[8192];
	size_t		 n;

	if ((fp = fopen(path, "r")) == NULL) {
		terr_set(err, "open %s: %s", path, strerror(errno));
		return NULL;
	}
	buf_init(&b, DATA_MAX);
	while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0)
		if (buf_add(&b, chunk, n) == -1) {
			terr_set(err, "%s: file too large", path);
			fclose(fp);
			buf_free(&b);
			return NULL;
		}
	fclose(fp);
	*len = b.len;
	return buf_steal(&b);
}

static int
add_kvs(struct kv *kv, const char *const *pairs)
{
	for (; pairs[0] != NULL; pairs += 2)
		if (kv_set(kv, pairs[0], pairs[1]) == -1)
			return -1;
	return 0;
}

/* time.Now() less back seconds, in the local zone, as Go's time.Now() is. */
static void
sample_time(struct tstamp *t, const struct timespec *now, int64_t back,
    const struct tz *local)
{
	const char	*abbrev = NULL;

	t->sec = now->tv_sec - back;
	t->nsec = (int32_t)now->tv_nsec;
	tz_lookup(local, t->sec, &t->off, &abbrev);
	snprintf(t->zone, sizeof(t->zone), "%s", abbrev != NULL ? abbrev : "");
}

/* amtool's built-in sample data (cli/template_render.go), field for field:
 * the group and its alerts have the status "alertstatus" (so neither
 * .Alerts.Firing nor .Alerts.Resolved holds them), the alerts started 5 and
 * 10 minutes ago and end now, in the local zone. */
static struct notification *
default_data(void)
{
	static const char *const l1[] = { "label1", "value1", "label2", "value2",
	    "instance", "foo.bar:1234", "commonlabelkey1", "commonlabelvalue1",
	    "commonlabelkey2", "commonlabelvalue2", NULL };
	static const char *const a1[] = { "annotation1", "value1", "annotation2",
	    "value2", "commonannotationkey1", "commonannotationvalue1",
	    "commonannotationkey2", "commonannotationvalue2", NULL };
	static const char *const l2[] = { "foo", "bar", "baz", "qux",
	    "commonlabelkey1", "commonlabelvalue1", "commonlabelkey2",
	    "commonlabelvalue2", NULL };
	static const char *const a2[] = { "aaa", "bbb", "ccc", "ddd",
	    "commonannotationkey1", "commonannotationvalue1",
	    "commonannotationkey2", "commonannotationvalue2", NULL };
	static const char *const gl[] = { "grouplabelkey1", "grouplabelvalue1",
	    "grouplabelkey2", "grouplabelvalue2", NULL };
	static const char *const cl[] = { "commonlabelkey1", "commonlabelvalue1",
	    "commonlabelkey2", "commonlabelvalue2", NULL };
	static const char *const ca[] = { "commonannotationkey1",
	    "commonannotationvalue1", "commonannotationkey2",
	    "commonannotationvalue2", NULL };
	struct notification	*n;
	struct timespec		 now;
	struct tz		*local;
	struct terr		 e;

	clock_gettime(CLOCK_REALTIME, &now);
	/* Go falls back to UTC when the local zone cannot be read. */
	if ((local = tz_load("Local", &e)) == NULL)
		local = (struct tz *)tz_utc();
	if ((n = notification_new()) == NULL)
		goto fail;
	free(n->receiver);
	free(n->external_url);
	n->receiver = strdup("receiver");
	n->external_url = strdup("https://example.com");
	n->status = ALERT_SAMPLE;
	if ((n->alerts = calloc(2, sizeof(*n->alerts))) == NULL ||
	    n->receiver == NULL || n->external_url == NULL)
		goto fail;
	n->nalerts = 2;
	for (int i = 0; i < 2; i++) {
		struct alert *a = &n->alerts[i];

		a->status = ALERT_SAMPLE;
		sample_time(&a->starts_at, &now, i ? 600 : 300, local);
		sample_time(&a->ends_at, &now, 0, local);
		a->generator_url = strdup("https://generatorurl.com");
		a->fingerprint = strdup(i ? "fingerprint2" : "fingerprint1");
		if (a->generator_url == NULL || a->fingerprint == NULL ||
		    add_kvs(&a->labels, i ? l2 : l1) == -1 ||
		    add_kvs(&a->annotations, i ? a2 : a1) == -1)
			goto fail;
	}
	if (add_kvs(&n->group_labels, gl) == -1 ||
	    add_kvs(&n->common_labels, cl) == -1 ||
	    add_kvs(&n->common_annotations, ca) == -1)
		goto fail;
	tz_free(local);
	return n;
fail:
	tz_free(local);
	notification_free(n);
	return NULL;
}

int
cmd_template_render(int argc, char **argv)
{
	struct flag_list	 globs = { NULL, 0 }, pos = { NULL, 0 };
	const char		*text = NULL, *type = NULL, *data_path = NULL;
	const char		*am_s = NULL;
	enum tmpl_am_version	 am;
	bool			 help = false, help_man = false;
	const struct flag	 flags[] = {
		{ "template.glob", FLAG_STRINGS, &globs,
		  "Glob of paths that will be expanded and used for rendering.",
		  "TEMPLATE.GLOB" },
		{ "template.text", FLAG_STRING, &text,
		  "The template that will be rendered.", "TEMPLATE.TEXT" },
		{ "template.type", FLAG_STRING, &type,
		  "The type of the template. Can be either text (default) or html.",
		  "TEMPLATE.TYPE" },
		{ "template.data", FLAG_STRING, &data_path,
		  "Full path to a file which contains the data of the alert(-s) "
		  "with which the --template.text will be rendered (JSON, "
		  "Alertmanager's template.Data).", "TEMPLATE.DATA" },
		{ TMPL_AM_VERSION_FLAG, FLAG_STRING, &am_s, TMPL_AM_VERSION_HELP,
		  "0.34" },
		{ "help", FLAG_BOOL, &help, "Show help.", NULL },
		{ "help-man", FLAG_BOOL, &help_man, NULL, NULL },
		{ NULL, 0, NULL, NULL, NULL },
	};
	struct tmpl_set		*set = NULL;
	struct notification	*data = NULL;
	struct terr		 err;
	struct buf		 out;
	enum tmpl_kind		 kind = TMPL_TEXT;
	int			 rc = 1;

	buf_init(&out, 0);
	if (flags_parse(flags, argc, argv, &pos, &err) == -1) {
		fprintf(stderr, "tocsin-relay: error: %s\n", err.msg);
		goto out;
	}
	if (flags_help_done(help, help_man, TEMPLATE_USAGE, flags)) {
		rc = 0;
		goto out;
	}
	if (globs.n == 0 || text == NULL) {
		fprintf(stderr, "tocsin-relay: error: required flag --%s not "
		    "provided\n", globs.n == 0 ? "template.glob" : "template.text");
		goto out;
	}
	if (type != NULL && strcmp(type, "html") == 0)
		kind = TMPL_HTML;
	else if (type != NULL && strcmp(type, "text") != 0) {
		fprintf(stderr, "tocsin-relay: error: enum value must be one of "
		    "html,text, got '%s'\n", type);
		goto out;
	}
	if (tmpl_am_version_parse(am_s, &am, &err) == -1) {
		fprintf(stderr, "tocsin-relay: error: %s\n", err.msg);
		goto out;
	}
	if ((set = tmpl_set_new()) == NULL) {
		fprintf(stderr, "tocsin-relay: error: out of memory\n");
		goto out;
	}
	tmpl_set_am_version(set, am);
	for (int i = 0; i < globs.n; i++)
		if (tmpl_set_add_glob(set, globs.v[i], &err) == -1) {
			fprintf(stderr, "tocsin-relay: error: %s\n", err.msg);
			goto out;
		}
	if (data_path != NULL) {
		size_t	 len;
		char	*json = read_file(data_path, &len, &err);

		if (json == NULL) {
			fprintf(stderr, "tocsin-relay: error: %s\n", err.msg);
			goto out;
		}
		data = tmpl_data_parse(json, len, &err);
		free(json);
		if (data == NULL) {
			fprintf(stderr, "tocsin-relay: error: %s\n", err.msg);
			goto out;
		}
	} else if ((data = default_data()) == NULL) {
		fprintf(stderr, "tocsin-relay: error: out of memory\n");
		goto out;
	}
	if (tmpl_render_text(set, text, data, kind, NULL, &out, &err) == -1) {
		fprintf(stderr, "tocsin-relay: error: %s\n", err.msg);
		goto out;
	}
	fwrite(buf_str(&out), 1, out.len, stdout);
	rc = fflush(stdout) == 0 ? 0 : 1;
out:
	buf_free(&out);
	notification_free(data);
	tmpl_set_free(set);
	free(globs.v);
	free(pos.v);
	return rc;
}
