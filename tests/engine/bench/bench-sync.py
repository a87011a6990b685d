#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
#
# bench-sync.py MODE PIGEON-TOOL COUNT [RUNS]: `pigeon-tool sync` against a
# reference measured in the same run, on the real Dovecot of pigeon-peers.
# The reference and Pigeon run interleaved RUNS times; medians are printed.
#   headers: a folder of COUNT small messages (100,000); Pigeon's first
#     sync into an empty store (headers only) against imaplib's
#     UID FETCH (UID FLAGS INTERNALDATE RFC822.SIZE ENVELOPE BODYSTRUCTURE
#     BODY.PEEK[HEADER.FIELDS (REFERENCES IN-REPLY-TO)]) in batches of
#     1,000, parsed into Python structures. Target: ratio <= 1.3.
#   bodies: an Inbox of COUNT messages (10,000) of a few kB; Pigeon's
#     `sync --bodies` into an empty store against mbsync (isync) pulling
#     the same to a Maildir, as shipped (an fsync per message) and with
#     FSync no. Target: ratio <= 1.0.
#   qresync: after a full sync of COUNT messages (10,000), imaplib flags 10
#     messages and expunges 5; Pigeon's incremental sync (QRESYNC) against
#     imaplib doing the same resync (login, ENABLE QRESYNC, EXAMINE with
#     QRESYNC, VANISHED and FETCH parsed), in turns. Target: <= 100 ms.
#     Also printed: where Pigeon's time goes (from its protocol log), a
#     sync with no change, and `pigeon-tool list` (process start and store
#     open, no network), so what the sync itself costs is visible.
# Figures for a report come from a release build (-Dbuildtype=release).

import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

sys.dont_write_bytecode = True  # nothing written into the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import benchlib  # noqa: E402
from benchlib import E, Pigeon, imap, median, table  # noqa: E402

SUMMARY = "(UID FLAGS INTERNALDATE RFC822.SIZE ENVELOPE BODYSTRUCTURE BODY.PEEK[HEADER.FIELDS (REFERENCES IN-REPLY-TO)])"


def imaplib_headers(folder, count):
    """The reference of "headers": seconds, and the messages parsed."""
    start = time.monotonic()
    m = imap("A")
    m.select(folder, readonly=True)
    parsed = 0
    for first in range(1, count + 1, 1000):
        typ, data = m.uid("FETCH", "%d:%d" % (first, min(first + 999, count)), SUMMARY)
        assert typ == "OK", typ
        for pieces in benchlib.split_fetch(data):
            msg = benchlib.parse_message(pieces)
            assert b"ENVELOPE" in msg and b"BODYSTRUCTURE" in msg and b"HEADERS" in msg, msg
            parsed += 1
    m.logout()
    return time.monotonic() - start, parsed


def imaplib_raw(folder):
    """Only the server's and the wire's part: one UID FETCH 1:*, unparsed."""
    start = time.monotonic()
    m = imap("A")
    m.select(folder, readonly=True)
    typ, data = m.uid("FETCH", "1:*", SUMMARY)
    assert typ == "OK"
    del data
    m.logout()
    return time.monotonic() - start


def bench_headers(tool, count, runs):
    print("filling Bench with %d messages: %.1f s" % (count, benchlib.fill_maildir("A", "Bench", count)), flush=True)
    imaplib_raw("Bench")  # Dovecot builds its cache of these fields once
    warm = Pigeon(tool, "A")
    warm.run(["sync", "bench"])
    warm.remove()
    ref, raw, pigeon = [], [], []
    for k in range(runs):
        seconds, parsed = imaplib_headers("Bench", count)
        assert parsed == count, parsed
        ref.append(seconds)
        raw.append(imaplib_raw("Bench"))
        p = Pigeon(tool, "A")
        pigeon.append(p.run(["sync", "bench"]))
        stored = p.count("Bench")
        p.remove()
        assert stored == count, "Pigeon stored %d of %d" % (stored, count)
        print("run %d: imaplib parsed %.2f s, raw %.2f s, Pigeon %.2f s" % (k + 1, ref[-1], raw[-1], pigeon[-1]),
              flush=True)
    print("messages: %d" % count)
    print(table("(ref) imaplib FETCH in batches, parsed", ref))
    print(table("(raw) imaplib UID FETCH 1:*, not parsed", raw))
    print(table("(pigeon) pigeon-tool sync, headers only", pigeon))
    print("ratio pigeon/ref: %.2f (target <= 1.3); pigeon/raw: %.2f"
          % (median(pigeon) / median(ref), median(pigeon) / median(raw)))


