/* fake_client.h: starts the fake Telegram/Slack servers of tests/fakes for a
 * cmocka test and reads what they recorded. Header-only, static functions,
 * because unit tests are single files. */
#ifndef TOCSIN_TEST_FAKE_CLIENT_H
#define TOCSIN_TEST_FAKE_CLIENT_H

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>
#include <jansson.h>

struct fake {
	pid_t	pid;
	char	base[64];	/* http://127.0.0.1:PORT */
	char	dir[128];
};

/* Starts tests/fakes/<script> on port (0: any free one); config_json (may
 * be NULL) is passed with --config. Returns 0 when it listens. */
static inline int
fake_start_port(struct fake *f, const char *script, const char *config_json,
    int portno)
{
	char		 portarg[16];
	char		 portfile[200], cfgfile[200], path[300], port[16] = "";
	FILE		*fp;
	struct timespec	 t;
	time_t		 deadline;

	snprintf(f->dir, sizeof(f->dir), "/tmp/tocsin-fake-XXXXXX");
	if (mkdtemp(f->dir) == NULL)
		return -1;
	snprintf(portfile, sizeof(portfile), "%s/port", f->dir);
	snprintf(cfgfile, sizeof(cfgfile), "%s/config.json", f->dir);
	snprintf(path, sizeof(path), "%s/tests/fakes/%s", TOCSIN_SOURCE_DIR, script);
	if (config_json != NULL) {
		if ((fp = fopen(cfgfile, "w")) == NULL)
			return -1;
		fputs(config_json, fp);
		fclose(fp);
	}
	if ((f->pid = fork()) == -1)
		return -1;
	snprintf(portarg, sizeof(portarg), "%d", portno);
	if (f->pid == 0) {
		if (config_json != NULL)
			execlp("python3", "python3", path, "--port", portarg,
			    "--port-file", portfile, "--config", cfgfile, (char *)NULL);
		else
			execlp("python3", "python3", path, "--port", portarg,
			    "--port-file", portfile, (char *)NULL);
		_exit(127);
	}
	/* Python's start-up on a busy machine under ASan can take seconds:
	 * a deadline on the monotonic clock, generous, as only a failure
	 * waits it out. */
	clock_gettime(CLOCK_MONOTONIC, &t);
	for (deadline = t.tv_sec + 60; t.tv_sec < deadline;
	    clock_gettime(CLOCK_MONOTONIC, &t)) {
		struct timespec ts = { 0, 50 * 1000000 };

		if ((fp = fopen(portfile, "r")) != NULL) {
			if (fgets(port, sizeof(port), fp) != NULL)
				port[strcspn(port, "\r\n")] = '\0';
			fclose(fp);
			if (port[0] != '\0')
				break;
		}
		nanosleep(&ts, NULL);
	}
	if (port[0] == '\0')
		return -1;
	snprintf(f->base, sizeof(f->base), "http://127.0.0.1:%s", port);
	return 0;
}

static inline int
fake_start(struct fake *f, const char *script, const char *config_json)
{
	return fake_start_port(f, script, config_json, 0);
}

static inline void
fake_stop(struct fake *f)
{
	char cmd[200];

	if (f->pid > 0) {
		kill(f->pid, SIGTERM);
		waitpid(f->pid, NULL, 0);
		f->pid = 0;
	}
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->dir);
	if (system(cmd) != 0)
		return;
}

static inline size_t
fake_collect(char *data, size_t size, size_t nmemb, void *arg)
{
	struct { char *p; size_t n; } *acc = arg;
	char *np = realloc(acc->p, acc->n + size * nmemb + 1);

	if (np == NULL)
		return 0;
	acc->p = np;
	memcpy(acc->p + acc->n, data, size * nmemb);
	acc->n += size * nmemb;
	acc->p[acc->n] = '\0';
	return size * nmemb;
}

/* GET (body NULL) or POST a control call; returns the response body
 * (caller frees) or NULL. */
static inline char *
fake_call(struct fake *f, const char *path, const char *body)
{
	struct { char *p; size_t n; } acc = { NULL, 0 };
	char	 url[300];
	CURL	*c = curl_easy_init();
	struct curl_slist *h = curl_slist_append(NULL, "Content-Type: application/json");

	snprintf(url, sizeof(url), "%s%s", f->base, path);
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, fake_collect);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &acc);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
	if (body != NULL)
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
	if (curl_easy_perform(c) != CURLE_OK) {
		free(acc.p);
		acc.p = NULL;
	}
	curl_slist_free_all(h);
	curl_easy_cleanup(c);
	return acc.p;
}

/* Forgets what the fake recorded, between tests. Returns 0 or -1. */
static inline int
fake_reset(struct fake *f)
{
	char	*r = fake_call(f, "/_fake/reset", "{}");

	if (r == NULL)
		return -1;
	free(r);
	return 0;
}

/* The recorded requests as a JSON array (caller json_decref's). */
static inline json_t *
fake_requests(struct fake *f)
{
	char	*s = fake_call(f, "/_fake/requests", NULL);
	json_t	*j = s ? json_loads(s, 0, NULL) : NULL;

	free(s);
	return j;
}

/* Field of request i as a string ("body", "path", ...). */
static inline const char *
fake_req_str(json_t *reqs, size_t i, const char *key)
{
	return json_string_value(json_object_get(json_array_get(reqs, i), key));
}

static inline long long
fake_req_int(json_t *reqs, size_t i, const char *key)
{
	return json_integer_value(json_object_get(json_array_get(reqs, i), key));
}

#endif
