#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
#
# A scripted SMTP or POP3 server for the tests of src/net: what a real
# server will not do (STARTTLS attacks, 421, dropped connections, split and
# overlong replies, bad certificates, old TLS).
#
#   fake-mail-server.py SCENARIO RECORD_DIR CERT_DIR
#
# Binds 127.0.0.1 on a port chosen by the system, prints "PORT n", serves
# one connection as SCENARIO says, and writes everything the client sent
# to RECORD_DIR/clear (before TLS) and RECORD_DIR/tls (inside TLS), so a
# test can check that no credential crossed in the clear, how many
# end-of-data marks there were, and that nothing was deleted.
# Standard library only.

import os
import socket
import ssl
import sys
import time

USER = "alice@fake.test"
PASSWORD = "Secret-Pa55word"


class Conn:
    def __init__(self, sock, record_dir, cert_dir):
        self.sock = sock
        self.record_dir = record_dir
        self.cert_dir = cert_dir
        self.clear = bytearray()
        self.tls = bytearray()
        self.encrypted = False
        self.pending = b""
        self.sock.settimeout(20)

    def record(self, data):
        (self.tls if self.encrypted else self.clear).extend(data)

    def send(self, data, split=False):
        if isinstance(data, str):
            data = data.encode()
        if not split:
            self.sock.sendall(data)
            return
        # One byte at a time, each in its own segment.
        for i in range(len(data)):
            self.sock.sendall(data[i : i + 1])
            time.sleep(0.002)

    def receive(self):
        chunk = self.sock.recv(65536)
        if not chunk:
            raise EOFError
        self.record(chunk)
        self.pending += chunk

    def line(self):
        while b"\n" not in self.pending:
            self.receive()
        line, _, self.pending = self.pending.partition(b"\n")
        return line.rstrip(b"\r").decode("utf-8", "replace")

    def exactly(self, n):
        """Reads n bytes (a literal)."""
        while len(self.pending) < n:
            self.receive()
        data, self.pending = self.pending[:n], self.pending[n:]
        return data

    def data_until_dot(self, limit=None):
        """Reads DATA up to CRLF.CRLF; with limit, stops after that many bytes."""
        while b"\r\n.\r\n" not in self.pending and not self.pending.startswith(b".\r\n"):
            if limit is not None and len(self.pending) >= limit:
                return None
            self.receive()
        if self.pending.startswith(b".\r\n"):
            body, self.pending = b"", self.pending[3:]
            return body
        body, _, self.pending = self.pending.partition(b"\r\n.\r\n")
        return body

    def context(self, cert="good", max_version=None):
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        if max_version is not None:
            ctx.minimum_version = ssl.TLSVersion.MINIMUM_SUPPORTED
            ctx.maximum_version = max_version
            ctx.set_ciphers("DEFAULT:@SECLEVEL=0")
        ctx.load_cert_chain(os.path.join(self.cert_dir, cert + ".pem"), os.path.join(self.cert_dir, "server.key"))
        return ctx

    def starttls(self, cert="good", max_version=None):
        assert not self.pending, "client sent bytes after STARTTLS"
        self.sock = self.context(cert, max_version).wrap_socket(self.sock, server_side=True)
        self.encrypted = True

    def save(self):
        for name, data in (("clear", self.clear), ("tls", self.tls)):
            with open(os.path.join(self.record_dir, name), "wb") as f:
                f.write(data)


# ---------------------------------------------------------------------------
# SMTP


def smtp_caps(opts, encrypted):
    caps = ["fake.test greets you"]
    if not encrypted and opts.get("offer_starttls", True):
        caps.append("STARTTLS")
    if encrypted or opts.get("auth_in_clear"):
        caps.append("AUTH PLAIN LOGIN")
    if opts.get("pipelining", True):
        caps.append("PIPELINING")
    caps += ["SIZE %d" % opts.get("size", 1000000), "8BITMIME"]
    if not encrypted:
        caps += opts.get("extra_clear_caps", [])
    return "".join("250%s%s\r\n" % ("-" if i < len(caps) - 1 else " ", c) for i, c in enumerate(caps))