MBSYNC_RC = """\
FSync {fsync}

IMAPAccount bench
Host {host}
Port {port}
User {user}
Pass {password}
SSLType IMAPS
CertificateFile {ca}
SystemCertificates no
PipelineDepth 50

IMAPStore remote
Account bench

MaildirStore local
Path {dir}/mail/
Inbox {dir}/mail/INBOX
SubFolders Verbatim

Channel bench
Far :remote:
Near :local:
Patterns *
Create Near
Sync Pull
SyncState *
"""


def mbsync(count, fsync=True):
    tmp = tempfile.mkdtemp(prefix="pigeon-mbsync-")
    rc = os.path.join(tmp, "mbsyncrc")
    os.mkdir(os.path.join(tmp, "mail"))
    with open(rc, "w") as f:
        # mbsync 1.4 checks the certificate's DNS names only, not its IP
        # address: "localhost" (one of its names) resolves to the host.
        f.write(MBSYNC_RC.format(host="localhost", port=E["PIGEON_TEST_IMAPS_PORT"],
                                 user=E["PIGEON_TEST_USER_B"], password=E["PIGEON_TEST_PASSWORD_B"],
                                 ca=E["PIGEON_TEST_CA"], dir=tmp, fsync="yes" if fsync else "no"))
    start = time.monotonic()
    p = subprocess.run(["mbsync", "-q", "-c", rc, "-a"], capture_output=True, text=True, timeout=1200,
                       env=dict(E, HOME=tmp))
    elapsed = time.monotonic() - start
    if p.returncode != 0:
        raise SystemExit("mbsync failed (%d): %s%s" % (p.returncode, p.stdout, p.stderr))
    got = sum(len(os.listdir(os.path.join(tmp, "mail", "INBOX", sub))) for sub in ("cur", "new"))
    shutil.rmtree(tmp, ignore_errors=True)
    assert got == count, "mbsync fetched %d of %d" % (got, count)
    return elapsed


def bench_bodies(tool, count, runs):
    if shutil.which("mbsync") is None:
        raise SystemExit("mbsync is missing: install Debian's isync (build-aux/packages.sh, BENCH_PACKAGES)")
    print("filling INBOX with %d messages: %.1f s" % (count, benchlib.fill_maildir("B", "INBOX", count, 3000)),
          flush=True)
    mbsync(count)  # Dovecot reads every file once
    ref, nosync, pigeon = [], [], []
    for k in range(runs):
        ref.append(mbsync(count))
        nosync.append(mbsync(count, fsync=False))
        p = Pigeon(tool, "B")
        pigeon.append(p.run(["sync", "bench", "--bodies"]))
        stored = p.count("INBOX", with_bodies=True)
        p.remove()
        assert stored == count, "Pigeon stored %d bodies of %d" % (stored, count)
        print("run %d: mbsync %.2f s (FSync no %.2f s), Pigeon %.2f s" % (k + 1, ref[-1], nosync[-1], pigeon[-1]),
              flush=True)
    print("messages: %d" % count)
    print(table("(ref) mbsync to a Maildir (as shipped)", ref))
    print(table("(nosync) mbsync with FSync no", nosync))
    print(table("(pigeon) pigeon-tool sync --bodies", pigeon))
    print("ratio pigeon/ref: %.2f (target <= 1.0); pigeon/nosync: %.2f"
          % (median(pigeon) / median(ref), median(pigeon) / median(nosync)))


