/* baseline_mhd.c: the intake benchmark's baseline, a bare libmicrohttpd server
 * with core/http/httpd.c's threading options that reads the POST body and answers a
 * canned 200 "OK", so the relay's rate can be reported as a ratio to it. */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <microhttpd.h>

/* Bounds what a stray client can make us allocate; the benchmark's payloads
 * are about 1 KiB. Larger bodies are refused, not truncated. */
#define MAX_BODY	(1024 * 1024)

struct body {
	char	*p;
	size_t	 len;
	size_t	 cap;
	int	 toobig;
};

static enum MHD_Result
answer(struct MHD_Connection *conn, unsigned int status, const char *text)
{
	struct MHD_Response	*resp;
	enum MHD_Result		 ret;

	resp = MHD_create_response_from_buffer(strlen(text), (void *)text,
	    MHD_RESPMEM_PERSISTENT);
	if (resp == NULL)
		return MHD_NO;
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, "text/plain; charset=utf-8");
	ret = MHD_queue_response(conn, status, resp);
	MHD_destroy_response(resp);
	return ret;
}

/* Copies the body as the relay does (it must see the whole payload before it
 * can answer), so the baseline pays for reading it too. */
static enum MHD_Result
on_request(void *cls, struct MHD_Connection *conn, const char *url, const char *method,
    const char *version, const char *data, size_t *size, void **con_cls)
{
	struct body	*b = *con_cls;
	char		*np;
	size_t		 ncap;

	(void)cls;
	(void)url;
	(void)version;
	if (strcmp(method, "POST") != 0)
		return answer(conn, MHD_HTTP_METHOD_NOT_ALLOWED, "Method Not Allowed\n");
	if (b == NULL) {
		if ((b = calloc(1, sizeof(*b))) == NULL)
			return MHD_NO;
		*con_cls = b;
		return MHD_YES;
	}
	if (*size > 0) {
		if (b->len + *size > MAX_BODY)
			b->toobig = 1;
		else {
			if (b->len + *size > b->cap) {
				ncap = b->cap ? b->cap : 4096;
				while (ncap < b->len + *size)
					ncap *= 2;
				if ((np = realloc(b->p, ncap)) == NULL)
					return MHD_NO;
				b->p = np;
				b->cap = ncap;
			}
			memcpy(b->p + b->len, data, *size);
			b->len += *size;
		}
		*size = 0;
		return MHD_YES;
	}
	if (b->toobig)
		return answer(conn, MHD_HTTP_CONTENT_TOO_LARGE, "Request Entity Too Large\n");
	return answer(conn, MHD_HTTP_OK, "OK");
}

static void
on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
    enum MHD_RequestTerminationCode toe)
{
	struct body	*b = *con_cls;

	(void)cls;
	(void)conn;
	(void)toe;
	if (b) {
		free(b->p);
		free(b);
		*con_cls = NULL;
	}
}

/* Usage: bench_baseline_mhd PORT [THREADS]; prints the bound address, serves
 * until SIGTERM or SIGINT. */
int
main(int argc, char **argv)
{
	struct MHD_Daemon	*mhd;
	const union MHD_DaemonInfo *di;
	struct sockaddr_in	 sin;
	sigset_t		 set;
	unsigned int		 threads = 4;
	int			 sig;

	if (argc < 2 || argc > 3) {
		fprintf(stderr, "usage: %s PORT [THREADS]\n", argv[0]);
		return 2;
	}
	if (argc == 3)
		threads = (unsigned int)strtoul(argv[2], NULL, 10);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons((unsigned short)strtoul(argv[1], NULL, 10));
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);

	/* Block before MHD starts its threads: they inherit the mask. */
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	pthread_sigmask(SIG_BLOCK, &set, NULL);

	/* The flags and limits core/http/httpd.c uses by default. */
	mhd = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_AUTO |
	    MHD_USE_ERROR_LOG | MHD_USE_ITC, 0, NULL, NULL, on_request, NULL,
	    MHD_OPTION_THREAD_POOL_SIZE, threads,
	    MHD_OPTION_CONNECTION_TIMEOUT, 10u,
	    MHD_OPTION_CONNECTION_LIMIT, 256u,
	    MHD_OPTION_PER_IP_CONNECTION_LIMIT, 64u,
	    MHD_OPTION_NOTIFY_COMPLETED, on_completed, NULL,
	    MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sin,
	    MHD_OPTION_END);
	if (mhd == NULL) {
		fprintf(stderr, "baseline_mhd: cannot listen on 127.0.0.1:%s\n", argv[1]);
		return 1;
	}
	di = MHD_get_daemon_info(mhd, MHD_DAEMON_INFO_BIND_PORT);
	printf("listening on 127.0.0.1:%u\n", di ? di->port : 0);
	fflush(stdout);
	sigwait(&set, &sig);
	MHD_stop_daemon(mhd);
	return 0;
}
