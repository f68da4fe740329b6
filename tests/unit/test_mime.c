/* test_mime.c: the exact bytes of e-mail messages: RFC 2047 headers,
 * folding, CR/LF refusal, quoted-printable bodies, Message-ID and Date. */
#include <stdarg.h>
#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "mime.h"

#define BOUNDARY "=_tocsin_bdd732262feb6e9528efe333b266f103"	/* seed 42 */

static char *
header(const char *name, const char *value)
{
	struct buf b;
	struct terr err;

	buf_init(&b, 0);
	if (mime_header(name, value, &b, &err) == -1) {
		buf_free(&b);
		return NULL;
	}
	return buf_steal(&b);
}

static void
check_header(const char *name, const char *value, const char *want)
{
	char *got = header(name, value);

	assert_non_null(got);
	assert_string_equal(got, want);
	free(got);
}

static char *
qp(const char *in)
{
	struct buf b;

	buf_init(&b, 0);
	assert_int_equal(mime_qp(in, strlen(in), &b), 0);
	return buf_steal(&b);
}

static void
test_mime_ascii_subject_is_left_alone(void **state)
{
	check_header("Subject", "[FIRING:1] DiskFull (node1 warning)",
	    "Subject: [FIRING:1] DiskFull (node1 warning)\r\n");
}

static void
test_mime_umlauts_and_emoji_become_q_words(void **state)
{
	check_header("Subject", "Grüße 🔥 Fehler",
	    "Subject: =?UTF-8?Q?Gr=C3=BC=C3=9Fe_=F0=9F=94=A5_Fehler?=\r\n");
}

static void
test_mime_long_subject_folds_at_75_per_word(void **state)
{
	const char *want =
	    "Subject: =?UTF-8?Q?=C3=84rger_mit_host=2Eexample=2Eorg_=E2=80=94_disk_almost_full_?=\r\n"
	    " =?UTF-8?Q?on_/var/lib/prometheus_and_more_text_after_that?=\r\n";
	char *got, *line, *save = NULL, *w;

	got = header("Subject", "Ärger mit host.example.org — disk almost full "
	    "on /var/lib/prometheus and more text after that");
	assert_non_null(got);
	assert_string_equal(got, want);
	/* Every encoded word is at most 75 characters. */
	for (line = strtok_r(got, "\r\n", &save); line != NULL;
	    line = strtok_r(NULL, "\r\n", &save)) {
		w = strstr(line, "=?");
		assert_non_null(w);
		assert_true(strlen(w) <= 75);
	}
	free(got);
}

static void
test_mime_emoji_never_split_across_words(void **state)
{
	char in[64], *got;
	size_t i;

	/* 15 four-byte characters: 12 bytes encoded each, 5 per word. */
	in[0] = '\0';
	for (i = 0; i < 15; i++)
		strcat(in, "🔥");
	got = header("X-Fire", in);
	assert_non_null(got);
	assert_string_equal(got, "X-Fire: "
	    "=?UTF-8?Q?=F0=9F=94=A5=F0=9F=94=A5=F0=9F=94=A5=F0=9F=94=A5=F0=9F=94=A5?=\r\n"
	    " =?UTF-8?Q?=F0=9F=94=A5=F0=9F=94=A5=F0=9F=94=A5=F0=9F=94=A5=F0=9F=94=A5?=\r\n"
	    " =?UTF-8?Q?=F0=9F=94=A5=F0=9F=94=A5=F0=9F=94=A5=F0=9F=94=A5=F0=9F=94=A5?=\r\n");
	free(got);
}

static void
test_mime_address_display_name_encoded_addr_spec_kept(void **state)
{
	check_header("To",
	    "Jörg Müller <joerg@example.org>, ops@example.org, \"Smith, J.\" <j@x.org>",
	    "To: =?UTF-8?Q?J=C3=B6rg_M=C3=BCller?= <joerg@example.org>, ops@example.org,\r\n"
	    " \"Smith, J.\" <j@x.org>\r\n");
	check_header("From", "\"Tocsin Alerts\" <alerts@example.org>",
	    "From: Tocsin Alerts <alerts@example.org>\r\n");
}

