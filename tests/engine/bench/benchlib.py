# SPDX-License-Identifier: GPL-3.0-or-later
#
# Shared by the engine's sync benchmarks (run under pigeon-peers): fast
# mailbox filling (Maildir files written straight into the peers' mail
# root, then indexed by Dovecot), imaplib sessions, pigeon-tool runs in a
# fresh set of XDG directories, and a small parser of FETCH responses for
# the imaplib reference.

import imaplib
import os
import re
import shutil
import sqlite3
import ssl
import statistics
import subprocess
import tempfile
import time

E = os.environ
HOST = E["PIGEON_TEST_HOST"]
NOBODY, NOGROUP = 65534, 65534


def imap(user="A"):
    ctx = ssl.create_default_context(cafile=E["PIGEON_TEST_CA"])
    m = imaplib.IMAP4_SSL(HOST, int(E["PIGEON_TEST_IMAPS_PORT"]), ssl_context=ctx)
    m.login(E["PIGEON_TEST_USER_" + user], E["PIGEON_TEST_PASSWORD_" + user])
    return m


def message(i, body_bytes=0):
    """A generated message: threaded headers, encoded words, a third of
    them multipart with a small attachment; @body_bytes of extra text."""
    head = ("From: =?UTF-8?Q?J=C3=BCrgen_M=C3=BCller?= <juergen%d@example.org>\r\n"
            "To: Alice <alice@example.com>, bob@example.com\r\nCc: list@lists.example.net\r\n"
            "Subject: =?UTF-8?Q?Re:_Gr=C3=BC=C3=9Fe?= number %d about the quarterly report\r\n"
            "Message-ID: <%d.bench@example.org>\r\nIn-Reply-To: <%d.bench@example.org>\r\n"
            "References: <%d.bench@example.org> <%d.bench@example.org>\r\n"
            "Date: Mon, 1 Jan 2024 %02d:%02d:00 +0100\r\nMIME-Version: 1.0\r\n"
            % (i, i, i, i - 1, i - 2, i - 1, (i // 60) % 24, i % 60))
    text = "Hello %d\r\n" % i + ("Lorem ipsum dolor sit amet, consectetur adipiscing elit %d.\r\n" % i) * (
        body_bytes // 60)
    if i % 3:
        return (head + "Content-Type: text/plain; charset=utf-8\r\n\r\n" + text).encode()
    return (head + 'Content-Type: multipart/mixed; boundary="b%d"\r\n\r\n--b%d\r\nContent-Type: text/plain; '
            'charset=utf-8\r\n\r\n%s--b%d\r\nContent-Type: application/pdf; name="r%d.pdf"\r\n'
            'Content-Disposition: attachment; filename="r%d.pdf"\r\nContent-Transfer-Encoding: base64\r\n\r\n'
            'JVBERi0xLjQK\r\n--b%d--\r\n' % (i, i, text, i, i, i, i)).encode()


def fill_maildir(user, folder, count, body_bytes=0):
    """Writes @count messages as Maildir files into @folder ("INBOX" or a
    Maildir++ folder) of @user, owned by Dovecot's mail user, then SELECTs
    it so that Dovecot indexes them. Returns the seconds taken. Far faster
    than APPEND: 100k messages in seconds."""
    start = time.monotonic()
    root = os.path.join(E["PIGEON_TEST_MAIL_ROOT"], E["PIGEON_TEST_USER_" + user])
    top = root if folder == "INBOX" else os.path.join(root, "." + folder)
    for sub in ("", "/cur", "/new", "/tmp"):
        os.makedirs(top + sub, mode=0o700, exist_ok=True)
        os.chown(top + sub, NOBODY, NOGROUP)
    if folder != "INBOX":
        open(os.path.join(top, "maildirfolder"), "w").close()
        os.chown(os.path.join(top, "maildirfolder"), NOBODY, NOGROUP)
    base = 1704067200  # 2024-01-01
    for i in range(1, count + 1):
        data = message(i, body_bytes)
        # Maildir names sort by their time part, so UIDs follow i.
        name = "%d.M%dP1.pigeon-bench,S=%d:2,%s" % (base + i, i, len(data), "S" if i % 2 else "")
        path = os.path.join(top, "cur", name)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        os.write(fd, data)
        os.fchown(fd, NOBODY, NOGROUP)
        os.close(fd)
        os.utime(path, (base + i, base + i))
    m = imap(user)
    typ, data = m.select(folder, readonly=True)
    m.logout()
    assert typ == "OK" and int(data[0]) == count, (typ, data)
    return time.monotonic() - start


class Pigeon:
    """pigeon-tool with its own XDG directories and one IMAP account."""

    def __init__(self, tool, user="A"):
        self.tool, self.user = tool, user
        self.tmp = tempfile.mkdtemp(prefix="pigeon-bench-")
        self.env = dict({k: v for k, v in E.items() if k not in ("MALLOC_CHECK_", "G_DEBUG")}, XDG_DATA_HOME=self.tmp + "/data", XDG_CONFIG_HOME=self.tmp + "/config",
                        XDG_CACHE_HOME=self.tmp + "/cache", PIGEON_SECRET_SERVICE="0", LC_ALL="C.UTF-8")
        with open(self.tmp + "/pw", "w") as f:
            f.write(E["PIGEON_TEST_PASSWORD_" + user])
        self.run(["account", "add", "bench", "--address", E["PIGEON_TEST_USER_" + user], "--imap",
                  "%s:%s" % (HOST, E["PIGEON_TEST_IMAPS_PORT"]), "--smtp", "%s:%s" % (HOST, E["PIGEON_TEST_SMTPS_PORT"]),
                  "--password-file", self.tmp + "/pw", "--ca-file", E["PIGEON_TEST_CA"]])

    def run(self, args, timeout=1200):
        """Runs pigeon-tool ARGS (the password on stdin, since there is no
        Secret Service); returns the wall-clock seconds."""
        start = time.monotonic()
        p = subprocess.run([self.tool] + args, env=self.env, input=(E["PIGEON_TEST_PASSWORD_" + self.user] + "\n") * 3,
                           capture_output=True, text=True, timeout=timeout)
        elapsed = time.monotonic() - start
        if p.returncode != 0:
            raise SystemExit("pigeon-tool %s failed (%d): %s%s" % (args, p.returncode, p.stdout, p.stderr))
        return elapsed

    def db(self):
        return sqlite3.connect(os.path.join(self.tmp, "data", "pigeon", "pigeon.db"))

    def count(self, folder, with_bodies=False):
        c = self.db()
        query = ("SELECT count(*) FROM message_locations l JOIN folders f ON f.id = l.folder_id "
                 + ("JOIN bodies b ON b.message_id = l.message_id " if with_bodies else "") + "WHERE f.path = ?")
        n = c.execute(query, (folder,)).fetchone()[0]
        c.close()
        return n

    def remove(self):
        shutil.rmtree(self.tmp, ignore_errors=True)


# The FETCH parser of the imaplib reference: responses to S-expressions,
# then into a dict per message (envelope addresses, body structure kept as
# nested lists, References and In-Reply-To split into message ids).
TOKEN = re.compile(rb'\s*(?:(\()|(\))|"((?:[^"\\]|\\.)*)"|([^\s()"\[]+(?:\[[^\]]*\](?:<\d+>)?)?))')


def tokens(pieces):
    for piece in pieces:
        if isinstance(piece, bytes) and piece.startswith(b"\0LIT"):
            yield ("lit", piece[4:])
            continue
        for match in TOKEN.finditer(piece):
            opening, closing, quoted, atom = match.groups()
            if opening:
                yield ("(", None)
            elif closing:
                yield (")", None)
            elif quoted is not None:
                yield ("str", quoted.replace(b'\\"', b'"').replace(b"\\\\", b"\\"))
            elif atom is not None:
                yield ("atom", atom)


def sexp(stream):
    out = []
    for kind, value in stream:
        if kind == "(":
            out.append(sexp(stream))
        elif kind == ")":
            return out
        elif kind == "atom":
            out.append(None if value == b"NIL" else value)
        else:
            out.append(value)
    return out


def split_fetch(data):
    """imaplib's FETCH data (bytes, or (prefix, literal) tuples with the
    rest of the line following) into one list of pieces per message."""
    messages, current = [], None
    for item in data:
        head = item[0] if isinstance(item, tuple) else item
        if head[:1].isdigit():
            current = []
            messages.append(current)
        if isinstance(item, tuple):
            current.append(re.sub(rb"\{\d+\}$", b"", item[0]))
            current.append(b"\0LIT" + item[1])
        else:
            current.append(item)
    return messages


def address_list(value):
    return [(a[0], a[2], a[3]) for a in value] if value else []


def parse_message(pieces):
    # imaplib leaves "SEQ (ITEMS...)" of "* SEQ FETCH (ITEMS...)".
    items = next(v for v in sexp(tokens(pieces)) if isinstance(v, list))
    parsed = {}
    for name, value in zip(items[::2], items[1::2]):
        name = name.upper()
        if name == b"UID" or name == b"RFC822.SIZE":
            parsed[name] = int(value)
        elif name == b"ENVELOPE":
            parsed[name] = {"date": value[0], "subject": value[1], "from": address_list(value[2]),
                            "to": address_list(value[5]), "cc": address_list(value[6]),
                            "in-reply-to": value[8], "message-id": value[9]}
        elif name.startswith(b"BODY[HEADER"):
            refs = {}
            for line in value.replace(b"\r\n ", b" ").split(b"\r\n"):
                if b":" in line:
                    key, _, rest = line.partition(b":")
                    refs[key.lower()] = re.findall(rb"<[^>]*>", rest)
            parsed[b"HEADERS"] = refs
        else:
            parsed[name] = value
    return parsed


def median(values):
    return statistics.median(values)


def table(label, values, unit="s"):
    return "%-44s median %.3f %s  (runs: %s)" % (label, median(values), unit,
                                                  ", ".join("%.3f" % v for v in values))
