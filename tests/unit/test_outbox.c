/* test_outbox.c: the delivery side both daemons share: a generation held by
 * a request outlives the reload that replaces it, the storage path is
 * created or refused with a clear reason, the queue metric counts, and the
 * template set puts the built-in files before the config's. */
#include <sys/stat.h>

#include <stdarg.h>
#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "buf.h"
#include "config.h"
#include "metrics.h"
#include "outbox.h"
#include "payload.h"
#include "config_tmpl.h"

/* A config as an outbox_load owner that counts its frees. */
struct owned {
	struct config	*cfg;
	int		*freed;
};

static void
owned_free(void *arg)
{
	struct owned	*o = arg;

	config_free(o->cfg);
	(*o->freed)++;
	free(o);
}

static struct owned *
owned_new(const char *receiver, int *freed)
{
	struct owned	*o = calloc(1, sizeof(*o));
	struct terr	 err;
	char		 yaml[256];

	assert_non_null(o);
	snprintf(yaml, sizeof(yaml), "route:\n  receiver: %s\nreceivers:\n"
	    "  - name: %s\n    webhook_configs:\n      - url: http://127.0.0.1:1/\n",
	    receiver, receiver);
	if ((o->cfg = config_load_buffer("test.yml", ".", yaml, strlen(yaml), &err)) == NULL)
		fail_msg("config: %s", err.msg);
	o->freed = freed;
	return o;
}

static void
load(struct outbox *ob, struct owned *o)
{
	static const struct tmpl_builtin *const b[] = { &tmpl_builtin_tocsin };
	struct tmpl_set	*tmpl;
	struct terr	 err;

	if ((tmpl = tmpl_set_for_config(o->cfg, b, 1, &err)) == NULL)
		fail_msg("templates: %s", err.msg);
	if (outbox_load(ob, o->cfg, tmpl, o, owned_free, &err) == -1)
		fail_msg("load: %s", err.msg);
}

static struct outbox *
open_in(char *dir, struct metrics *m)
{
	struct outbox_params p;
	struct outbox	*ob;
	struct terr	 err;

	assert_non_null(mkdtemp(dir));
	memset(&p, 0, sizeof(p));
	p.storage_path = dir;
	p.metrics = m;
	if ((ob = outbox_open(&p, &err)) == NULL)
		fail_msg("open: %s", err.msg);
	return ob;
}

static void
rm_dir(const char *dir)
{
	char	 cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
}

static void
test_outbox_held_generation_outlives_reload(void **state)
{
	char		 dir[] = "/tmp/tocsin-outbox-XXXXXX";
	struct metrics	*m = metrics_new(0);
	struct outbox	*ob = open_in(dir, m);
	struct outbox_gen *g;
	int		 freed = 0;

	assert_false(outbox_ready(ob));
	assert_null(outbox_hold(ob));
	load(ob, owned_new("first", &freed));
	assert_true(outbox_ready(ob));
	g = outbox_hold(ob);
	assert_non_null(g);
	assert_non_null(config_receiver(outbox_gen_config(g), "first"));
	assert_true(tmpl_set_has(outbox_gen_templates(g), "telegram.default.message"));

	/* A reload while a request holds the first generation: it stays. */
	load(ob, owned_new("second", &freed));
	assert_int_equal(freed, 0);
	assert_non_null(config_receiver(outbox_gen_config(g), "first"));
	assert_ptr_equal(((struct owned *)outbox_gen_owner(g))->cfg, outbox_gen_config(g));
	outbox_release(ob, g);
	assert_int_equal(freed, 1);

	g = outbox_hold(ob);
	assert_non_null(config_receiver(outbox_gen_config(g), "second"));
	outbox_release(ob, g);
	assert_int_equal(freed, 1);
	outbox_free(ob);
	assert_int_equal(freed, 2);
	metrics_free(m);
	rm_dir(dir);
}

/* Every generation must have the dead-letter receiver: a start or reload
 * without it is refused, naming the flag, and the running one stays. */
static void
test_outbox_dead_letter_receiver_must_exist(void **state)
{
	static const struct tmpl_builtin *const b[] = { &tmpl_builtin_tocsin };
	char		 dir[] = "/tmp/tocsin-outbox-XXXXXX";
	struct metrics	*m = metrics_new(0);
	struct outbox_params p;
	struct outbox	*ob;
	struct outbox_gen *g;
	struct owned	*o;
	struct tmpl_set	*tmpl;
	struct terr	 err;
	int		 freed = 0;

	assert_non_null(mkdtemp(dir));
	memset(&p, 0, sizeof(p));
	p.storage_path = dir;
	p.metrics = m;
	p.dead_letter_receiver = "ops";
	if ((ob = outbox_open(&p, &err)) == NULL)
		fail_msg("open: %s", err.msg);
	o = owned_new("team", &freed);
	assert_non_null(tmpl = tmpl_set_for_config(o->cfg, b, 1, &err));
	assert_int_equal(outbox_load(ob, o->cfg, tmpl, o, owned_free, &err), -1);
	assert_string_equal(err.msg, "--dead-letter.receiver: no receiver named \"ops\" "
	    "in the configuration");
	assert_int_equal(freed, 1);
	assert_false(outbox_ready(ob));

	load(ob, owned_new("ops", &freed));
	o = owned_new("team", &freed);
	assert_non_null(tmpl = tmpl_set_for_config(o->cfg, b, 1, &err));
	assert_int_equal(outbox_load(ob, o->cfg, tmpl, o, owned_free, &err), -1);
	assert_int_equal(freed, 2);
	g = outbox_hold(ob);
	assert_non_null(config_receiver(outbox_gen_config(g), "ops"));
	outbox_release(ob, g);
	outbox_free(ob);
	metrics_free(m);
	rm_dir(dir);
}