static void
test_mime_non_ascii_addr_spec_refused(void **state)
{
	struct buf b;
	struct terr err;

	buf_init(&b, 0);
	assert_int_equal(mime_header("To", "jörg@example.org", &b, &err), -1);
	assert_string_equal(err.msg, "invalid e-mail address \"jörg@example.org\" "
	    "(non-ASCII addresses are not supported)");
	buf_free(&b);
}

static void
test_mime_crlf_in_header_refused(void **state)
{
	static const char *const values[] = {
		"hi\r\nBcc: victim@example.org", "hi\nBcc: x@y", "hi\rX: y", NULL
	};
	struct buf b;
	struct terr err;
	size_t i;

	for (i = 0; values[i] != NULL; i++) {
		buf_init(&b, 0);
		assert_int_equal(mime_header("Subject", values[i], &b, &err), -1);
		assert_string_equal(err.msg,
		    "e-mail header Subject contains a line break (CR or LF), refused");
		assert_int_equal(b.len, 0);
		buf_free(&b);
	}
	buf_init(&b, 0);
	assert_int_equal(mime_header("X-Evil\r\nBcc", "v", &b, &err), -1);
	assert_string_equal(err.msg, "invalid character in e-mail header name");
	assert_int_equal(mime_header("To", "a@b.org\r\nBcc: c@d.org", &b, &err), -1);
	assert_string_equal(err.msg,
	    "e-mail header To contains a line break (CR or LF), refused");
	buf_free(&b);
}

static void
test_mime_qp_long_lines_trailing_space_and_dots(void **state)
{
	char in[200], *got;

	snprintf(in, sizeof(in), "a%0100d\n", 0);
	got = qp(in);
	assert_string_equal(got,
	    "a00000000000000000000000000000000000000000000000000000000000000000000000000=\r\n"
	    "00000000000000000000000000\r\n");
	free(got);

	got = qp("trailing  \nand\ttab\t\n.dot at start\n..two\nx = 1\n");
	assert_string_equal(got, "trailing =20\r\nand\ttab=09\r\n=2Edot at start\r\n"
	    "=2E.two\r\nx =3D 1\r\n");
	free(got);

	/* An escape is never split by a soft break, and a soft break never
	 * leaves a "." at the start of the next line. */
	snprintf(in, sizeof(in), "%074dé.b", 0);
	got = qp(in);
	assert_string_equal(got,
	    "00000000000000000000000000000000000000000000000000000000000000000000000000=\r\n"
	    "=C3=A9.b");
	free(got);
	snprintf(in, sizeof(in), "%075d.b", 0);
	got = qp(in);
	assert_string_equal(got,
	    "000000000000000000000000000000000000000000000000000000000000000000000000000=\r\n"
	    "=2Eb");
	free(got);
}

static void
test_mime_qp_normalises_line_endings(void **state)
{
	char *got = qp("a\r\nb\nc\rd\r\n\r\n");

	assert_string_equal(got, "a\r\nb\r\nc\r\nd\r\n\r\n");
	free(got);
}

static void
test_mime_full_message_exact_bytes(void **state)
{
	struct kv h;
	struct buf b;
	struct terr err;
	struct mime_input in = {
		.headers = &h,
		.text = "Alert: DiskFull\nvalue=95% \n.\n",
		.html = "<p>Grüße</p>\n",
		.date = 1700000000,
		.key = "\x01\xab\xff",
		.keylen = 3,
		.boundary_seed = 42,
	};

	kv_init(&h);
	assert_int_equal(kv_set(&h, "Subject", "[FIRING:1] Plattenplatz knapp ⚠"), 0);
	assert_int_equal(kv_set(&h, "To", "ops@example.org"), 0);
	assert_int_equal(kv_set(&h, "From", "Tocsin <alerts@example.org>"), 0);
	assert_int_equal(kv_set(&h, "X-Team", "infra"), 0);
	buf_init(&b, 0);
	assert_int_equal(mime_build(&in, &b, &err), 0);
	assert_string_equal(buf_str(&b),
	    "From: Tocsin <alerts@example.org>\r\n"
	    "Subject: =?UTF-8?Q?=5BFIRING=3A1=5D_Plattenplatz_knapp_=E2=9A=A0?=\r\n"
	    "To: ops@example.org\r\n"
	    "X-Team: infra\r\n"
	    "Message-Id: <01abff@example.org>\r\n"
	    "Date: Tue, 14 Nov 2023 22:13:20 +0000\r\n"
	    "MIME-Version: 1.0\r\n"
	    "Content-Type: multipart/alternative; boundary=\"" BOUNDARY "\"\r\n"
	    "\r\n"
	    "--" BOUNDARY "\r\n"
	    "Content-Transfer-Encoding: quoted-printable\r\n"
	    "Content-Type: text/plain; charset=UTF-8\r\n"
	    "\r\n"
	    "Alert: DiskFull\r\n"
	    "value=3D95%=20\r\n"
	    "=2E\r\n"
	    "\r\n"
	    "--" BOUNDARY "\r\n"
	    "Content-Transfer-Encoding: quoted-printable\r\n"
	    "Content-Type: text/html; charset=UTF-8\r\n"
	    "\r\n"
	    "<p>Gr=C3=BC=C3=9Fe</p>\r\n"
	    "\r\n"
	    "--" BOUNDARY "--\r\n");
	buf_free(&b);
	kv_free(&h);
}