def change_on_server(round_):
    """10 flag changes and 5 expunges, another client's; returns the UIDs
    expunged."""
    m = imap("B")
    m.select("INBOX")
    uids = [int(u) for u in m.uid("SEARCH", "ALL")[1][0].split()]
    base = 20 * round_
    flagged = uids[base:base + 10]
    gone = uids[base + 10:base + 15]
    m.uid("STORE", ",".join(map(str, flagged)), "+FLAGS", "(\\Flagged)")
    m.uid("STORE", ",".join(map(str, gone)), "+FLAGS.SILENT", "(\\Deleted)")
    m.uid("EXPUNGE", ",".join(map(str, gone)))
    m.logout()
    return flagged, gone


SERVER_TIME = re.compile(r"(?:Examine|Select) completed \((\d+\.\d+) \+")


class Resync:
    """The reference: what an incremental QRESYNC resync costs a bare
    imaplib client (connection, TLS, login, ENABLE, EXAMINE with QRESYNC as
    Pigeon does, its VANISHED and FETCH responses parsed)."""

    def __init__(self):
        m = imap("B")
        m._simple_command("ENABLE", "QRESYNC")
        typ, data = m._simple_command("SELECT", "INBOX")
        self.validity = int(m.response("UIDVALIDITY")[1][0])
        self.modseq = int(re.search(rb"HIGHESTMODSEQ (\d+)", b" ".join(
            d for d in m.untagged_responses.get("OK", []) if d)).group(1))
        m.logout()

    def run(self):
        """Returns (seconds, Dovecot's own seconds for the EXAMINE, VANISHED,
        the FETCH responses parsed)."""
        start = time.monotonic()
        m = imap("B")
        m._simple_command("ENABLE", "QRESYNC")
        typ, done = m._simple_command("EXAMINE", "INBOX (QRESYNC (%d %d))" % (self.validity, self.modseq))
        assert typ == "OK"
        vanished = m.untagged_responses.pop("VANISHED", [])
        fetched = [benchlib.parse_message(p) for p in benchlib.split_fetch(m.untagged_responses.pop("FETCH", []))]
        modseq = re.search(rb"HIGHESTMODSEQ (\d+)", b" ".join(d for d in m.untagged_responses.get("OK", []) if d))
        m.shutdown()  # no LOGOUT: imaplib refuses commands after a READ-ONLY
        elapsed = time.monotonic() - start
        self.modseq = int(modseq.group(1))
        return elapsed, float(SERVER_TIME.search(done[-1].decode()).group(1)), vanished, fetched


def clock(line):
    """Seconds of the day of a GLib debug line's "HH:MM:SS.mmm: " stamp."""
    h, mi, sec = re.search(r"(\d\d):(\d\d):(\d\d\.\d\d\d): ", line).groups()
    return int(h) * 3600 + int(mi) * 60 + float(sec)


def pigeon_traced(p):
    """A sync of @p with the engine's protocol log (a few dozen lines):
    returns seconds in total, then from the start to the connection, TLS
    and login up to the EXAMINE, Dovecot's own time for the EXAMINE, and
    from the EXAMINE's end to the process's exit."""
    now = time.time()
    day = now - time.mktime(time.localtime(now)[:3] + (0, 0, 0, 0, 0, -1))
    p.env["G_MESSAGES_DEBUG"] = "pigeon-engine"
    proc = subprocess.run([p.tool, "sync", "bench"], env=p.env, input=E["PIGEON_TEST_PASSWORD_B"] + "\n",
                          capture_output=True, text=True, timeout=120)
    total = time.time() - now
    del p.env["G_MESSAGES_DEBUG"]
    assert proc.returncode == 0, proc.stderr
    lines = (proc.stdout + proc.stderr).splitlines()
    connected = next(clock(line) for line in lines if line.endswith("* connected"))
    examine = next(clock(line) for line in lines if re.search(r" C: \S+ EXAMINE ", line))
    done = next(line for line in lines if SERVER_TIME.search(line))
    return (total, connected - day, examine - connected, float(SERVER_TIME.search(done).group(1)),
            day + total - clock(done))


