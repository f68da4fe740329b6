/* config.h: the relay's configuration, in Alertmanager's alertmanager.yml schema.
 *
 * Loading runs parse (YAML with positions) -> validate (types, ranges,
 * references; errors carry file:line:column) -> build (immutable runtime
 * structures: route tree, receivers, time intervals). A loaded config is never
 * modified; a reload builds a new one and swaps it. */
#ifndef TOCSIN_CONFIG_H
#define TOCSIN_CONFIG_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "receiver.h"
#include "route.h"
#include "timeinterval.h"

struct redactor;
struct config;	/* opaque, immutable once loaded */

/* Loads a file; relative paths inside it (templates, *_file) are resolved
 * against the file's directory. Caller frees with config_free. */
struct config *config_load_file(const char *path, struct terr *err);
/* config_load_file, and on failure every error of the file appended to all:
 * its type errors (unknown fields, values of the wrong kind), which are
 * collected across the whole file as Alertmanager collects them, or else
 * the one error that ended the load. err then holds them too, as many as
 * fit. The caller clears all with terrs_clear. */
struct config *config_load_file_all(const char *path, struct terr *err,
	    struct terrs *all);
/* Loads YAML text; `name` is used in error positions and `dir` resolves
 * relative paths. */
struct config *config_load_buffer(const char *name, const char *dir,
	    const char *yaml, size_t len, struct terr *err);
void	config_free(struct config *cfg);

const struct route *config_route(const struct config *cfg);
size_t	config_receiver_count(const struct config *cfg);
const struct receiver *config_receiver_at(const struct config *cfg, size_t i);
const struct receiver *config_receiver(const struct config *cfg, const char *name);
/* Template globs, already resolved against the config's directory. */
size_t	config_template_count(const struct config *cfg);
const char *config_template_at(const struct config *cfg, size_t i);
const struct time_interval *config_time_interval(const struct config *cfg, const char *name);
size_t	config_time_interval_count(const struct config *cfg);
const struct time_interval *config_time_interval_at(const struct config *cfg, size_t i);
/* inhibit_rules are validated and counted, never applied (Alertmanager has
 * applied them before it notifies tocsin). */
size_t	config_inhibit_rule_count(const struct config *cfg);
/* global.resolve_timeout (default 5m). */
int64_t	config_resolve_timeout_ms(const struct config *cfg);
/* Checks that each template glob is a valid pattern as Go's filepath.Glob
 * sees it ("syntax error in pattern"). Like Alertmanager, loading a config
 * does not check this; whoever loads the templates (check-config, the
 * daemon) calls it before parsing the matched files. */
int	config_check_templates(const struct config *cfg, struct terr *err);
/* Every secret the file holds, in every form a request carries it
 * (redact.h): what is applied to any text that leaves the process while
 * this config is loaded. Owned by cfg; redactor_ref to keep it longer. */
struct redactor *config_redactor(const struct config *cfg);

#endif
