#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
#
# pigeon-tool end to end against the real Exim and Dovecot of pigeon-peers
# (TAP): Alice sends to Bob through the MTA with an attachment; Bob's POP3
# account downloads it, byte for byte, in "leave" mode (never twice, still
# on the server) and in "delete" mode (gone from the server after the
# commit); send and outbox flush are killed with SIGKILL at random points
# and the outbox loses nothing; the test passwords appear in no file under
# the XDG directories and in no output.
#
# Usage: test-engine-peers.py PIGEON-TOOL [KILLS]

import os
import poplib
import random
import signal
import sqlite3
import ssl
import subprocess
import sys
import tempfile
import time

tool = sys.argv[1]
kills = int(sys.argv[2]) if len(sys.argv) > 2 else 25
e = os.environ
tmp = tempfile.mkdtemp(prefix="pigeon-engine-")
env = dict(e)
env.update(XDG_DATA_HOME=tmp + "/data", XDG_CONFIG_HOME=tmp + "/config", XDG_CACHE_HOME=tmp + "/cache",
           PIGEON_SECRET_SERVICE="0", G_DEBUG="")
logs = []
results = []


def ok(cond, name):
    results.append((bool(cond), name))
    print(("ok" if cond else "not ok") + " %d - %s" % (len(results), name), flush=True)


def run(args, password=None, check=True):
    p = subprocess.run([tool] + args, env=env, input=(password + "\n") * 3 if password else "",
                       capture_output=True, text=True, timeout=120)
    logs.append(p.stdout + p.stderr)
    if check and p.returncode != 0:
        print("# %s -> %d\n# %s%s" % (args, p.returncode, p.stdout, p.stderr), flush=True)
    return p


def pop3_count(user, password):
    ctx = ssl.create_default_context(cafile=e["PIGEON_TEST_CA"])
    m = poplib.POP3_SSL(e["PIGEON_TEST_HOST"], int(e["PIGEON_TEST_POP3S_PORT"]), context=ctx)
    m.user(user)
    m.pass_(password)
    n = len(m.uidl()[1])
    subjects = []
    for i in range(1, n + 1):
        for line in m.top(i, 0)[1]:
            if line.lower().startswith(b"subject:"):
                subjects.append(line[8:].strip().decode())
    m.quit()
    return n, subjects


def wait_for(user, password, count):
    for _ in range(100):
        n, subjects = pop3_count(user, password)
        if n >= count:
            return n, subjects
        time.sleep(0.1)
    return pop3_count(user, password)


host = e["PIGEON_TEST_HOST"]
pa, pb = e["PIGEON_TEST_PASSWORD_A"], e["PIGEON_TEST_PASSWORD_B"]
ua, ub = e["PIGEON_TEST_USER_A"], e["PIGEON_TEST_USER_B"]
for name, secret in (("pa", pa), ("pb", pb)):
    with open(os.path.join(tmp, name), "w") as f:
        f.write(secret)
smtp = "%s:%s" % (host, e["PIGEON_TEST_SMTPS_PORT"])

print("1..16", flush=True)
ok(run(["account", "add", "alice", "--address", ua, "--imap", "%s:%s" % (host, e["PIGEON_TEST_IMAPS_PORT"]),
        "--smtp", smtp, "--password-file", tmp + "/pa", "--ca-file", e["PIGEON_TEST_CA"]]).returncode == 0,
   "account add alice (IMAP)")
ok(run(["account", "add", "bob", "--address", ub, "--pop3", "%s:%s" % (host, e["PIGEON_TEST_POP3S_PORT"]),
        "--smtp", smtp, "--password-file", tmp + "/pb", "--ca-file", e["PIGEON_TEST_CA"]]).returncode == 0,
   "account add bob (POP3, leave on server)")
ok(run(["account", "test", "bob"], pb).returncode == 0, "account test bob")

body = os.path.join(tmp, "body.txt")
with open(body, "w") as f:
    f.write("Hello Bob,\nsee the attachment.\n")
attachment = os.path.join(tmp, "data.bin")
with open(attachment, "wb") as f:
    f.write(os.urandom(70000))
p = run(["send", "alice", "--to", ub, "--subject", "First", "--body-file", body, "--attach", attachment], pa)
ok(p.returncode == 0, "send alice -> bob through Exim")
wait_for(ub, pb, 1)

