#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Two clients on one account (TAP, under pigeon-peers): Pigeon (pigeon-tool
# flag, move, sync) and Python's imaplib make interleaved changes, in
# rounds: flags (on different messages, and different flags of the same
# message), moves, deletes, new deliveries (LMTP, as Exim delivers, and
# APPEND), a move by Pigeon of a message imaplib just flagged, a flag by
# Pigeon on a message imaplib just expunged. After each Pigeon sync the
# three views agree, folder by folder: the server's (imaplib), Pigeon's
# store (UID -> Message-ID and flags), and the expected outcome of both
# clients' changes.
#
# Usage: test-sync-converge.py PIGEON-TOOL [ROUNDS]

import imaplib
import os
import random
import re
import shutil
import smtplib
import sqlite3
import ssl
import subprocess
import sys
import tempfile
import time

tool = sys.argv[1]
rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 3
e = os.environ
tmp = tempfile.mkdtemp(prefix="pigeon-converge-")
env = dict(e, XDG_DATA_HOME=tmp + "/data", XDG_CONFIG_HOME=tmp + "/config", XDG_CACHE_HOME=tmp + "/cache",
           PIGEON_SECRET_SERVICE="0", G_DEBUG="fatal-criticals", LC_ALL="C.UTF-8")
FOLDERS = ("INBOX", "Archive", "Trash")
BITS = {"\\Seen": 1, "\\Answered": 2, "\\Flagged": 4}
results = []
deadline = time.monotonic() + 150
rng = random.Random(int(e.get("PIGEON_CONVERGE_SEED", "7")))


def ok(cond, name):
    results.append(bool(cond))
    print(("ok" if cond else "not ok") + " %d - %s" % (len(results), name), flush=True)


def tool_run(*args):
    assert time.monotonic() < deadline, "the test ran out of time"
    p = subprocess.run([tool] + list(args), env=env, input=(e["PIGEON_TEST_PASSWORD_B"] + "\n") * 3,
                       capture_output=True, text=True, timeout=60)
    if p.returncode != 0:
        print("# pigeon-tool %s -> %d\n# %s%s" % (args, p.returncode, p.stdout, p.stderr), flush=True)
    return p.returncode == 0


def imap():
    ctx = ssl.create_default_context(cafile=e["PIGEON_TEST_CA"])
    m = imaplib.IMAP4_SSL(e["PIGEON_TEST_HOST"], int(e["PIGEON_TEST_IMAPS_PORT"]), ssl_context=ctx)
    m.login(e["PIGEON_TEST_USER_B"], e["PIGEON_TEST_PASSWORD_B"])
    return m


def raw_message(n):
    return ("From: Sender %d <s%d@example.org>\r\nTo: bob@pigeon.test\r\nSubject: Converge %d\r\n"
            "Date: Tue, 2 Jan 2024 09:%02d:00 +0000\r\nMessage-ID: <c%d@example.org>\r\n\r\nBody %d\r\n"
            % (n, n, n, n % 60, n, n)).encode()


class Model:
    """What the account should hold: Message-ID -> (folder, flag bits)."""

    def __init__(self):
        self.where = {}
        self.next = 1

    def new(self, folder, flags=0):
        n = self.next
        self.next += 1
        self.where["c%d@example.org" % n] = (folder, flags)
        return n

    def set(self, mid, folder=None, add=0, remove=0):
        old_folder, flags = self.where[mid]
        self.where[mid] = (folder or old_folder, (flags | add) & ~remove)

    def folder(self, name):
        return {mid: flags for mid, (f, flags) in self.where.items() if f == name}


def server_view(m, folder):
    """UID -> (Message-ID, flag bits) as imaplib sees it."""
    m.select(folder, readonly=True)
    typ, data = m.uid("FETCH", "1:*", "(FLAGS BODY.PEEK[HEADER.FIELDS (MESSAGE-ID)])")
    view = {}
    for item in data:
        if not isinstance(item, tuple):
            continue
        head = item[0].decode()
        uid = int(re.search(r"UID (\d+)", head).group(1))
        flags = re.search(r"FLAGS \(([^)]*)\)", head).group(1).split()
        mid = re.search(rb"<([^>]+)>", item[1]).group(1).decode()
        view[uid] = (mid, sum(BITS.get(f, 0) for f in flags))
    return view