def bench_qresync(tool, count, runs):
    print("filling INBOX with %d messages: %.1f s" % (count, benchlib.fill_maildir("B", "INBOX", count, 200)),
          flush=True)
    p = Pigeon(tool, "B")
    print("full sync: %.2f s" % p.run(["sync", "bench", "--bodies"]), flush=True)
    resync = Resync()
    ref, ref_server, pigeon, parts, idle, start_only = [], [], [], [], [], []
    for k in range(runs):
        flagged, gone = change_on_server(k)
        # The first to open the folder after another client's expunges
        # waits for Dovecot to bring its Maildir index up to date (seen:
        # 0.05-0.6 s of Dovecot's own EXAMINE time for 10,000 files on a
        # loaded machine), so the two take turns at being first.
        order = ("ref", "pigeon") if k % 2 == 0 else ("pigeon", "ref")
        for who in order:
            if who == "ref":
                seconds, server, vanished, fetched = resync.run()
                assert vanished and len(fetched) >= len(flagged), (vanished, len(fetched))
                ref.append(seconds)
                ref_server.append(server)
            else:
                traced = pigeon_traced(p)
                pigeon.append(traced[0])
                parts.append(traced[1:])
        c = p.db()
        rows = c.execute("SELECT l.uid, m.flags FROM message_locations l JOIN messages m ON m.id = l.message_id "
                         "JOIN folders f ON f.id = l.folder_id WHERE f.path = 'INBOX'").fetchall()
        c.close()
        flags = dict(rows)
        assert not any(u in flags for u in gone), "an expunged message is still here"
        assert all(flags[u] & 4 for u in flagged), "a flag change was missed"
        idle.append(p.run(["sync", "bench"]))
        start_only.append(p.run(["list", "bench", "INBOX", "--limit", "1"]))
        print("run %d: imaplib %.3f s (Dovecot's EXAMINE %.3f s), Pigeon %.3f s (start to connect %.3f, TLS and "
              "login to EXAMINE %.3f, Dovecot's EXAMINE %.3f, after it %.3f; no change %.3f s, list %.3f s)"
              % ((k + 1, ref[-1], ref_server[-1], pigeon[-1]) + parts[-1] + (idle[-1], start_only[-1])), flush=True)
    print("messages: %d; per run 10 flag changes and 5 expunges" % count)
    print(table("(ref) imaplib QRESYNC resync, parsed", ref))
    print(table("(pigeon) pigeon-tool sync, incremental", pigeon))
    for i, label in enumerate(("  start, store open, to connect", "  TLS, login, LIST to EXAMINE",
                               "  Dovecot's own EXAMINE time", "  after the EXAMINE to exit")):
        print(table(label, [part[i] for part in parts]))
    print(table("pigeon-tool sync, nothing changed", idle))
    print(table("pigeon-tool list (start, store open)", start_only))
    print(table("Dovecot's EXAMINE time for imaplib", ref_server))
    print("incremental sync: %.0f ms (target <= 100 ms); minus process start and store open: %.0f ms; "
          "ratio pigeon/ref: %.2f" % (1000 * median(pigeon), 1000 * (median(pigeon) - median(start_only)),
                                      median(pigeon) / median(ref)))
    p.remove()


def main():
    mode, tool, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
    runs = int(sys.argv[4]) if len(sys.argv) > 4 else 3
    {"headers": bench_headers, "bodies": bench_bodies, "qresync": bench_qresync}[mode](tool, count, runs)


if __name__ == "__main__":
    main()
