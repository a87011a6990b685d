#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
#
# A scripted IMAP server for the tests of src/net/imap: what Dovecot will
# not do (PREAUTH on a STARTTLS account, responses injected before TLS,
# ALERT in the clear, huge literals, deep nesting, malformed responses,
# BYE in the middle of a command, EXPUNGE inside a FETCH).
#
#   fake-imap-server.py SCENARIO RECORD_DIR CERT_DIR
#
# Same contract as fake-mail-server.py (whose Conn and serve_one it uses): prints
# "PORT n", serves one connection, records what the client sent before
# and inside TLS to RECORD_DIR/clear and RECORD_DIR/tls.

import importlib.util
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
_spec = importlib.util.spec_from_file_location("fake_mail_server", os.path.join(HERE, "fake-mail-server.py"))
_fms = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_fms)

BASE_CAPS = "IMAP4rev1 LITERAL+ SASL-IR UIDPLUS ENABLE IDLE"

ENVELOPE_1 = ('("Mon, 1 Jan 2024 10:00:00 +0000" "=?UTF-8?Q?Gr=C3=BC=C3=9Fe?=" '
              '(("Alice" NIL "alice" "fake.test")) NIL NIL (("Bob" NIL "bob" "fake.test")) NIL NIL NIL "<1@fake.test>")')


def command(c):
    """One command; literals inside it are read (and acknowledged with "+"
    when synchronizing) and kept as "{n}" in the returned text."""
    line = c.line()
    while line.endswith("}") and "{" in line and not line.startswith(("DONE",)):
        size = line[line.rindex("{") + 1:-1]
        if not size.rstrip("+").isdigit() or " APPEND " in " " + line:
            break
        if not size.endswith("+"):
            c.send("+ go ahead\r\n")
        data = c.exactly(int(size.rstrip("+")))
        line += data.decode("utf-8", "replace") + c.line()
    tag, _, rest = line.partition(" ")
    verb, _, args = rest.partition(" ")
    return tag, verb.upper(), args


def serve(c, opts):
    if opts.get("implicit_tls"):
        c.starttls()
    c.send(opts.get("greeting", "* OK [CAPABILITY %s AUTH=PLAIN] fake.test ready\r\n" % BASE_CAPS))
    caps = opts.get("caps", BASE_CAPS + " AUTH=PLAIN")
    while True:
        tag, verb, args = command(c)
        if verb == "UID":
            sub, _, args = args.partition(" ")
            verb = "UID " + sub.upper()
        handler = opts.get(verb)
        if handler is not None:
            if handler(c, tag, args) is False:
                return
            continue
        if verb == "CAPABILITY":
            c.send("* CAPABILITY %s\r\n%s OK done\r\n" % (opts.get("clear_caps", caps) if not c.encrypted else caps, tag))
        elif verb == "STARTTLS":
            c.send("%s OK begin TLS\r\n%s" % (tag, opts.get("inject_after_goahead", "")))
            if opts.get("inject_after_goahead"):
                try:
                    c.line()
                except Exception:
                    pass
                return
            c.starttls()
        elif verb == "AUTHENTICATE" or verb == "LOGIN":
            c.send("%s OK %s logged in\r\n" % (tag, opts.get("login_code", "[CAPABILITY %s]" % caps)))
        elif verb == "ENABLE":
            c.send("* ENABLED %s\r\n%s OK enabled\r\n" % (args, tag))
        elif verb in ("SELECT", "EXAMINE"):
            c.send("* FLAGS (\\Seen \\Deleted)\r\n* 2 EXISTS\r\n* OK [UIDVALIDITY 7] ok\r\n"
                   "* OK [UIDNEXT 3] ok\r\n%s OK [READ-WRITE] selected\r\n" % tag)
        elif verb == "APPEND":
            # "APPEND box () {n}" without LITERAL+: the go-ahead, then the bytes.
            n = int(args[args.rindex("{") + 1:].rstrip("}+"))
            if not args.endswith("+}"):
                c.send("+ go ahead\r\n")
            data = c.exactly(n)
            c.line()
            c.send("%s OK [APPENDUID 7 %d] appended\r\n" % (tag, len(data)))
        elif verb == "LOGOUT":
            c.send("* BYE bye\r\n%s OK logged out\r\n" % tag)
            return
        else:
            c.send("%s OK %s done\r\n" % (tag, verb))


def fetch_interleaved(c, tag, args):
    c.send('* 1 FETCH (UID 1 FLAGS (\\Seen) RFC822.SIZE 10 ENVELOPE %s)\r\n' % ENVELOPE_1)
    c.send("* 1 EXPUNGE\r\n* 4 EXISTS\r\n")
    # A literal where a string is expected, and an empty literal.
    c.send('* 1 FETCH (UID 2 FLAGS () ENVELOPE (NIL {5}\r\nHello NIL NIL NIL NIL NIL NIL NIL {0}\r\n) '
           'BODY[] {3}\r\nabc)\r\n')
    c.send("* 2 FETCH (FLAGS (\\Flagged))\r\n")
    c.send("%s OK fetched\r\n" % tag)


def fetch_sections(c, tag, args):
    # A header-list section as Dovecot echoes it, with a folded field.
    fields = "References: <1@fake.test>\r\n <2@fake.test>\r\nIn-Reply-To: <2@fake.test>\r\n\r\n"
    c.send("* 1 FETCH (UID 3 BODY[HEADER.FIELDS (REFERENCES IN-REPLY-TO)] {%d}\r\n%s)\r\n" % (len(fields), fields))
    c.send("%s OK fetched\r\n" % tag)


