/* smtp_server.h: starts the real SMTP server of tests/smtp (aiosmtpd) for a
 * cmocka test. Header-only, static functions, like fake_client.h, because
 * unit tests are single files. */
#ifndef TOCSIN_TEST_SMTP_SERVER_H
#define TOCSIN_TEST_SMTP_SERVER_H

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#define SMTP_PYTHON	"/usr/bin/python3"	/* Debian's, which has aiosmtpd */
#define SMTP_USER	"alertuser"
#define SMTP_PASSWORD	"s3cret"
#define SMTP_SECRET	"cr4m-s3cret"	/* CRAM-MD5's, on the cram port */
#define SMTP_TEMPFAIL	"busy@example.org"	/* RCPT answers 451 */
#define SMTP_PERMFAIL	"gone@example.org"	/* RCPT answers 550 */

struct smtp_server {
	pid_t	 pid;
	char	 dir[64];	/* recorded messages: N.eml, N.json */
	char	 ca[128];	/* the CA that signed the server's certificates */
	int	 starttls, tls, plain, wrongname, cram;	/* ports */
	int	 nmsg;		/* messages the test has read so far */
};

/* Starts the server in a fresh directory and waits for its ports. */
static int
smtp_server_start(struct smtp_server *s)
{
	char		 ports[128];
	json_t		*j;
	struct timespec	 t;
	time_t		 deadline;

	memset(s, 0, sizeof(*s));
	snprintf(s->dir, sizeof(s->dir), "/tmp/tocsin-smtp-XXXXXX");
	if (mkdtemp(s->dir) == NULL)
		return -1;
	snprintf(ports, sizeof(ports), "%s/ports.json", s->dir);
	snprintf(s->ca, sizeof(s->ca), "%s/ca.pem", s->dir);
	if ((s->pid = fork()) == 0) {
		/* Never outlive a crashed test. */
		prctl(PR_SET_PDEATHSIG, SIGTERM);
		execl(SMTP_PYTHON, SMTP_PYTHON, TOCSIN_SOURCE_DIR
		    "/tests/smtp/smtp_server.py", "--dir", s->dir, "--port-file",
		    ports, "--user", SMTP_USER, "--password", SMTP_PASSWORD,
		    "--secret", SMTP_SECRET,
		    "--tempfail", SMTP_TEMPFAIL, "--permfail", SMTP_PERMFAIL,
		    (char *)NULL);
		_exit(127);
	}
	/* It makes its certificates first: seconds on a busy machine. A
	 * deadline on the monotonic clock, generous, as only a failure waits
	 * it out. */
	clock_gettime(CLOCK_MONOTONIC, &t);
	for (deadline = t.tv_sec + 60; access(ports, R_OK) != 0 &&
	    t.tv_sec < deadline; clock_gettime(CLOCK_MONOTONIC, &t))
		usleep(100 * 1000);
	if ((j = json_load_file(ports, 0, NULL)) == NULL) {
		fprintf(stderr, "SMTP server did not start\n");
		return -1;
	}
	s->starttls = (int)json_integer_value(json_object_get(j, "starttls"));
	s->tls = (int)json_integer_value(json_object_get(j, "tls"));
	s->plain = (int)json_integer_value(json_object_get(j, "plain"));
	s->wrongname = (int)json_integer_value(json_object_get(j, "wrongname"));
	s->cram = (int)json_integer_value(json_object_get(j, "cram"));
	json_decref(j);
	return 0;
}

/* Stops the server and removes its directory. */
static int
smtp_server_stop(struct smtp_server *s)
{
	char	cmd[128];

	kill(s->pid, SIGTERM);
	waitpid(s->pid, NULL, 0);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", s->dir);
	return system(cmd) == 0 ? 0 : -1;
}

#endif
