#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Sends COUNT small messages through the peers' Exim (implicit TLS, AUTH
# PLAIN) three ways, in one run, and prints the times and the ratio:
#   - Pigeon: one PigeonSmtpSession, pipelined (bench-smtp-send);
#   - Python's smtplib reusing one session: the server's own pace;
#   - msmtp, one process per message, as sendmail-style tools do.
# Target: Pigeon <= 1.2 x smtplib. Run under tests/peers/pigeon-peers.
#
#   bench-smtp.py BENCH_EXE [COUNT]

import os
import shutil
import smtplib
import ssl
import subprocess
import sys
import time

env = os.environ


def message(tag, i):
    return ("From: %s\r\nTo: %s\r\nSubject: bench %d\r\nMessage-ID: <bench-%s-%d@pigeon.test>\r\n\r\n"
            "A small message, number %d.\r\n" % (env["PIGEON_TEST_USER_A"], env["PIGEON_TEST_USER_B"], i, tag, i, i))


def run_pigeon(exe, count):
    start = time.monotonic()
    subprocess.run([exe, str(count)], check=True, stdout=subprocess.DEVNULL)
    return time.monotonic() - start


def run_smtplib(count):
    start = time.monotonic()
    context = ssl.create_default_context(cafile=env["PIGEON_TEST_CA"])
    with smtplib.SMTP_SSL(env["PIGEON_TEST_HOST"], int(env["PIGEON_TEST_SMTPS_PORT"]), context=context) as s:
        s.login(env["PIGEON_TEST_USER_A"], env["PIGEON_TEST_PASSWORD_A"])
        for i in range(count):
            s.sendmail(env["PIGEON_TEST_USER_A"], [env["PIGEON_TEST_USER_B"]], message("smtplib", i))
    return time.monotonic() - start


def run_msmtp(count):
    msmtp = shutil.which("msmtp")
    if msmtp is None:
        return None
    args = [msmtp, "--host", env["PIGEON_TEST_HOST"], "--port", env["PIGEON_TEST_SMTPS_PORT"], "--tls=on",
            "--tls-starttls=off", "--tls-trust-file", env["PIGEON_TEST_CA"], "--auth=plain",
            "--user", env["PIGEON_TEST_USER_A"], "--passwordeval", "echo " + env["PIGEON_TEST_PASSWORD_A"],
            "--from", env["PIGEON_TEST_USER_A"], "--", env["PIGEON_TEST_USER_B"]]
    start = time.monotonic()
    for i in range(count):
        subprocess.run(args, input=message("msmtp", i).encode(), check=True)
    return time.monotonic() - start


def main():
    exe = sys.argv[1]
    count = int(sys.argv[2]) if len(sys.argv) > 2 else 1000
    # Warm Exim up once. The server's pace drifts as the mailbox grows and
    # deliveries pile up, so the two session senders run in ABBA order and
    # each is the sum of its two runs.
    run_pigeon(exe, 5)
    smtp = run_smtplib(count)
    pigeon = run_pigeon(exe, count)
    pigeon += run_pigeon(exe, count)
    smtp += run_smtplib(count)
    msmtp = run_msmtp(count)
    print("messages per run:      %d" % count)
    print("pigeon (pipelined):    %.2f s per run" % (pigeon / 2))
    print("smtplib (one session): %.2f s per run" % (smtp / 2))
    print("msmtp (per message):   %s" % ("%.2f s" % msmtp if msmtp is not None else "not installed"))
    print("ratio pigeon/smtplib:  %.2f (target <= 1.2)" % (pigeon / smtp))
    if msmtp is not None:
        print("ratio pigeon/msmtp:    %.2f" % (pigeon / 2 / msmtp))


if __name__ == "__main__":
    main()
