#!/usr/bin/python3
"""smtp_server.py: a real SMTP server (aiosmtpd) for the e-mail sender's tests.

Listens on loopback, on ports chosen by the kernel, written as JSON to
--port-file once everything is ready:
  starttls  STARTTLS with a certificate for "localhost" (signed by a CA the
            server generates with openssl into --dir), AUTH PLAIN/LOGIN required
  tls       the same behind implicit TLS (smtps, like port 465)
  plain     no STARTTLS offered, no AUTH
  wrongname STARTTLS with a certificate for "wrong.example" from the same CA
  cram      STARTTLS like starttls, AUTH CRAM-MD5 only (RFC 2195), with the
            --secret as the shared secret
Every accepted message is recorded in --dir as N.eml (the exact bytes of DATA
after dot-unstuffing) and N.json (envelope, TLS and AUTH state). RCPT TO for a
--tempfail address answers 451, for a --permfail address 550.
Standard library and aiosmtpd only; Debian's python3-aiosmtpd."""

import argparse
import asyncio
import hmac
import json
import os
import ssl
import subprocess
import time
import warnings

from aiosmtpd.smtp import MISSING, SMTP, AuthResult, LoginPassword


def openssl(*args):
    subprocess.run(["openssl", *args], check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)


def make_certs(d):
    """CA, a server certificate for localhost/127.0.0.1 and one for another
    name, all valid for a day."""
    ca_key, ca = os.path.join(d, "ca.key"), os.path.join(d, "ca.pem")
    openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
            "-subj", "/CN=tocsin test CA", "-keyout", ca_key, "-out", ca)
    for name, san in (("server", "DNS:localhost,IP:127.0.0.1"),
                      ("wrong", "DNS:wrong.example")):
        key, csr, crt = (os.path.join(d, name + ext)
                         for ext in (".key", ".csr", ".pem"))
        ext = os.path.join(d, name + ".ext")
        with open(ext, "w") as f:
            f.write("subjectAltName=%s\n" % san)
        openssl("req", "-newkey", "rsa:2048", "-nodes", "-subj",
                "/CN=" + san.split(",")[0][4:], "-keyout", key, "-out", csr)
        openssl("x509", "-req", "-in", csr, "-CA", ca, "-CAkey", ca_key,
                "-CAcreateserial", "-days", "1", "-extfile", ext, "-out", crt)


def tls_context(d, name):
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ctx.minimum_version = ssl.TLSVersion.TLSv1_2
    ctx.load_cert_chain(os.path.join(d, name + ".pem"),
                        os.path.join(d, name + ".key"))
    return ctx


class Recorder:
    def __init__(self, args, port_name):
        self.args = args
        self.port_name = port_name

    async def handle_RCPT(self, server, session, envelope, address, options):
        if address in self.args.tempfail:
            return "451 4.3.0 mailbox busy, try later"
        if address in self.args.permfail:
            return "550 5.1.1 no such user"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        n = len([f for f in os.listdir(self.args.dir) if f.endswith(".eml")])
        base = os.path.join(self.args.dir, "%d" % (n + 1))
        with open(base + ".json", "w") as f:
            json.dump({"port": self.port_name,
                       "mail_from": envelope.mail_from,
                       "rcpt_tos": envelope.rcpt_tos,
                       "tls": server.transport.get_extra_info("ssl_object")
                       is not None,
                       "auth": bool(session.authenticated),
                       "helo": session.host_name}, f)
        # Written last and renamed, so a reader never sees half a message.
        with open(base + ".tmp", "wb") as f:
            f.write(envelope.original_content)
        os.rename(base + ".tmp", base + ".eml")
        return "250 2.0.0 queued"


class CramRecorder(Recorder):
    """Offers CRAM-MD5 (aiosmtpd names a handler's auth_CRAM__MD5 so): a
    fresh challenge, answered with "user hex(HMAC-MD5(secret, challenge))"."""

    async def auth_CRAM__MD5(self, server, args):
        challenge = "<%d.%d@localhost>" % (os.getpid(), time.time_ns())
        blob = await server.challenge_auth(challenge)
        if blob is MISSING:
            return AuthResult(success=False, handled=True)
        user, _, digest = blob.partition(b" ")
        want = hmac.new(self.args.secret.encode(), challenge.encode(),
                        "md5").hexdigest().encode()
        ok = (user == self.args.user.encode()
              and hmac.compare_digest(digest, want))
        return AuthResult(success=ok, handled=False)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--dir", required=True)
    p.add_argument("--port-file", required=True)
    p.add_argument("--user", default="alertuser")
    p.add_argument("--password", default="s3cret")
    p.add_argument("--secret", default="cr4m-s3cret")
    p.add_argument("--tempfail", action="append", default=[])
    p.add_argument("--permfail", action="append", default=[])
    args = p.parse_args()
    # AUTH without TLS on the plain and implicit-TLS ports is deliberate.
    warnings.simplefilter("ignore")
    make_certs(args.dir)

    def authenticator(server, session, envelope, mechanism, data):
        ok = (isinstance(data, LoginPassword)
              and data.login == args.user.encode()
              and data.password == args.password.encode())
        # handled=False makes aiosmtpd answer 535 itself.
        return AuthResult(success=ok, handled=False)

    loop = asyncio.new_event_loop()
    ports = {}

    def listen(name, smtp_kwargs, ssl_ctx=None, handler=Recorder):
        def factory():
            return SMTP(handler(args, name), hostname="localhost",
                        **smtp_kwargs)
        srv = loop.run_until_complete(
            loop.create_server(factory, "127.0.0.1", 0, ssl=ssl_ctx))
        ports[name] = srv.sockets[0].getsockname()[1]

    authed = dict(authenticator=authenticator, auth_required=True)
    listen("starttls", dict(tls_context=tls_context(args.dir, "server"),
                            require_starttls=True, **authed))
    listen("tls", dict(auth_require_tls=False, **authed),
           tls_context(args.dir, "server"))
    listen("plain", dict(auth_require_tls=False))
    listen("wrongname", dict(tls_context=tls_context(args.dir, "wrong"),
                             require_starttls=True, **authed))
    listen("cram", dict(tls_context=tls_context(args.dir, "server"),
                        require_starttls=True,
                        auth_exclude_mechanism=["PLAIN", "LOGIN"], **authed),
           handler=CramRecorder)
    tmp = args.port_file + ".tmp"
    with open(tmp, "w") as f:
        json.dump(ports, f)
    os.rename(tmp, args.port_file)
    loop.run_forever()


if __name__ == "__main__":
    main()