static void
test_mime_given_message_id_and_date_win_html_only(void **state)
{
	struct kv h;
	struct buf b;
	struct terr err;
	struct mime_input in = {
		.headers = &h, .html = "<b>x</b>", .boundary_seed = 42,
	};

	kv_init(&h);
	assert_int_equal(kv_set(&h, "Message-Id", "<fixed@example.org>"), 0);
	assert_int_equal(kv_set(&h, "Date", "Mon, 01 Jan 2024 00:00:00 +0000"), 0);
	buf_init(&b, 0);
	assert_int_equal(mime_build(&in, &b, &err), 0);
	assert_string_equal(buf_str(&b),
	    "Date: Mon, 01 Jan 2024 00:00:00 +0000\r\n"
	    "Message-Id: <fixed@example.org>\r\n"
	    "MIME-Version: 1.0\r\n"
	    "Content-Type: multipart/alternative; boundary=\"" BOUNDARY "\"\r\n"
	    "\r\n"
	    "--" BOUNDARY "\r\n"
	    "Content-Transfer-Encoding: quoted-printable\r\n"
	    "Content-Type: text/html; charset=UTF-8\r\n"
	    "\r\n"
	    "<b>x</b>\r\n"
	    "--" BOUNDARY "--\r\n");
	buf_free(&b);
	kv_free(&h);
}

static void
test_mime_thread_id_after_message_id_crlf_refused(void **state)
{
	struct kv h;
	struct buf b;
	struct terr err;
	struct mime_input in = {
		.headers = &h, .text = "x", .boundary_seed = 42,
		.thread_id = "<alert-09d5d4fbebcb5436-2026-11-23@alertmanager>",
	};

	kv_init(&h);
	assert_int_equal(kv_set(&h, "Message-Id", "<fixed@example.org>"), 0);
	assert_int_equal(kv_set(&h, "Date", "Mon, 01 Jan 2024 00:00:00 +0000"), 0);
	buf_init(&b, 0);
	assert_int_equal(mime_build(&in, &b, &err), 0);
	/* Alertmanager's order: the configured headers, Message-Id (here one
	 * of them), References, In-Reply-To, Date (here given). */
	assert_string_equal(buf_str(&b),
	    "Date: Mon, 01 Jan 2024 00:00:00 +0000\r\n"
	    "Message-Id: <fixed@example.org>\r\n"
	    "References: <alert-09d5d4fbebcb5436-2026-11-23@alertmanager>\r\n"
	    "In-Reply-To: <alert-09d5d4fbebcb5436-2026-11-23@alertmanager>\r\n"
	    "MIME-Version: 1.0\r\n"
	    "Content-Type: multipart/alternative; boundary=\"" BOUNDARY "\"\r\n"
	    "\r\n"
	    "--" BOUNDARY "\r\n"
	    "Content-Transfer-Encoding: quoted-printable\r\n"
	    "Content-Type: text/plain; charset=UTF-8\r\n"
	    "\r\n"
	    "x\r\n"
	    "--" BOUNDARY "--\r\n");
	in.thread_id = "<a@b>\r\nBcc: x@example.org";
	buf_reset(&b);
	assert_int_equal(mime_build(&in, &b, &err), -1);
	assert_string_equal(err.msg, "e-mail thread id contains a line break");
	buf_free(&b);
	kv_free(&h);
}