def local_view(folder):
    c = sqlite3.connect(os.path.join(tmp, "data", "pigeon", "pigeon.db"))
    rows = c.execute("SELECT l.uid, m.message_id, m.flags FROM message_locations l JOIN messages m ON "
                     "m.id = l.message_id JOIN folders f ON f.id = l.folder_id WHERE f.path = ?", (folder,)).fetchall()
    c.close()
    return {uid: (mid.strip("<>"), flags & 7) for uid, mid, flags in rows}


def local_id(mid):
    c = sqlite3.connect(os.path.join(tmp, "data", "pigeon", "pigeon.db"))
    row = c.execute("SELECT id FROM messages WHERE message_id IN (?, ?)", (mid, "<%s>" % mid)).fetchone()
    c.close()
    return str(row[0])


def uid_of(m, folder, mid):
    return next(uid for uid, (x, _) in server_view(m, folder).items() if x == mid)


def store(m, folder, mid, flags):
    """imaplib adds @flags to one message (found first, read-only)."""
    uid = uid_of(m, folder, mid)
    m.select(folder)
    typ, _ = m.uid("STORE", str(uid), "+FLAGS.SILENT", flags)
    assert typ == "OK", typ


def agree(m, model, label):
    """The server, the store and the model agree, folder by folder."""
    good = True
    for folder in FOLDERS:
        server, local = server_view(m, folder), local_view(folder)
        expected = model.folder(folder)
        by_mid = {mid: flags for mid, flags in server.values()}
        if server != local:
            diff = [(u, server.get(u), local.get(u)) for u in sorted(set(server) | set(local), key=str)
                    if server.get(u) != local.get(u)]
            print("# %s %s: server and store differ (uid, server, store): %s" % (label, folder, diff[:6]), flush=True)
            good = False
        if by_mid != expected or len(by_mid) != len(server):
            diff = [(x, by_mid.get(x), expected.get(x)) for x in sorted(set(by_mid) | set(expected))
                    if by_mid.get(x) != expected.get(x)]
            print("# %s %s: server and expected differ (id, server, expected): %s" % (label, folder, diff[:6]),
                  flush=True)
            good = False
    return good


print("1..%d" % (3 + 2 * rounds), flush=True)
model = Model()
m = imap()
for name in ("Archive", "Trash"):
    m.create(name)
for i in range(24):
    flags = "(\\Seen)" if i % 3 == 0 else "()"
    n = model.new("INBOX", 1 if i % 3 == 0 else 0)
    m.append("INBOX", flags, None, raw_message(n))
with open(tmp + "/pw", "w") as f:
    f.write(e["PIGEON_TEST_PASSWORD_B"])
ok(tool_run("account", "add", "bob", "--address", e["PIGEON_TEST_USER_B"], "--imap",
            "%s:%s" % (e["PIGEON_TEST_HOST"], e["PIGEON_TEST_IMAPS_PORT"]), "--smtp",
            "%s:%s" % (e["PIGEON_TEST_HOST"], e["PIGEON_TEST_SMTPS_PORT"]), "--password-file", tmp + "/pw",
            "--ca-file", e["PIGEON_TEST_CA"]), "account add")
ok(tool_run("sync", "bob") and agree(m, model, "first sync"), "first sync: server, store and expected agree")

