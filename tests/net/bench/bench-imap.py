#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
#
# bench-imap.py BENCH_BINARY COUNT: fills a Dovecot folder (under
# pigeon-peers) with COUNT generated messages, then measures in the same
# run (a) Python's imaplib issuing UID FETCH 1:* (UID FLAGS ENVELOPE
# BODYSTRUCTURE RFC822.SIZE) and discarding the result, the server's own
# limit, and (b) Pigeon's session fetching the same items in pipelined
# range FETCHes, each message parsed into structures. Prints the ratio
# b/a (target <= 1.1) and Pigeon's peak memory at two folder sizes.

import imaplib
import os
import ssl
import subprocess
import sys
import time

HOST = os.environ["PIGEON_TEST_HOST"]
PORT = int(os.environ["PIGEON_TEST_IMAPS_PORT"])
USER = os.environ["PIGEON_TEST_USER_A"]
PASSWORD = os.environ["PIGEON_TEST_PASSWORD_A"]


def connect():
    ctx = ssl.create_default_context(cafile=os.environ["PIGEON_TEST_CA"])
    imap = imaplib.IMAP4_SSL(HOST, PORT, ssl_context=ctx)
    imap.login(USER, PASSWORD)
    return imap


def message(i):
    kind = i % 3
    head = ("From: =?UTF-8?Q?J=C3=BCrgen_M=C3=BCller?= <juergen%d@example.org>\r\n"
            "To: Alice <alice@example.com>, bob@example.com\r\nCc: list@lists.example.net\r\n"
            "Subject: =?UTF-8?Q?Re:_Gr=C3=BC=C3=9Fe?= number %d about the quarterly report\r\n"
            "Message-ID: <%d.bench@example.org>\r\nIn-Reply-To: <%d.bench@example.org>\r\n"
            "Date: Mon, 1 Jan 2024 10:%02d:00 +0100\r\nMIME-Version: 1.0\r\n" % (i, i, i, i - 1, i % 60))
    if kind == 0:
        return head + "Content-Type: text/plain; charset=utf-8\r\n\r\nHello %d\r\n" % i
    return (head + 'Content-Type: multipart/mixed; boundary="b%d"\r\n\r\n--b%d\r\nContent-Type: text/plain; '
            'charset=utf-8\r\n\r\nBody %d\r\n--b%d\r\nContent-Type: application/pdf; name="r%d.pdf"\r\n'
            'Content-Disposition: attachment; filename="r%d.pdf"\r\nContent-Transfer-Encoding: base64\r\n\r\n'
            'JVBERi0xLjQK\r\n--b%d--\r\n' % (i, i, i, i, i, i, i))


def multiappend(imap, folder, first, last):
    # RFC 3502 MULTIAPPEND with LITERAL+ (RFC 7888): a whole batch in one
    # command, one round trip, instead of one APPEND per message.
    parts = [b"%s APPEND %s" % (imap._new_tag(), folder.encode())]
    for i in range(first, last + 1):
        data = message(i).encode()
        parts.append(b" %s {%d+}\r\n%s" % (b"(\\Seen)" if i % 2 else b"()", len(data), data))
    imap.send(b"".join(parts) + b"\r\n")
    while True:
        line = imap.readline()
        if line.startswith(parts[0].split()[0] + b" "):
            assert line.split()[1] == b"OK", line
            return


def fill(folder, count):
    """Fills FOLDER with COUNT messages, unless it already holds them (a
    Dovecot kept running with `pigeon-peers start` is filled once)."""
    imap = connect()
    typ, data = imap.select(folder, readonly=True)
    if typ == "OK" and int(data[0]) == count:
        imap.logout()
        return
    assert typ != "OK" or int(data[0]) == 0, "%s holds %s messages" % (folder, data[0])
    imap.create(folder)
    for first in range(1, count + 1, 1000):
        multiappend(imap, folder, first, min(first + 999, count))
    imap.logout()


def imaplib_fetch(folder):
    imap = connect()
    imap.select(folder, readonly=True)
    start = time.monotonic()
    typ, data = imap.uid("FETCH", "1:*", "(UID FLAGS ENVELOPE BODYSTRUCTURE RFC822.SIZE)")
    elapsed = time.monotonic() - start
    assert typ == "OK"
    del data
    imap.logout()
    return elapsed


def pigeon_fetch(binary, folder):
    out = subprocess.run([binary, folder, "1000"], check=True, capture_output=True, text=True).stdout.split()
    return int(out[0]), float(out[1]), int(out[2])


def main():
    binary, count = sys.argv[1], int(sys.argv[2])
    small = max(count // 10, 100)
    fill("BenchSmall", small)
    fill("Bench", count)
    imaplib_fetch("Bench")  # warm Dovecot's caches for both
    best_a = min(imaplib_fetch("Bench") for _ in range(3))
    runs = [pigeon_fetch(binary, "Bench") for _ in range(3)]
    best_b = min(r[1] for r in runs)
    assert all(r[0] == count for r in runs), runs
    small_rss = pigeon_fetch(binary, "BenchSmall")[2]
    print("messages: %d" % count)
    print("(a) imaplib UID FETCH 1:*:          %.3f s" % best_a)
    print("(b) Pigeon range FETCHes, parsed:   %.3f s" % best_b)
    print("ratio b/a: %.2f (target <= 1.1)" % (best_b / best_a))
    print("Pigeon peak RSS: %d kB for %d messages, %d kB for %d" % (small_rss, small, runs[0][2], count))


if __name__ == "__main__":
    main()
