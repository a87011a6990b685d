#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""pigeon-tool imap-list and imap-fetch (--headers, --uid) against the real Dovecot of
tests/peers: the folder rows, a message byte for byte that stays unread,
no password in --log, and a one-line failure for a missing UID.

Usage (under pigeon-peers run): test-imap-verbs.py PIGEON_TOOL"""

import imaplib
import os
import ssl
import subprocess
import sys
import tempfile

MESSAGE = b'Subject: imap verbs\r\nFrom: alice@pigeon.test\r\n\r\nHello over IMAP.\r\n'


def main(tool):
    env = os.environ
    password = env['PIGEON_TEST_PASSWORD_B']
    context = ssl.create_default_context(cafile=env['PIGEON_TEST_CA'])
    imap = imaplib.IMAP4_SSL('127.0.0.1', int(env['PIGEON_TEST_IMAPS_PORT']), ssl_context=context)
    imap.login(env['PIGEON_TEST_USER_B'], password)
    imap.append('INBOX', None, None, MESSAGE)

    with tempfile.TemporaryDirectory() as scratch:
        password_file = os.path.join(scratch, 'password')
        with open(password_file, 'w') as f:
            f.write(password)
        connection = ['--host', 'localhost', '--port', env['PIGEON_TEST_IMAP_PORT'], '--security', 'starttls',
                      '--ca-file', env['PIGEON_TEST_CA'], '--user', env['PIGEON_TEST_USER_B'],
                      '--password-file', password_file]
        checks = []

        listed = subprocess.run([tool, 'imap-list', '--log'] + connection, capture_output=True)
        checks.append(('imap-list prints INBOX with its role and counts',
                       listed.returncode == 0 and b'INBOX\tinbox\t1\t1\n' in listed.stdout))
        checks.append(('--log shows the exchange, never the password',
                       b'C: ' in listed.stderr and password.encode() not in listed.stderr))

        output = os.path.join(scratch, 'message.eml')
        fetched = subprocess.run([tool, 'imap-fetch'] + connection + ['INBOX', '--uid', '1', '--output', output],
                                 capture_output=True)
        checks.append(('imap-fetch writes the message byte for byte',
                       fetched.returncode == 0 and open(output, 'rb').read() == MESSAGE))
        summary = subprocess.run([tool, 'imap-fetch'] + connection + ['INBOX', '--headers'], capture_output=True)
        # The flags column may hold \Recent, which is the server's to decide.
        fields = summary.stdout.rstrip(b'\n').split(b'\t')
        checks.append(('imap-fetch --headers prints a line per message',
                       summary.returncode == 0 and summary.stdout.count(b'\n') == 1 and len(fields) == 5
                       and fields[:2] == [b'1', b'%d' % len(MESSAGE)] and b'\\Seen' not in fields[2]
                       and fields[3:] == [b'alice@pigeon.test', b'imap verbs']))
        imap.select('INBOX', readonly=True)
        flags = imap.fetch('1', '(FLAGS)')[1][0]
        checks.append(('the fetched message stays unread', b'\\Seen' not in flags))

        missing = subprocess.run([tool, 'imap-fetch'] + connection + ['INBOX', '--uid', '99', '--output', output],
                                 capture_output=True)
        checks.append(('a missing UID fails with one line',
                       missing.returncode == 1 and missing.stderr.count(b'\n') == 1))

    print(f'1..{len(checks)}')
    failed = 0
    for number, (name, ok) in enumerate(checks, 1):
        print(f'{"ok" if ok else "not ok"} {number} {name}')
        failed += not ok
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1]))
