#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
#
# IMAP sync with pigeon-tool against the real Dovecot of pigeon-peers (TAP),
# checked against Python's imaplib: the folder list and roles (SPECIAL-USE
# and names); each message's summary (subject, from, flags) per UID; flag
# changes and expunges made by imaplib; a local change kept; a UIDVALIDITY
# change; bodies byte for byte with --bodies; new mail seen within seconds
# while the engine idles; syncs killed at random points resume; search on
# the server.
#
# Usage: test-engine-imap.py PIGEON-TOOL MODE
#   MODE "qresync": Dovecot as it is (CONDSTORE, QRESYNC), "Sent Mail" has
#   the \Sent special use; "condstore": without QRESYNC; "plain": without
#   CONDSTORE and QRESYNC (PIGEON_PEERS_DOVECOT_EXTRA says so); roles by
#   name only but in "qresync".

import email
import email.header
import email.utils
import imaplib
import os
import random
import signal
import sqlite3
import ssl
import subprocess
import sys
import tempfile
import time

tool = sys.argv[1]
mode = sys.argv[2]
e = os.environ
tmp = tempfile.mkdtemp(prefix="pigeon-imap-")
env = dict(e)
env.update(XDG_DATA_HOME=tmp + "/data", XDG_CONFIG_HOME=tmp + "/config", XDG_CACHE_HOME=tmp + "/cache",
           PIGEON_SECRET_SERVICE="0", G_DEBUG="fatal-criticals")
results = []
SEEN, ANSWERED, FLAGGED, DELETED, DRAFT = 1, 2, 4, 8, 16
FLAG_NAMES = {"\\Seen": SEEN, "\\Answered": ANSWERED, "\\Flagged": FLAGGED, "\\Deleted": DELETED,
              "\\Draft": DRAFT}
ROLES = {0: None, 1: "inbox", 2: "drafts", 3: "sent", 4: "archive", 5: "junk", 6: "trash"}


def ok(cond, name):
    results.append((bool(cond), name))
    print(("ok" if cond else "not ok") + " %d - %s" % (len(results), name), flush=True)


def run(args, check=True):
    # Without a Secret Service, each run asks for the password.
    p = subprocess.run([tool] + args, env=env, input=(e["PIGEON_TEST_PASSWORD_B"] + "\n") * 3,
                       capture_output=True, text=True, timeout=120)
    if check and p.returncode != 0:
        print("# %s -> %d\n# %s%s" % (args, p.returncode, p.stdout, p.stderr), flush=True)
    return p


def imap():
    ctx = ssl.create_default_context(cafile=e["PIGEON_TEST_CA"])
    m = imaplib.IMAP4_SSL(e["PIGEON_TEST_HOST"], int(e["PIGEON_TEST_IMAPS_PORT"]), ssl_context=ctx)
    m.login(e["PIGEON_TEST_USER_B"], e["PIGEON_TEST_PASSWORD_B"])
    return m


def db():
    return sqlite3.connect(os.path.join(tmp, "data", "pigeon", "pigeon.db"))


def message(i, attach=False, subject=None):
    body = "Message %d body, with the word zebra%d.\r\n" % (i, i)
    subject = subject or "Test %d =?UTF-8?Q?caf=C3=A9?=" % i
    msg = ("From: Sender %d <sender%d@example.org>\r\nTo: bob@pigeon.test\r\nSubject: %s\r\n"
           "Date: Mon, 1 Jan 2024 10:%02d:00 +0000\r\nMessage-ID: <m%d@example.org>\r\n" % (i, i, subject, i % 60, i))
    if not attach:
        return (msg + "\r\n" + body).encode()
    return (msg + "MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n"
            "Content-Type: text/plain\r\n\r\n" + body + "--b\r\nContent-Type: application/octet-stream\r\n"
            "Content-Disposition: attachment; filename=data.bin\r\nContent-Transfer-Encoding: base64\r\n\r\n"
            "AAECAwQ=\r\n--b--\r\n").encode()


