#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Checks, with Python's imaplib (an independent client), what the composer
sent through Exim: Bob's INBOX has the message with SUBJECT, its attachments
are the FILES byte for byte, and no Bcc field travelled; Alice, the Bcc
recipient, got her copy. Usage: check-delivery.py SUBJECT FILE..."""

import email
import email.policy
import imaplib
import os
import ssl
import sys
import time


def fetch(user, password, subject):
    env = os.environ
    context = ssl.create_default_context(cafile=env["PIGEON_TEST_CA"])
    deadline = time.monotonic() + 20
    while True:
        imap = imaplib.IMAP4_SSL(env["PIGEON_TEST_HOST"], int(env["PIGEON_TEST_IMAPS_PORT"]), ssl_context=context)
        imap.login(user, password)
        imap.select("INBOX", readonly=True)
        _, found = imap.search(None, "SUBJECT", '"%s"' % subject)
        ids = found[0].split()
        if ids:
            _, data = imap.fetch(ids[-1], "(BODY.PEEK[])")
            imap.logout()
            return data[0][1]
        imap.logout()
        if time.monotonic() > deadline:
            sys.exit("%s got no message with subject %r" % (user, subject))
        time.sleep(0.2)


def main():
    env = os.environ
    subject, paths = sys.argv[1], sys.argv[2:]
    raw = fetch(env["PIGEON_TEST_USER_B"], env["PIGEON_TEST_PASSWORD_B"], subject)
    message = email.message_from_bytes(raw, policy=email.policy.default)
    if message["Bcc"] is not None or b"\nBcc:" in raw or raw.startswith(b"Bcc:"):
        sys.exit("the Bcc field travelled")
    attachments = {part.get_filename(): part.get_payload(decode=True) for part in message.iter_attachments()}
    for path in paths:
        name = os.path.basename(path)
        with open(path, "rb") as f:
            expected = f.read()
        if attachments.get(name) != expected:
            sys.exit("attachment %s differs (%s bytes received, %d sent)"
                     % (name, len(attachments.get(name) or b""), len(expected)))
    if len(attachments) != len(paths):
        sys.exit("%d attachments, %d expected" % (len(attachments), len(paths)))
    fetch(env["PIGEON_TEST_USER_A"], env["PIGEON_TEST_PASSWORD_A"], subject)
    print("delivered: %d attachments byte for byte, no Bcc field, Bcc copy received" % len(paths))


main()