def smtp_starttls(c, opts):
    if "refuse_starttls" in opts:
        c.send(opts["refuse_starttls"])
        return False
    c.send("220 2.0.0 go ahead\r\n" + opts.get("inject_after_goahead", ""))
    if opts.get("inject_after_goahead"):
        # A client that is not fooled starts no handshake; wait for its hang-up.
        try:
            c.line()
        except Exception:
            pass
        return False
    c.starttls(opts.get("cert", "good"), opts.get("max_version"))
    return True


def smtp_transaction_command(c, opts, cmd, state):
    """MAIL, RCPT, DATA, RSET and their replies."""
    verb = cmd.split(" ", 1)[0].split(":", 1)[0].upper()
    if opts.get("fail_421_at") == verb:
        c.send("421 4.3.2 fake.test shutting down\r\n")
        return False
    if verb == "MAIL":
        state["rcpts"] = 0
        c.send("250 2.1.0 sender ok\r\n")
    elif verb == "RCPT":
        reject = opts.get("reject_rcpt", {})
        address = cmd.split("<", 1)[1].split(">", 1)[0]
        if address in reject:
            c.send(reject[address] + "\r\n")
        else:
            state["rcpts"] += 1
            c.send("250 2.1.5 recipient ok\r\n")
    elif verb == "DATA":
        if state["rcpts"] == 0:
            c.send("554 5.5.1 no valid recipients\r\n")
            return True
        c.send("354 go on\r\n")
        body = c.data_until_dot(limit=opts.get("drop_during_data"))
        if body is None:
            return False
        state["messages"].append(body)
        c.send("250 2.0.0 queued as %d\r\n" % len(state["messages"]))
    elif verb == "RSET":
        c.send("250 2.0.0 reset\r\n")
    else:
        c.send("500 5.5.1 unknown command\r\n")
    return True


def smtp_server(c, opts):
    state = {"messages": [], "rcpts": 0}
    if opts.get("implicit_tls"):
        c.starttls(opts.get("cert", "good"), opts.get("max_version"))
    c.send(opts.get("greeting", "220 fake.test ESMTP ready\r\n"), split=opts.get("split"))
    while True:
        cmd = c.line()
        verb = cmd.split(" ", 1)[0].upper()
        if verb == "EHLO":
            if opts.get("long_line"):
                c.send("250-" + "x" * opts["long_line"] + "\r\n250 ok\r\n")
                continue
            c.send(smtp_caps(opts, c.encrypted) + opts.get("inject_with_ehlo", ""), split=opts.get("split"))
        elif verb == "HELO":
            c.send("250 fake.test\r\n")
        elif verb == "STARTTLS":
            if not smtp_starttls(c, opts):
                return
        elif verb == "AUTH":
            parts = cmd.split(" ")
            if len(parts) == 2 and parts[1].upper() == "LOGIN":
                c.send("334 VXNlcm5hbWU6\r\n")
                c.line()
                c.send("334 UGFzc3dvcmQ6\r\n")
                c.line()
            c.send("235 2.7.0 authenticated\r\n")
        elif verb == "QUIT":
            c.send("221 2.0.0 bye\r\n")
            return
        elif verb == "NOOP":
            c.send("250 2.0.0 ok\r\n")
        elif not smtp_transaction_command(c, opts, cmd, state):
            return


# ---------------------------------------------------------------------------
# POP3

MESSAGES = [
    b"From: a@fake.test\r\nSubject: one\r\n\r\nHello.\r\n",
    b"From: b@fake.test\r\nSubject: two\r\n\r\n.leading dot\r\n..two dots\r\n.\r\nend\r\n",
]


def stuffed(message):
    out = b""
    for line in message.split(b"\r\n")[:-1]:
        out += (b"." if line.startswith(b".") else b"") + line + b"\r\n"
    return out + b".\r\n"


def pop3_capa(opts, encrypted):
    caps = ["CAPA", "TOP", "UIDL", "RESP-CODES", "PIPELINING"]
    if not encrypted and opts.get("offer_stls", True):
        caps.append("STLS")
    if encrypted or opts.get("auth_in_clear"):
        caps += ["USER"] if opts.get("no_sasl") else ["USER", "SASL PLAIN"]
    if not encrypted:
        caps += opts.get("extra_clear_caps", [])
    return "+OK capabilities follow\r\n" + "".join(c + "\r\n" for c in caps) + ".\r\n"


