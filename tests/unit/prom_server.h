/* prom_server.h: starts the real Prometheus (Debian's `prometheus`) on a free
 * loopback port with a scratch TSDB for a cmocka test. Header-only, static
 * functions, like smtp_server.h, because unit tests are single files. */
#ifndef TOCSIN_TEST_PROM_SERVER_H
#define TOCSIN_TEST_PROM_SERVER_H

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define PROM_BINARY	"/usr/bin/prometheus"
/* Start-up on a loaded machine: a TSDB to create, rules to load. */
#define PROM_START_SECS	60

struct prom_server {
	pid_t	 pid;
	int	 port;
	char	 dir[64];	/* prometheus.yml, prometheus.log, tsdb/ */
	char	 url[64];	/* http://127.0.0.1:PORT */
};

/* A port nobody listened on a moment ago; the caller retries if it loses
 * the race for it. */
static int
prom_free_port(void)
{
	struct sockaddr_in	sin;
	socklen_t		sl = sizeof(sin);
	int			fd, port = -1;

	if ((fd = socket(AF_INET, SOCK_STREAM, 0)) == -1)
		return -1;
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(fd, (struct sockaddr *)&sin, sizeof(sin)) == 0 &&
	    getsockname(fd, (struct sockaddr *)&sin, &sl) == 0)
		port = ntohs(sin.sin_port);
	close(fd);
	return port;
}

static int
prom_log_has(const char *path, const char *needle)
{
	char	 line[4096];
	FILE	*f;
	int	 found = 0;

	if ((f = fopen(path, "r")) == NULL)
		return 0;
	while (!found && fgets(line, sizeof(line), f) != NULL)
		found = strstr(line, needle) != NULL;
	fclose(f);
	return found;
}

/* One attempt on one port: 0 when Prometheus says it is ready, -1 when it
 * exited (a lost port race, a bad config) or the deadline passed. */
static int
prom_try_start(struct prom_server *p, const char *cfg, const char *log)
{
	char	a_cfg[192], a_tsdb[128], a_listen[64];
	int	fd, i, status;

	snprintf(a_cfg, sizeof(a_cfg), "--config.file=%s", cfg);
	snprintf(a_tsdb, sizeof(a_tsdb), "--storage.tsdb.path=%s/tsdb", p->dir);
	snprintf(a_listen, sizeof(a_listen), "--web.listen-address=127.0.0.1:%d",
	    p->port);
	if ((p->pid = fork()) == -1)
		return -1;
	if (p->pid == 0) {
		/* Never outlive a crashed test. */
		prctl(PR_SET_PDEATHSIG, SIGTERM);
		if ((fd = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0600)) != -1) {
			dup2(fd, STDOUT_FILENO);
			dup2(fd, STDERR_FILENO);
		}
		execl(PROM_BINARY, PROM_BINARY, a_cfg, a_tsdb, a_listen,
		    (char *)NULL);
		_exit(127);
	}
	for (i = 0; i < PROM_START_SECS * 20; i++) {
		struct timespec ts = { 0, 50 * 1000 * 1000 };

		if (prom_log_has(log, "Server is ready to receive web requests"))
			return 0;
		if (waitpid(p->pid, &status, WNOHANG) == p->pid) {
			p->pid = -1;
			return -1;
		}
		nanosleep(&ts, NULL);
	}
	kill(p->pid, SIGKILL);
	waitpid(p->pid, NULL, 0);
	p->pid = -1;
	return -1;
}

/* Starts Prometheus with an empty scrape config and waits until it is
 * ready. */
static int
prom_server_start(struct prom_server *p)
{
	char	 cfg[128], log[128];
	FILE	*f;
	int	 try;

	memset(p, 0, sizeof(*p));
	p->pid = -1;
	snprintf(p->dir, sizeof(p->dir), "/tmp/tocsin-prom-XXXXXX");
	if (mkdtemp(p->dir) == NULL)
		return -1;
	snprintf(cfg, sizeof(cfg), "%s/prometheus.yml", p->dir);
	snprintf(log, sizeof(log), "%s/prometheus.log", p->dir);
	if ((f = fopen(cfg, "w")) == NULL)
		return -1;
	fputs("global:\n  scrape_interval: 1m\n", f);
	fclose(f);
	for (try = 0; try < 3; try++) {
		if ((p->port = prom_free_port()) == -1)
			return -1;
		snprintf(p->url, sizeof(p->url), "http://127.0.0.1:%d", p->port);
		if (prom_try_start(p, cfg, log) == 0)
			return 0;
		if (!prom_log_has(log, "address already in use"))
			break;
	}
	fprintf(stderr, "Prometheus did not start; see %s\n", log);
	return -1;
}

/* Stops Prometheus and removes its directory. */
static int
prom_server_stop(struct prom_server *p)
{
	char	cmd[128];

	if (p->pid > 0) {
		kill(p->pid, SIGTERM);
		waitpid(p->pid, NULL, 0);
	}
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", p->dir);
	return system(cmd) == 0 ? 0 : -1;
}

#endif