def multiappend(m, folder, messages):
    """RFC 3502 MULTIAPPEND with LITERAL+ (RFC 7888): one round trip for a
    batch (odd ones \\Seen), instead of one APPEND each."""
    tag = m._new_tag()
    parts = [b"%s APPEND %s" % (tag, folder.encode())]
    for i, data in enumerate(messages):
        parts.append(b" %s {%d+}\r\n%s" % (b"(\\Seen)" if i % 2 else b"()", len(data), data))
    m.send(b"".join(parts) + b"\r\n")
    while True:
        line = m.readline()
        if line.startswith(tag + b" "):
            assert line.split()[1] == b"OK", line
            return


def server_view(m, folder):
    """uid -> (subject, from address, flags) as imaplib sees them."""
    m.select('"%s"' % folder, readonly=True)
    typ, data = m.uid("FETCH", "1:*", "(FLAGS BODY.PEEK[HEADER.FIELDS (SUBJECT FROM)])")
    view = {}
    for item in data:
        if not isinstance(item, tuple):
            continue
        head = item[0].decode()
        uid = int(head.split("UID ")[1].split()[0])
        flags = 0
        for name, bit in FLAG_NAMES.items():
            if name in head.split("FLAGS (")[1].split(")")[0]:
                flags |= bit
        msg = email.message_from_bytes(item[1])
        subject = str(email.header.make_header(email.header.decode_header(msg["Subject"])))
        view[uid] = (subject, email.utils.parseaddr(msg["From"])[1], flags)
    return view


def local_view(folder):
    c = db()
    rows = c.execute("SELECT l.uid, m.subject, m.sender, m.flags FROM message_locations l "
                     "JOIN messages m ON m.id = l.message_id JOIN folders f ON f.id = l.folder_id "
                     "WHERE f.path = ?", (folder,)).fetchall()
    c.close()
    return {uid: (subject, email.utils.parseaddr(sender)[1], flags & 31) for uid, subject, sender, flags in rows}


def same_view(folder, m, skip=()):
    server, local = server_view(m, folder), local_view(folder)
    for uid in skip:
        server.pop(uid, None)
        local.pop(uid, None)
    if server != local:
        diff = [(u, server.get(u), local.get(u)) for u in sorted(set(server) | set(local))
                if server.get(u) != local.get(u)]
        print("# %s differs (uid, server, local): %s" % (folder, diff[:5]), flush=True)
    return server == local and len(server) > 0


def local_id(folder, uid):
    c = db()
    row = c.execute("SELECT l.message_id FROM message_locations l JOIN folders f ON f.id = l.folder_id "
                    "WHERE f.path = ? AND l.uid = ?", (folder, uid)).fetchone()
    c.close()
    return row[0] if row else None


print("1..25", flush=True)
m = imap()
caps = m.capability()[1][0].decode().split()
ok(("CONDSTORE" in caps) == (mode != "plain") and ("QRESYNC" in caps) == (mode == "qresync"),
   "Dovecot's extensions as the mode says (%s)" % mode)
for name in ("Sent Mail", "Sent", "Trash", "Archive", "Work", "Work.Projects"):
    m.create('"%s"' % name)
N = 60
for i in range(1, N + 1):
    m.append("INBOX", "(\\Seen)" if i % 3 == 0 else "()", None, message(i, attach=(i % 10 == 0)))
for i in range(1, 6):
    m.append('"Work.Projects"', "(\\Flagged)", None, message(100 + i))
# A thread that only References ties together: the reply's In-Reply-To
# names a message the server does not have, its References the parent.
m.append('"Work.Projects"', "()", None, message(700, subject="Plans"))
m.append('"Work.Projects"', "()", None, message(701, subject="Re: Plans").replace(
    b"Message-ID: <m701@example.org>\r\n",
    b"Message-ID: <m701@example.org>\r\nIn-Reply-To: <gone@example.org>\r\n"
    b"References: <m700@example.org>\r\n <gone@example.org>\r\n"))