def pop3_stls(c, opts):
    if "refuse_stls" in opts:
        c.send(opts["refuse_stls"])
        return False
    c.send("+OK begin TLS\r\n" + opts.get("inject_after_goahead", ""))
    if opts.get("inject_after_goahead"):
        try:
            c.line()
        except Exception:
            pass
        return False
    c.starttls(opts.get("cert", "good"), opts.get("max_version"))
    return True


def pop3_transaction(c, opts, cmd):
    verb, _, arg = cmd.partition(" ")
    verb = verb.upper()
    if verb == "STAT":
        c.send("+OK %d %d\r\n" % (len(MESSAGES), sum(len(m) for m in MESSAGES)))
    elif verb == "LIST":
        c.send("+OK\r\n" + "".join("%d %d\r\n" % (i + 1, len(m)) for i, m in enumerate(MESSAGES)) + ".\r\n",
               split=opts.get("split"))
    elif verb == "UIDL":
        c.send("+OK\r\n" + "".join("%d uid-%d\r\n" % (i + 1, i + 1) for i in range(len(MESSAGES))) + ".\r\n")
    elif verb in ("RETR", "TOP"):
        message = MESSAGES[int(arg.split(" ")[0]) - 1]
        if opts.get("long_line"):
            c.send(b"+OK\r\n" + b"y" * opts["long_line"] + b"\r\n.\r\n")
        elif opts.get("drop_during_retr"):
            c.send(b"+OK\r\n" + stuffed(message)[:20])
            return False
        elif verb == "TOP":
            c.send(b"+OK\r\n" + stuffed(message.split(b"\r\n\r\n")[0] + b"\r\n\r\n"))
        else:
            c.send(b"+OK\r\n" + stuffed(message), split=opts.get("split"))
    elif verb in ("DELE", "NOOP", "RSET"):
        c.send("+OK\r\n")
    else:
        c.send("-ERR unknown command\r\n")
    return True


def pop3_server(c, opts):
    if opts.get("implicit_tls"):
        c.starttls(opts.get("cert", "good"), opts.get("max_version"))
    c.send(opts.get("greeting", "+OK fake.test POP3 ready\r\n"))
    while True:
        cmd = c.line()
        verb = cmd.split(" ", 1)[0].upper()
        if verb == "CAPA":
            c.send(pop3_capa(opts, c.encrypted) + opts.get("inject_with_capa", ""))
        elif verb == "STLS":
            if not pop3_stls(c, opts):
                return
        elif verb in ("USER", "PASS", "APOP"):
            if verb == "PASS" and opts.get("fail_in_use"):
                c.send("-ERR [IN-USE] mailbox locked\r\n")
                continue
            c.send("+OK\r\n")
        elif verb == "AUTH":
            c.send("+OK signed in\r\n")
        elif verb == "QUIT":
            c.send("+OK bye\r\n")
            return
        elif not pop3_transaction(c, opts, cmd):
            return


# ---------------------------------------------------------------------------

def raw_server(c, opts):
    """Sends a fixed blob, then waits for one line from the client."""
    c.send(opts.get("blob", b""), split=opts.get("split"))
    c.line()


GO = "220 2.0.0 go ahead\r\n"