ok(run(["sync", "bob"], pb).returncode == 0, "sync bob")
ok(run(["sync", "bob"], pb).returncode == 0, "sync bob again")
listing = run(["list", "bob", "INBOX"]).stdout.splitlines()
ok(len(listing) == 1 and "First" in listing[0], "bob's Inbox has the message once")
msg_id = listing[0].split("\t")[0] if listing else "0"
out = os.path.join(tmp, "out")
os.mkdir(out)
shown = run(["show", "bob", "INBOX", msg_id, "--save-attachments", out])
with open(attachment, "rb") as a, open(os.path.join(out, "data.bin"), "rb") as b:
    ok(a.read() == b.read() and "see the attachment" in shown.stdout, "show: text, attachment byte for byte")
ok(pop3_count(ub, pb)[0] == 1, "leave mode: the message is still on the server")
ok(run(["sync", "no-such-account"], check=False).returncode != 0 and run(["sync", "alice"], pa).returncode == 0,
   "sync of an unknown account fails, alice's IMAP sync works")

# Delete mode: a second account for Bob's maildrop.
ok(run(["account", "add", "bob-del", "--address", ub, "--pop3", "%s:%s" % (host, e["PIGEON_TEST_POP3S_PORT"]),
        "--smtp", smtp, "--pop3-mode", "delete", "--password-file", tmp + "/pb",
        "--ca-file", e["PIGEON_TEST_CA"]]).returncode == 0 and
   run(["sync", "bob-del"], pb).returncode == 0, "sync in delete mode")
ok(pop3_count(ub, pb)[0] == 0 and len(run(["list", "bob-del", "INBOX"]).stdout.splitlines()) == 1,
   "delete mode: stored once, then deleted on the server")

# Kill test: send and flush killed at random points.
rng = random.Random(int(e.get("PIGEON_KILL_SEED", "7")))
subjects = []
unconfirmed = 0
for i in range(kills):
    subject = "Kill %d" % i
    subjects.append(subject)
    args = ["send", "alice", "--to", ub, "--subject", subject, "--body-file", body] if rng.random() < 0.7 \
        else ["outbox", "flush"]
    if args[0] == "outbox":
        run(["send", "alice", "--queue-only", "--to", ub, "--subject", subject, "--body-file", body], pa)
    proc = subprocess.Popen([tool] + args, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL)
    proc.stdin.write((pa + "\n").encode())
    proc.stdin.close()
    time.sleep(rng.uniform(0, 0.25))
    proc.send_signal(signal.SIGKILL)
    printed = proc.stdout.read().decode()
    proc.wait()
    # A send killed before "Queued" never had its message accepted.
    if args[0] == "send" and "Queued" not in printed:
        subjects.pop()
        unconfirmed += 1
queued = run(["outbox", "list"]).stdout
flushed = run(["outbox", "flush"], pa)
ok(flushed.returncode == 0 and run(["outbox", "list"]).stdout.strip() == "", "after the kills the outbox drains")
for _ in range(100):
    n, got = pop3_count(ub, pb)
    if all(s in got for s in subjects):
        break
    time.sleep(0.1)
missing = [s for s in subjects if s not in got]
got = [s for s in got if s.startswith("Kill")]
dups = len(got) - len(set(got))
print("# %d killed before queueing (not counted)" % unconfirmed)
print("# %d kills, %d messages arrived, %d duplicates (SMTP's own window)" % (kills, len(got), dups), flush=True)
ok(not missing, "no message lost (missing: %s)" % missing)
db = sqlite3.connect(os.path.join(tmp, "data", "pigeon", "pigeon.db"))
ok(db.execute("PRAGMA integrity_check").fetchone()[0] == "ok", "integrity_check ok")
db.close()

# Secrets: no password in any file under the XDG dirs, nor in any output.
leaks = []
for root, _, files in os.walk(tmp):
    for name in files:
        path = os.path.join(root, name)
        if name in ("pa", "pb"):
            continue
        with open(path, "rb") as f:
            data = f.read()
        if pa.encode() in data or pb.encode() in data:
            leaks.append(path)
leaks += ["output %d" % i for i, text in enumerate(logs) if pa in text or pb in text]
ok(not leaks, "no password on disk or in the output (%s)" % leaks)
sys.exit(0 if all(r for r, _ in results) else 1)