with open(os.path.join(tmp, "pb"), "w") as f:
    f.write(e["PIGEON_TEST_PASSWORD_B"])
ok(run(["account", "add", "bob", "--address", e["PIGEON_TEST_USER_B"], "--imap",
        "%s:%s" % (e["PIGEON_TEST_HOST"], e["PIGEON_TEST_IMAPS_PORT"]), "--smtp",
        "%s:%s" % (e["PIGEON_TEST_HOST"], e["PIGEON_TEST_SMTPS_PORT"]), "--password-file", tmp + "/pb",
        "--ca-file", e["PIGEON_TEST_CA"]]).returncode == 0, "account add bob (IMAP)")
wrong = subprocess.run([tool, "account", "test", "bob"], env=env, input="not-the-password\n", capture_output=True,
                       text=True, timeout=60)
ok(run(["account", "test", "bob"]).returncode == 0 and wrong.returncode != 0 and "password" in wrong.stderr,
   "account test signs in to IMAP, and fails with a wrong password (%s)" % wrong.stderr.strip())
wrong_sync = subprocess.run([tool, "sync", "bob"], env=env, input="not-the-password\n", capture_output=True, text=True,
                            timeout=60)
ok(wrong_sync.returncode != 0 and "Wrong user name or password" in wrong_sync.stderr,
   "a sync with a wrong password says so (%s)" % wrong_sync.stderr.strip())
p = run(["sync", "bob"])
ok(p.returncode == 0, "first sync")

c = db()
roles = dict(c.execute("SELECT path, role FROM folders").fetchall())
bodies = c.execute("SELECT count(*) FROM bodies").fetchone()[0]
c.close()
expect_sent = "Sent Mail" if mode == "qresync" else "Sent"
ok(set(roles) == {"INBOX", "Sent Mail", "Sent", "Trash", "Archive", "Work", "Work.Projects"} and
   ROLES[roles["INBOX"]] == "inbox" and ROLES[roles[expect_sent]] == "sent" and ROLES[roles["Trash"]] == "trash" and
   ROLES[roles["Archive"]] == "archive" and
   sum(1 for r in roles.values() if ROLES[r] == "sent") == 1, "folders and roles (%s)" % roles)
ok(same_view("INBOX", m) and same_view("Work.Projects", m) and len(local_view("INBOX")) == N,
   "summaries match imaplib's view per UID (subject, from, flags)")
c = db()
threads = dict(c.execute("SELECT message_id, thread_id FROM messages WHERE message_id IN "
                         "('m700@example.org', 'm701@example.org')").fetchall())
refs = c.execute("SELECT refs FROM messages WHERE message_id = 'm701@example.org'").fetchone()
c.close()
ok(len(threads) == 2 and threads["m701@example.org"] == threads["m700@example.org"] and
   refs == ("m700@example.org gone@example.org",),
   "a reply's thread id matches its parent's, through References (%s, %s)" % (threads, refs))