SCENARIOS = {
    # PigeonConnection
    "raw-lines": (raw_server, {"blob": b"line one\r\nLF only\nnul\0inside\r\n{5}\r\nabcde\r\nlast\r\n",
                               "split": True}),
    "raw-silent": (raw_server, {}),
    # SMTP
    "smtp-starttls": (smtp_server, {}),
    "smtp-starttls-nopipelining": (smtp_server, {"pipelining": False}),
    "smtp-implicit": (smtp_server, {"implicit_tls": True}),
    "smtp-split": (smtp_server, {"implicit_tls": True, "split": True}),
    "smtp-inject-after-goahead": (smtp_server, {"inject_after_goahead": "250-INJECTED\r\n250 AUTH PLAIN\r\n"}),
    "smtp-inject-with-ehlo": (smtp_server, {"inject_with_ehlo": GO}),
    "smtp-caps-before-tls": (smtp_server, {"extra_clear_caps": ["SMTPUTF8", "XEVIL"], "pipelining": False}),
    "smtp-no-starttls": (smtp_server, {"offer_starttls": False, "auth_in_clear": True}),
    "smtp-refuse-starttls": (smtp_server, {"refuse_starttls": "454 4.7.0 TLS not available, ALERT call +1-555\r\n"}),
    "smtp-alert-greeting": (smtp_server, {"greeting": "220-ALERT: your account is locked, call +1-555\r\n220 ok\r\n",
                                          "refuse_starttls": "454 4.7.0 ALERT: log in at http://evil.example\r\n"}),
    "smtp-421-at-rcpt": (smtp_server, {"implicit_tls": True, "fail_421_at": "RCPT"}),
    "smtp-421-at-mail": (smtp_server, {"implicit_tls": True, "fail_421_at": "MAIL", "pipelining": False}),
    "smtp-drop-during-data": (smtp_server, {"implicit_tls": True, "drop_during_data": 100}),
    "smtp-long-line": (smtp_server, {"implicit_tls": True, "long_line": 200000}),
    "smtp-reject-rcpt": (smtp_server, {"implicit_tls": True,
                                       "reject_rcpt": {"nobody@fake.test": "550 5.1.1 no such user",
                                                       "later@fake.test": "451 4.3.0 try later"}}),
    "smtp-small-size": (smtp_server, {"implicit_tls": True, "size": 100}),
    "smtp-cert-selfsigned": (smtp_server, {"implicit_tls": True, "cert": "selfsigned"}),
    "smtp-cert-expired": (smtp_server, {"implicit_tls": True, "cert": "expired"}),
    "smtp-cert-wronghost": (smtp_server, {"implicit_tls": True, "cert": "wronghost"}),
    "smtp-starttls-cert-selfsigned": (smtp_server, {"cert": "selfsigned"}),
    "smtp-tls11": (smtp_server, {"implicit_tls": True, "max_version": ssl.TLSVersion.TLSv1_1}),
    "smtp-starttls-tls11": (smtp_server, {"max_version": ssl.TLSVersion.TLSv1_1}),
    # POP3
    "pop3-stls": (pop3_server, {}),
    "pop3-implicit": (pop3_server, {"implicit_tls": True}),
    "pop3-split": (pop3_server, {"implicit_tls": True, "split": True}),
    "pop3-apop-clear": (pop3_server, {"greeting": "+OK ready <1896.697170952@fake.test>\r\n"}),
    "pop3-inject-after-goahead": (pop3_server, {"inject_after_goahead": "+OK injected\r\n"}),
    "pop3-inject-with-capa": (pop3_server, {"inject_with_capa": "+OK begin TLS\r\n"}),
    "pop3-no-stls": (pop3_server, {"offer_stls": False, "auth_in_clear": True}),
    "pop3-refuse-stls": (pop3_server, {"refuse_stls": "-ERR [SYS/PERM] ALERT: call +1-555\r\n"}),
    "pop3-drop-during-retr": (pop3_server, {"implicit_tls": True, "drop_during_retr": True}),
    "pop3-long-line": (pop3_server, {"implicit_tls": True, "long_line": 200000}),
    "pop3-in-use": (pop3_server, {"implicit_tls": True, "fail_in_use": True, "no_sasl": True}),
    "pop3-cert-expired": (pop3_server, {"implicit_tls": True, "cert": "expired"}),
    "pop3-tls11": (pop3_server, {"max_version": ssl.TLSVersion.TLSv1_1}),
}


def serve_one(serve, opts, label, errors=()):
    """The contract of both fake servers: argv is SCENARIO RECORD_DIR
    CERT_DIR; binds 127.0.0.1 on a port the system chooses, prints
    "PORT n", serves one connection with serve(conn, opts) and saves what
    the client sent, whatever happened."""
    record_dir, cert_dir = sys.argv[2:4]
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    listener.settimeout(30)
    print("PORT %d" % listener.getsockname()[1], flush=True)
    sock, _ = listener.accept()
    conn = Conn(sock, record_dir, cert_dir)
    try:
        serve(conn, opts)
    except (EOFError, OSError, ssl.SSLError) + tuple(errors) as e:
        print("%s: %s" % (label, e), file=sys.stderr)
    finally:
        conn.save()
        try:
            conn.sock.close()
        except OSError:
            pass


def main():
    serve, opts = SCENARIOS[sys.argv[1]]
    serve_one(serve, opts, "fake server")


if __name__ == "__main__":
    main()