static void
test_mime_reserved_header_and_missing_key_refused(void **state)
{
	struct kv h;
	struct buf b;
	struct terr err;
	struct mime_input in = { .headers = &h, .text = "x", .boundary_seed = 1 };

	kv_init(&h);
	buf_init(&b, 0);
	assert_int_equal(mime_build(&in, &b, &err), -1);
	assert_string_equal(err.msg, "e-mail message key must be 1 to 128 bytes");
	assert_int_equal(kv_set(&h, "Content-Type", "text/plain"), 0);
	buf_reset(&b);
	assert_int_equal(mime_build(&in, &b, &err), -1);
	assert_string_equal(err.msg,
	    "e-mail header Content-Type is set by tocsin and cannot be configured");
	buf_free(&b);
	kv_free(&h);
}

static void
test_mime_random_boundary_differs(void **state)
{
	struct kv h;
	struct buf a, b;
	struct terr err;
	struct mime_input in = { .headers = &h, .text = "x", .key = "k", .keylen = 1 };

	kv_init(&h);
	buf_init(&a, 0);
	buf_init(&b, 0);
	assert_int_equal(mime_build(&in, &a, &err), 0);
	assert_int_equal(mime_build(&in, &b, &err), 0);
	assert_non_null(strstr(buf_str(&a), "boundary=\"=_tocsin_"));
	assert_string_not_equal(buf_str(&a), buf_str(&b));
	buf_free(&a);
	buf_free(&b);
	kv_free(&h);
}

static void
test_mime_parse_addrs_for_envelope(void **state)
{
	char **v;
	size_t n;
	struct terr err;

	assert_int_equal(mime_parse_addrs("Jörg <j@example.org>, b@example.org,"
	    " \"Last, First\" <c@example.org>", &v, &n, &err), 0);
	assert_int_equal(n, 3);
	assert_string_equal(v[0], "j@example.org");
	assert_string_equal(v[1], "b@example.org");
	assert_string_equal(v[2], "c@example.org");
	assert_null(v[3]);
	mime_addrs_free(v);
	assert_int_equal(mime_parse_addrs("  ", &v, &n, &err), -1);
	assert_string_equal(err.msg, "empty e-mail address list");
	assert_int_equal(mime_parse_addrs("a@b.org, nobody", &v, &n, &err), -1);
	assert_string_equal(err.msg, "invalid e-mail address \"nobody\"");
	assert_int_equal(mime_parse_addrs("A <a@b.org", &v, &n, &err), -1);
	assert_string_equal(err.msg, "e-mail address without closing \">\"");
	assert_int_equal(mime_parse_addrs("a@b.org>\r\nRCPT TO:<x@y.org", &v, &n,
	    &err), -1);
	assert_string_equal(err.msg,
	    "e-mail address list contains a line break (CR or LF), refused");
	assert_int_equal(mime_parse_addrs("Evil\n <x@y.org>", &v, &n, &err), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mime_ascii_subject_is_left_alone),
		cmocka_unit_test(test_mime_umlauts_and_emoji_become_q_words),
		cmocka_unit_test(test_mime_long_subject_folds_at_75_per_word),
		cmocka_unit_test(test_mime_emoji_never_split_across_words),
		cmocka_unit_test(test_mime_address_display_name_encoded_addr_spec_kept),
		cmocka_unit_test(test_mime_non_ascii_addr_spec_refused),
		cmocka_unit_test(test_mime_crlf_in_header_refused),
		cmocka_unit_test(test_mime_qp_long_lines_trailing_space_and_dots),
		cmocka_unit_test(test_mime_qp_normalises_line_endings),
		cmocka_unit_test(test_mime_full_message_exact_bytes),
		cmocka_unit_test(test_mime_given_message_id_and_date_win_html_only),
		cmocka_unit_test(test_mime_thread_id_after_message_id_crlf_refused),
		cmocka_unit_test(test_mime_reserved_header_and_missing_key_refused),
		cmocka_unit_test(test_mime_random_boundary_differs),
		cmocka_unit_test(test_mime_parse_addrs_for_envelope),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