c = db()
attach = c.execute("SELECT count(*) FROM messages WHERE has_attachments = 1").fetchone()[0]
c.close()
ok(attach == N // 10 and bodies == 0, "attachments from BODYSTRUCTURE (%d), no body without an offline period" % attach)

# Changes by another client, and one local change.
m.select("INBOX")
m.uid("STORE", "3", "+FLAGS", "(\\Flagged)")
m.uid("STORE", "6", "-FLAGS", "(\\Seen)")
m.uid("STORE", "7:9", "+FLAGS", "(\\Deleted)")
m.expunge()
m.append("INBOX", "()", None, message(N + 1))
local = local_id("INBOX", 10)
run(["flag", "bob", str(local), "--flagged"])
ok(run(["sync", "bob"]).returncode == 0, "second sync")
view = local_view("INBOX")
ok(same_view("INBOX", m, skip=[10]) and not any(u in view for u in (7, 8, 9)) and N + 1 in view,
   "flag changes, expunges and the new message from imaplib are seen")
ok(view.get(10, (0, 0, 0))[2] & FLAGGED, "the local change is not undone by the sync")

# Expunge only (no new message): the count tells the non-QRESYNC path.
m.select("INBOX")
m.uid("STORE", "11", "+FLAGS", "(\\Deleted)")
m.expunge()
ok(run(["sync", "bob"]).returncode == 0 and 11 not in local_view("INBOX") and same_view("INBOX", m, skip=[10]),
   "an expunge alone is seen")

# UIDVALIDITY: the folder is deleted and made again.
c = db()
old_validity = c.execute("SELECT uidvalidity FROM folders WHERE path = 'Work.Projects'").fetchone()[0]
c.close()
m.select("INBOX")
m.delete('"Work.Projects"')
m.create('"Work.Projects"')
for i in range(1, 3):
    m.append('"Work.Projects"', "()", None, message(200 + i))
ok(run(["sync", "bob"]).returncode == 0, "sync after the folder was made again")
c = db()
new_validity = c.execute("SELECT uidvalidity FROM folders WHERE path = 'Work.Projects'").fetchone()[0]
c.close()
subjects = sorted(s for s, _, _ in local_view("Work.Projects").values())
ok(new_validity != old_validity and subjects == ["Test 201 café", "Test 202 café"] and
   same_view("Work.Projects", m), "a new UIDVALIDITY drops and refetches the folder")

# Folders gone from the server go here too.
m.delete('"Archive"')
run(["sync", "bob"])
c = db()
paths = [r[0] for r in c.execute("SELECT path FROM folders").fetchall()]
c.close()
ok("Archive" not in paths and "INBOX" in paths, "a folder deleted on the server is removed locally")

# Offline period: bodies of the last 30 days are downloaded by a plain sync.
c = db()
account_id = c.execute("SELECT id FROM accounts").fetchone()[0]
c.close()
ini = os.path.join(tmp, "config", "pigeon", "engine.ini")
with open(ini) as f:
    settings = f.read()
with open(ini, "w") as f:
    f.write(settings.replace("[account %d]\n" % account_id, "[account %d]\noffline-days=30\n" % account_id))
recent = message(500, subject="Recent one").replace(b"Mon, 1 Jan 2024 10:20:00 +0000",
                                                     email.utils.formatdate().encode())
m.append("INBOX", "()", None, recent)
ok(run(["sync", "bob"]).returncode == 0, "sync with an offline period")
c = db()
with_body = [r[0] for r in c.execute("SELECT m.subject FROM bodies b JOIN messages m ON m.id = b.message_id")]
c.close()
ok(with_body == ["Recent one"], "only the recent message's body was downloaded (%s)" % with_body)

# Bodies, byte for byte.
ok(run(["sync", "bob", "--bodies"]).returncode == 0, "sync --bodies")
m.select("INBOX", readonly=True)
typ, data = m.uid("FETCH", "1:*", "(BODY.PEEK[])")
server = {int(item[0].decode().split("UID ")[1].split()[0]): item[1] for item in data if isinstance(item, tuple)}
c = db()
same = all(c.execute("SELECT b.raw FROM bodies b WHERE b.message_id = ?", (local_id("INBOX", uid),)).fetchone() ==
           (raw,) for uid, raw in server.items())
c.close()
ok(same and len(server) > 50, "bodies byte for byte equal to imaplib's BODY.PEEK[] (%d)" % len(server))

# Changes while the engine idles on the Inbox: new mail, a flag, an
# expunge, each seen in the store within seconds.
def wait_until(check, limit=10):
    start = time.monotonic()
    while time.monotonic() - start < limit:
        if check(local_view("INBOX")):
            return time.monotonic() - start
        time.sleep(0.1)
    return None


watch = subprocess.Popen([tool, "sync", "--watch"], env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True)
watch.stdin.write((e["PIGEON_TEST_PASSWORD_B"] + "\n") * 3)
watch.stdin.flush()
time.sleep(2)
m.append("INBOX", "()", None, message(300))
new_after = wait_until(lambda view: any(s.startswith("Test 300 ") for s, _, _ in view.values()))
m.select("INBOX")
m.uid("STORE", "12", "+FLAGS", "(\\Answered)")
flag_after = wait_until(lambda view: view.get(12, (0, 0, 0))[2] & ANSWERED)
m.uid("STORE", "13", "+FLAGS", "(\\Deleted)")
m.expunge()
expunge_after = wait_until(lambda view: 13 not in view)
# The server drops the session: the watch reconnects after its first
# delay (5 s) and sees the mail that came meanwhile.
subprocess.run(["doveadm", "-c", os.path.join(e["PIGEON_PEERS_DIR"], "dovecot", "dovecot.conf"), "kick",
                e["PIGEON_TEST_USER_B"]], capture_output=True, timeout=30)
m = imap()  # kicked too
m.append("INBOX", "()", None, message(301))
reconnect_after = wait_until(lambda view: any(s.startswith("Test 301 ") for s, _, _ in view.values()), 20)
watch.terminate()
out, err = watch.communicate(timeout=10)
times = (new_after, flag_after, expunge_after)
if None in times or reconnect_after is None:
    print("# watch: %s%s" % (out, err), flush=True)
ok(None not in times and max(times) < 5, "while idling, new mail, a flag and an expunge are seen (%s s)" %
   ", ".join("%.2f" % t if t is not None else "never" for t in times))
ok(reconnect_after is not None and "ended the session" in err,
   "after the server dropped the session, the watch reported it, reconnected and saw new mail (%.2f s)" %
   (reconnect_after or -1))

# Killed at any moment, a sync resumes: 1,200 messages (three batches),
# syncs killed at random points; what was stored is always the newest
# UIDs (newest first), and a full sync then matches imaplib.
m.create('"Bulk"')
for first in range(0, 1200, 300):
    multiappend(m, "Bulk", [message(1000 + i) for i in range(first, first + 300)])
m.select('"Bulk"', readonly=True)
all_uids = sorted(int(u) for u in m.uid("SEARCH", "ALL")[1][0].split())
rng = random.Random(int(e.get("PIGEON_KILL_SEED", "5")))
suffixes = True
counts = []
for k in range(8):
    proc = subprocess.Popen([tool, "sync", "bob"], env=env, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    proc.stdin.write((e["PIGEON_TEST_PASSWORD_B"] + "\n").encode())
    proc.stdin.close()
    time.sleep(0.08 * (k + 1) + rng.uniform(0, 0.08))
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    stored = sorted(local_view("Bulk"))
    counts.append(len(stored))
    suffixes = suffixes and stored == all_uids[len(all_uids) - len(stored):]
ok(suffixes, "killed syncs stored the newest UIDs first (stored after each kill: %s of %d)" % (counts, len(all_uids)))
c = db()
integrity = c.execute("PRAGMA integrity_check").fetchone()[0]
c.close()
ok(run(["sync", "bob"]).returncode == 0 and same_view("Bulk", m) and len(local_view("Bulk")) == 1200 and
   integrity == "ok", "after the kills a sync converges (integrity %s)" % integrity)

# Search on the server: only the matches of every word, not cached yet.
for i, subject in enumerate(("Quokka alpha", "Quokka beta", "Wombat alpha")):
    m.append('"Work"', "()", None, message(400 + i, subject=subject))
first = run(["search", "bob", "quokka alpha", "--server"])
after_first = sorted(s for s, _, _ in local_view("Work").values())
second = run(["search", "bob", "quokka", "--server"])
after_second = sorted(s for s, _, _ in local_view("Work").values())
ok(first.returncode == 0 and "1 message found" in first.stderr and "Quokka alpha" in first.stdout and
   after_first == ["Quokka alpha"] and "1 message found" in second.stderr and
   after_second == ["Quokka alpha", "Quokka beta"] and len(second.stdout.splitlines()) == 2,
   "search on the server fetches the matches of every word (%s, %s)" % (after_first, after_second))

m.logout()
sys.exit(0 if all(r for r, _ in results) else 1)