static void
test_outbox_counts_queue_and_creates_storage(void **state)
{
	char		 dir[] = "/tmp/tocsin-outbox-XXXXXX", sub[160], file[96];
	struct metrics	*m = metrics_new(0), *m2 = metrics_new(0);
	struct outbox_params p;
	struct outbox	*ob;
	struct terr	 err;
	struct buf	 b;
	FILE		*f;

	assert_non_null(mkdtemp(dir));
	snprintf(sub, sizeof(sub), "%s/a/b", dir);
	memset(&p, 0, sizeof(p));
	p.storage_path = sub;
	p.metrics = m;
	if ((ob = outbox_open(&p, &err)) == NULL)
		fail_msg("open: %s", err.msg);
	assert_non_null(outbox_store(ob));
	outbox_refresh_metrics(ob);
	buf_init(&b, 0);
	assert_int_equal(metrics_write(m, &b), 0);
	assert_non_null(strstr(buf_str(&b),
	    "tocsin_queue_messages{state=\"dead\"} 0\n"
	    "tocsin_queue_messages{state=\"delivered\"} 0\n"
	    "tocsin_queue_messages{state=\"pending\"} 0\n"));
	buf_free(&b);
	outbox_stop(ob);
	assert_null(outbox_store(ob));
	outbox_free(ob);

	/* A file where the directory should be. */
	snprintf(file, sizeof(file), "%s/file", dir);
	assert_non_null(f = fopen(file, "w"));
	fclose(f);
	p.storage_path = file;
	p.metrics = m2;
	assert_null(outbox_open(&p, &err));
	snprintf(sub, sizeof(sub), "storage path %s is not a directory", file);
	assert_string_equal(err.msg, sub);
	metrics_free(m);
	metrics_free(m2);
	rm_dir(dir);
}

static void
test_tmpl_set_for_config_user_files_replace_builtins(void **state)
{
	static const struct tmpl_builtin one = { "one.tmpl",
	    "{{ define \"who\" }}built-in{{ end }}{{ define \"kept\" }}kept{{ end }}" };
	static const struct tmpl_builtin two = { "two.tmpl",
	    "{{ define \"who\" }}second built-in{{ end }}" };
	const struct tmpl_builtin *const b[] = { &one, &two };
	char		 dir[] = "/tmp/tocsin-tmpl-XXXXXX", path[96], yaml[256];
	const char	*json = "{\"version\":\"4\",\"status\":\"firing\",\"receiver\":\"r\","
	    "\"alerts\":[{\"status\":\"firing\",\"labels\":{\"alertname\":\"A\"}}]}";
	struct notification *n;
	struct config	*cfg;
	struct tmpl_set	*set;
	struct terr	 err;
	struct buf	 out;
	FILE		*f;

	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/user.tmpl", dir);
	assert_non_null(f = fopen(path, "w"));
	fputs("{{ define \"who\" }}user{{ end }}", f);
	fclose(f);
	snprintf(yaml, sizeof(yaml), "route:\n  receiver: r\nreceivers:\n  - name: r\n"
	    "templates: ['%s/*.tmpl']\n", dir);
	assert_non_null(cfg = config_load_buffer("t.yml", dir, yaml, strlen(yaml), &err));
	assert_non_null(n = payload_parse(json, strlen(json), &err));

	/* Built-ins in order, then the config's: the last define wins. */
	assert_non_null(set = tmpl_set_for_config(cfg, b, 1, &err));
	buf_init(&out, 0);
	assert_int_equal(tmpl_render_text(set, "{{ template \"who\" . }} {{ template \"kept\" . }}",
	    n, TMPL_TEXT, NULL, &out, &err), 0);
	assert_string_equal(buf_str(&out), "user kept");
	buf_free(&out);
	tmpl_set_free(set);
	config_free(cfg);

	/* Without the config's file the second built-in replaces the first. */
	snprintf(yaml, sizeof(yaml), "route:\n  receiver: r\nreceivers:\n  - name: r\n");
	assert_non_null(cfg = config_load_buffer("t.yml", dir, yaml, strlen(yaml), &err));
	assert_non_null(set = tmpl_set_for_config(cfg, b, 2, &err));
	buf_init(&out, 0);
	assert_int_equal(tmpl_render_text(set, "{{ template \"who\" . }}", n, TMPL_TEXT, NULL,
	    &out, &err), 0);
	assert_string_equal(buf_str(&out), "second built-in");
	buf_free(&out);
	tmpl_set_free(set);
	config_free(cfg);

	/* A bad pattern fails before any file is read, as in Alertmanager. */
	snprintf(yaml, sizeof(yaml), "route:\n  receiver: r\nreceivers:\n  - name: r\n"
	    "templates: ['[']\n");
	assert_non_null(cfg = config_load_buffer("t.yml", dir, yaml, strlen(yaml), &err));
	assert_null(tmpl_set_for_config(cfg, b, 2, &err));
	assert_string_equal(err.msg, "syntax error in pattern");
	config_free(cfg);
	notification_free(n);
	rm_dir(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_outbox_held_generation_outlives_reload),
		cmocka_unit_test(test_outbox_counts_queue_and_creates_storage),
		cmocka_unit_test(test_outbox_dead_letter_receiver_must_exist),
		cmocka_unit_test(test_tmpl_set_for_config_user_files_replace_builtins),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