for r in range(1, rounds + 1):
    inbox = sorted(model.folder("INBOX"))
    rng.shuffle(inbox)
    # Each message plays one part in this round, so the outcome is defined.
    (both_flag, pigeon_flag, pigeon_unseen, pigeon_move, pigeon_trash, flagged_then_moved, imap_flag, imap_move,
     imap_delete, expunged_then_flagged) = inbox[:10]

    # 1. imaplib: flags, a flag on a message Pigeon will move, a delivery
    #    by LMTP (what Exim does) and an APPEND to Archive.
    store(m, "INBOX", imap_flag, "(\\Flagged)")
    model.set(imap_flag, add=4)
    store(m, "INBOX", both_flag, "(\\Answered)")
    model.set(both_flag, add=2)
    store(m, "INBOX", flagged_then_moved, "(\\Answered)")
    model.set(flagged_then_moved, add=2, folder="Archive")
    n = model.new("INBOX")
    with smtplib.LMTP(e["PIGEON_TEST_LMTP_SOCKET"]) as lmtp:
        lmtp.sendmail("s%d@example.org" % n, [e["PIGEON_TEST_USER_B"]], raw_message(n))
    n = model.new("Archive", 1)
    m.append("Archive", "(\\Seen)", None, raw_message(n))

    # 2. Pigeon, before it sees any of that: flags (one on the message
    #    imaplib flagged differently), a move, a delete (to the Trash), a
    #    move of the message imaplib just flagged, and a flag on a message
    #    that imaplib expunges next.
    steps = [
        tool_run("flag", "bob", local_id(both_flag), local_id(pigeon_flag), "--flagged"),
        tool_run("flag", "bob", local_id(pigeon_unseen), "--unseen") if model.where[pigeon_unseen][1] & 1 else
        tool_run("flag", "bob", local_id(pigeon_unseen), "--seen"),
        tool_run("move", "bob", "INBOX", local_id(pigeon_move), "Archive"),
        tool_run("move", "bob", "INBOX", local_id(pigeon_trash), "Trash"),
        tool_run("move", "bob", "INBOX", local_id(flagged_then_moved), "Archive"),
        tool_run("flag", "bob", local_id(expunged_then_flagged), "--flagged"),
    ]
    model.set(both_flag, add=4)
    model.set(pigeon_flag, add=4)
    model.set(pigeon_unseen, remove=1) if model.where[pigeon_unseen][1] & 1 else model.set(pigeon_unseen, add=1)
    model.set(pigeon_move, folder="Archive")
    model.set(pigeon_trash, folder="Trash")

    # 3. imaplib again: a move, a delete, the expunge of the message Pigeon
    #    flagged, and one message of the Archive deleted.
    uid = uid_of(m, "INBOX", imap_move)
    m.select("INBOX")
    assert m.uid("MOVE", str(uid), "Archive")[0] == "OK"
    model.set(imap_move, folder="Archive")
    m.select("INBOX")
    gone = [uid_of(m, "INBOX", imap_delete), uid_of(m, "INBOX", expunged_then_flagged)]
    m.select("INBOX")
    assert m.uid("STORE", "%d,%d" % tuple(gone), "+FLAGS.SILENT", "(\\Deleted)")[0] == "OK"
    assert m.uid("EXPUNGE", "%d,%d" % tuple(gone))[0] == "OK"
    del model.where[imap_delete], model.where[expunged_then_flagged]
    archived = sorted(mid for mid in model.folder("Archive") if mid not in (pigeon_move, flagged_then_moved))
    if archived:
        m.select("Archive")
        uid = uid_of(m, "Archive", archived[0])
        m.select("Archive")
        assert m.uid("STORE", str(uid), "+FLAGS.SILENT", "(\\Deleted)")[0] == "OK"
        assert m.uid("EXPUNGE", str(uid))[0] == "OK"
        del model.where[archived[0]]

    ok(all(steps), "round %d: Pigeon's flags and moves taken locally" % r)
    ok(tool_run("sync", "bob") and agree(m, model, "round %d" % r),
       "round %d: after a Pigeon sync, server, store and expected agree (UIDs and flags per folder)" % r)

# A second sync changes nothing, and no message is in two places.
c = sqlite3.connect(os.path.join(tmp, "data", "pigeon", "pigeon.db"))
doubles = c.execute("SELECT count(*) FROM (SELECT message_id FROM message_locations GROUP BY message_id "
                    "HAVING count(*) > 1)").fetchone()[0]
pending = c.execute("SELECT count(*) FROM pending_ops").fetchone()[0]
c.close()
ok(tool_run("sync", "bob") and agree(m, model, "again") and doubles == 0 and pending == 0,
   "a second sync keeps the agreement; no message in two folders (%d), no operation left (%d)" % (doubles, pending))
m.logout()
if all(results):
    shutil.rmtree(tmp, ignore_errors=True)  # kept to look at when something failed
sys.exit(0 if all(results) else 1)