def fetch_huge_literal(c, tag, args):
    c.send("* 1 FETCH (UID 1 BODY[] {4294967296}\r\n")
    c.send("x" * 1000)
    try:
        c.line()
    except Exception:
        pass
    return False


def fetch_deep(c, tag, args):
    c.send("* 1 FETCH (UID 1 BODYSTRUCTURE " + "(" * 10000 + '"text" "plain"' + ")" * 10000 + ")\r\n")
    try:
        c.line()
    except Exception:
        pass
    return False


def fetch_bye(c, tag, args):
    c.send("* 1 FETCH (UID 1 FLAGS ())\r\n* BYE [UNAVAILABLE] going down\r\n")
    return False


def noop_malformed(c, tag, args):
    c.send('* 1 FETCH (UID 1 FLAGS ("unterminated)\r\n')
    try:
        c.line()
    except Exception:
        pass
    return False


def noop_unknown_tag(c, tag, args):
    c.send("Z999 OK not yours\r\n")
    try:
        c.line()
    except Exception:
        pass
    return False


def list_rev2(c, tag, args):
    c.send('* LIST (\\HasNoChildren) "/" INBOX\r\n'
           '* LIST (\\HasNoChildren \\Sent) "/" "Gesendete Elemente"\r\n'
           '* LIST (\\HasChildren \\Noselect) "/" "Entwürfe"\r\n'
           '* STATUS "Gesendete Elemente" (MESSAGES 3 UNSEEN 1 UIDNEXT 4 UIDVALIDITY 9)\r\n'
           '%s OK listed\r\n' % tag)


def search_rev2(c, tag, args):
    c.send('* ESEARCH (TAG "%s") UID ALL 1:3,7\r\n%s OK searched\r\n' % (tag, tag))


def idle(c, tag, args):
    c.send("+ idling\r\n")
    c.send("* 3 EXISTS\r\n")
    line = c.line()
    assert line == "DONE", line
    c.send("%s OK idle done\r\n" % tag)


STARTTLS_CAPS = "IMAP4rev1 STARTTLS LOGINDISABLED"
SCENARIOS = {
    "imap-preauth-starttls": {"greeting": "* PREAUTH [CAPABILITY IMAP4rev1] welcome, no need to log in\r\n"},
    "imap-preauth-tls": {"implicit_tls": True, "greeting": "* PREAUTH [CAPABILITY %s] welcome\r\n" % BASE_CAPS},
    "imap-starttls": {
        # An ALERT and a capability list that a man in the middle could
        # have written, before TLS; the real ones inside.
        "greeting": "* OK [CAPABILITY IMAP4rev1 STARTTLS AUTH=PLAIN X-EVIL] ready\r\n"
                    "* OK [ALERT] <b>Evil</b> alert in the clear\r\n",
        "clear_caps": STARTTLS_CAPS,
        "login_code": "[ALERT] <b>Real</b> alert",
    },
    "imap-inject-after-goahead": {
        "greeting": "* OK [CAPABILITY %s] ready\r\n" % STARTTLS_CAPS,
        "clear_caps": STARTTLS_CAPS,
        "inject_after_goahead": "* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] injected\r\n",
    },
    "imap-no-starttls": {"greeting": "* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] ready\r\n",
                         "caps": "IMAP4rev1 AUTH=PLAIN"},
    "imap-logindisabled": {"implicit_tls": True, "greeting": "* OK [CAPABILITY IMAP4rev1 LOGINDISABLED] ready\r\n",
                           "caps": "IMAP4rev1 LOGINDISABLED"},
    "imap-login": {"implicit_tls": True, "greeting": "* OK ready\r\n", "caps": "IMAP4rev1 IDLE",
                   "login_code": ""},
    "imap-fetch-interleaved": {"implicit_tls": True, "UID FETCH": fetch_interleaved},
    "imap-fetch-sections": {"implicit_tls": True, "UID FETCH": fetch_sections},
    "imap-huge-literal": {"implicit_tls": True, "UID FETCH": fetch_huge_literal},
    "imap-deep-nesting": {"implicit_tls": True, "UID FETCH": fetch_deep},
    "imap-bye-mid-command": {"implicit_tls": True, "UID FETCH": fetch_bye},
    "imap-malformed": {"implicit_tls": True, "NOOP": noop_malformed},
    "imap-unknown-tag": {"implicit_tls": True, "NOOP": noop_unknown_tag},
    "imap-sync-literal": {"implicit_tls": True, "greeting": "* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] ready\r\n",
                          "caps": "IMAP4rev1 AUTH=PLAIN UIDPLUS"},
    "imap-rev2": {"implicit_tls": True,
                  "greeting": "* OK [CAPABILITY IMAP4rev2 AUTH=PLAIN SASL-IR LITERAL+ ENABLE IDLE] ready\r\n",
                  "caps": "IMAP4rev2 AUTH=PLAIN SASL-IR LITERAL+ ENABLE IDLE",
                  "LIST": list_rev2, "UID SEARCH": search_rev2, "IDLE": idle},
}


def main():
    _fms.serve_one(serve, SCENARIOS[sys.argv[1]], "fake imap server", (AssertionError,))


if __name__ == "__main__":
    main()
