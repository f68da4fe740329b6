/* mime.h: builds the RFC 5322 / MIME message the e-mail sender submits:
 * encoded headers (RFC 2047), multipart/alternative text + HTML parts in
 * quoted-printable, CRLF line endings, no header injection. */
#ifndef TOCSIN_MIME_H
#define TOCSIN_MIME_H

#include <stddef.h>
#include <stdint.h>

#include "alert.h"
#include "buf.h"
#include "err.h"

struct mime_input {
	/* Header name -> already rendered value (Subject, To, From and the
	 * config's extra headers). Message-Id and Date given here replace
	 * the ones built below; MIME-Version, Content-Type and
	 * Content-Transfer-Encoding are ours and refused. */
	const struct kv	*headers;
	const char	*text;		/* text/plain body; NULL or "": no part */
	const char	*html;		/* text/html body; NULL or "": no part */
	int64_t		 date;		/* Date header, seconds since the epoch, shown in UTC */
	/* Stable key (the dedup key) for Message-ID:
	 * "<" hex(key) "@" domain of the From address (or "tocsin") ">",
	 * so a retried message keeps its Message-ID. At most 128 bytes. */
	const void	*key;
	size_t		 keylen;
	/* Alertmanager's threading: References and In-Reply-To, both this
	 * message id ("<...>"), right after Message-Id; NULL: neither. */
	const char	*thread_id;
	/* Seeds the MIME boundary; 0 draws a random one. Tests fix it. */
	uint64_t	 boundary_seed;
};

/* Appends the whole message (headers, blank line, body; every line ends in
 * CRLF and is at most 998 octets, no line starts with ".") to out. -1 with a
 * reason on CR/LF in a header, a bad header name, a non-ASCII address or
 * when out's cap is reached. The caller owns out. */
int	mime_build(const struct mime_input *in, struct buf *out, struct terr *err) WARN_UNUSED;

/* Appends one header field "Name: value\r\n" to out: address headers (To,
 * From, Cc, Bcc, Reply-To, Sender) with RFC 2047 display names and the
 * addr-spec untouched, others as UTF-8 Q encoded-words when they are not
 * plain ASCII or too long; encoded words are at most 75 characters and
 * folded onto continuation lines. */
int	mime_header(const char *name, const char *value, struct buf *out,
	    struct terr *err) WARN_UNUSED;

/* Appends data as quoted-printable with CRLF line breaks (any of CRLF, LF
 * or CR in the input is a line break), lines of at most 76 characters,
 * trailing white space and a leading "." encoded. */
int	mime_qp(const char *data, size_t len, struct buf *out) WARN_UNUSED;

/* Parses an RFC 5322 address list ("A <a@x>, b@y") into its addr-specs,
 * for the SMTP envelope. *addrs is a NULL-terminated array the caller frees
 * with mime_addrs_free(). -1 on an empty list or a malformed address. */
int	mime_parse_addrs(const char *list, char ***addrs, size_t *naddrs,
	    struct terr *err) WARN_UNUSED;
void	mime_addrs_free(char **addrs);

#endif
