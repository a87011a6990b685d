#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
#
# The command line of pigeon-tool: exit statuses, one-line reasons for bad
# input, extract, build (read back with tree) and scan over an mbox, a
# Maildir and plain files. Prints TAP.

import hashlib
import json
import pathlib
import shutil
import subprocess
import sys
import tempfile
import traceback

TOOL = sys.argv[1]
DATA = pathlib.Path(sys.argv[2])
TESTS = []


def test(function):
    TESTS.append(function)
    return function


def run(*args, status=0, stdin=None):
    result = subprocess.run([TOOL, *map(str, args)], capture_output=True, timeout=60, input=stdin)
    assert result.returncode == status, (
        f'{args}: exit {result.returncode}, expected {status}; stderr: {result.stderr!r}')
    return result


def one_line_reason(result, *words):
    lines = result.stderr.decode().splitlines()
    assert len(lines) == 1, f'expected one line on stderr, got {lines!r}'
    for word in words:
        assert word in lines[0], f'{word!r} not in {lines[0]!r}'


@test
def version_and_help(tmp):
    assert run('--version').stdout.startswith(b'pigeon-tool ')
    assert b'mime' in run('--help').stdout
    for verb in ('tree', 'scan', 'extract', 'build'):
        assert verb.encode() in run('mime', '--help').stdout
        assert b'Usage:' in run('mime', verb, '--help').stdout
    one_line_reason(run('nonsense', status=2), 'nonsense')
    one_line_reason(run('mime', 'nonsense', status=2), 'nonsense')
    one_line_reason(run('mime', 'tree', '--bogus', status=2), '--bogus')
    one_line_reason(run('mime', 'tree', status=2))
    one_line_reason(run('mime', 'tree', '--max-headers', 'lots', DATA / 'plain.eml', status=2), 'lots')


@test
def tree_bad_files(tmp):
    one_line_reason(run('mime', 'tree', tmp / 'absent.eml', status=1), 'absent.eml')
    one_line_reason(run('mime', 'tree', tmp, status=1), str(tmp))
    unreadable = tmp / 'unreadable.eml'
    unreadable.write_bytes(b'Subject: x\n\nx\n')
    unreadable.chmod(0)
    try:
        # root reads everything: only check the reason when the file is closed to us.
        result = subprocess.run([TOOL, 'mime', 'tree', str(unreadable)], capture_output=True)
        if result.returncode != 0:
            one_line_reason(result, 'unreadable.eml')
    finally:
        unreadable.chmod(0o600)


@test
def tree_of_odd_input(tmp):
    for name, data in (('empty', b''), ('binary', bytes(range(256)) * 4), ('no-body', b'Subject: only\n'),
                       ('nul', b'Subject: a\0b\n\n\0\0\n')):
        path = tmp / f'{name}.eml'
        path.write_bytes(data)
        tree = json.loads(run('mime', 'tree', path).stdout)
        assert 'root' in tree and tree['root']['content_type'], name


@test
def tree_limits(tmp):
    path = tmp / 'many-headers.eml'
    path.write_bytes(b''.join(b'X-H%d: v\n' % i for i in range(50)) + b'Subject: late\n\nbody\n')
    assert json.loads(run('mime', 'tree', path).stdout)['subject'] == 'late'
    assert json.loads(run('mime', 'tree', '--max-headers', '10', path).stdout)['subject'] is None


@test
def extract(tmp):
    eml = DATA / 'mixed-attachment.eml'
    expected = json.loads((DATA / 'mixed-attachment.json').read_text())
    out = tmp / 'report.pdf'
    run('mime', 'extract', eml, '--part', '2', '--output', out)
    assert hashlib.sha256(out.read_bytes()).hexdigest() == expected['root']['parts'][1]['sha256']
    text = run('mime', 'extract', eml, '--part', '1', '--output', '-').stdout
    assert hashlib.sha256(text).hexdigest() == expected['root']['parts'][0]['sha256']
    nested = run('mime', 'extract', DATA / 'nested-rfc822.eml', '-p', '2.2', '-o', '-').stdout
    assert nested == '<b>Grüße</b>\n'.encode()
    one_line_reason(run('mime', 'extract', eml, '--part', '3', '--output', out, status=1), 'part 3')
    one_line_reason(run('mime', 'extract', eml, '--part', '1.7', '--output', out, status=1), 'part 1.7')
    one_line_reason(run('mime', 'extract', eml, '--part', '1', status=2), '--output')
    one_line_reason(run('mime', 'extract', eml, '--part', '1', '--output', tmp / 'no' / 'dir', status=1), 'dir')


@test
def build_and_read_back(tmp):
    (tmp / 'body.txt').write_text('Hello Zoë,\nsee the attachment.\n')
    (tmp / 'body.html').write_text('<p>Hello Zoë</p>\n')
    blob = bytes(range(256)) * 40
    (tmp / 'data.bin').write_bytes(blob)
    built = run('mime', 'build', '--from', 'Ann Example <ann@example.org>', '--to', 'zoe@example.com',
                '--to', 'Bob <bob@example.com>, carl@example.com', '--cc', 'Dee <dee@example.net>',
                '--bcc', 'secret@example.org', '--subject', 'Grüße — hello', '--body', tmp / 'body.txt',
                '--html', tmp / 'body.html', '--attach', tmp / 'data.bin').stdout
    assert b'secret@example.org' not in built
    assert all(byte < 128 for byte in built), 'the message is not 7-bit'
    (tmp / 'built.eml').write_bytes(built)
    tree = json.loads(run('mime', 'tree', tmp / 'built.eml').stdout)
    assert tree['subject'] == 'Grüße — hello'
    assert tree['from'] == [{'name': 'Ann Example', 'address': 'ann@example.org'}]
    assert [a['address'] for a in tree['to']] == ['zoe@example.com', 'bob@example.com', 'carl@example.com']
    assert tree['cc'] == [{'name': 'Dee', 'address': 'dee@example.net'}]
    assert tree['message_id'] and tree['date']
    root = tree['root']
    assert root['content_type'] == 'multipart/mixed'
    alternative, attachment = root['parts']
    assert [p['content_type'] for p in alternative['parts']] == ['text/plain', 'text/html']
    assert alternative['parts'][0]['text'].replace('\r\n', '\n') == 'Hello Zoë,\nsee the attachment.\n'
    assert attachment['filename'] == 'data.bin'
    assert attachment['sha256'] == hashlib.sha256(blob).hexdigest()


@test
def build_bad_input(tmp):
    (tmp / 'body.txt').write_text('Hi\n')
    base = ['mime', 'build', '--subject', 'S', '--body', tmp / 'body.txt']
    one_line_reason(run(*base, '--from', 'a@example.org', '--to', 'not an address', status=1), 'not an address')
    one_line_reason(run(*base, '--from', 'a@', '--to', 'b@example.org', status=1), 'a@')
    one_line_reason(run(*base, '--from', 'a@example.org, b@example.org', '--to', 'c@example.org', status=1), '--from')
    one_line_reason(run(*base, '--from', 'a@example.org', '--to', 'b@example.org', '--attach', tmp / 'gone.bin',
                        status=1), 'gone.bin')
    one_line_reason(run('mime', 'build', '--from', 'a@example.org', '--to', 'b@example.org', '--subject', 'S',
                        '--body', tmp / 'missing.txt', status=1), 'missing.txt')
    (tmp / 'latin1.txt').write_bytes(b'caf\xe9\n')
    one_line_reason(run('mime', 'build', '--from', 'a@example.org', '--to', 'b@example.org', '--subject', 'S',
                        '--body', tmp / 'latin1.txt', status=1), 'latin1.txt')
    one_line_reason(run('mime', 'build', '--from', 'a@example.org', '--subject', 'S', status=2), '--body')


def make_mbox(path, fixtures):
    with open(path, 'wb') as mbox:
        for eml in fixtures:
            data = eml.read_bytes().replace(b'\r\n', b'\n')
            lines = [b'>' + line if line.lstrip(b'>').startswith(b'From ') else line
                     for line in data.split(b'\n')]
            mbox.write(b'From MAILER-DAEMON Thu Jan  1 00:00:00 2026\n' + b'\n'.join(lines).rstrip(b'\n') + b'\n\n')


def scan_lines(*paths, status=0):
    result = run('mime', 'scan', *paths, status=status)
    summary = result.stderr.decode().splitlines()[-1]
    return [line.split('\t') for line in result.stdout.decode().splitlines()], summary


@test
def scan_archives(tmp):
    fixtures = sorted(DATA.glob('*.eml'))
    make_mbox(tmp / 'all.mbox', fixtures)
    for sub in ('cur', 'new', 'tmp'):
        (tmp / 'Maildir' / sub).mkdir(parents=True)
    for number, eml in enumerate(fixtures):
        shutil.copy(eml, tmp / 'Maildir' / ('cur' if number % 2 else 'new') / f'{number:03d}.host:2,S')
    shutil.copy(fixtures[0], tmp / 'Maildir' / 'tmp' / 'partial')

    mbox_lines, summary = scan_lines(tmp / 'all.mbox')
    assert len(mbox_lines) == len(fixtures), mbox_lines
    assert summary.startswith(f'{len(fixtures)} messages'), summary
    assert 'MB/s' in summary
    maildir_lines, _ = scan_lines(tmp / 'Maildir')
    assert sorted(map(tuple, maildir_lines)) == sorted(map(tuple, mbox_lines))
    expected = {json.loads(e.with_suffix('.json').read_text())['subject'] or '' for e in fixtures}
    assert {line[3] for line in mbox_lines} == expected
    by_subject = {line[3]: line for line in mbox_lines}
    assert by_subject['Report'][2] == 'report.pdf'
    assert by_subject['Report'][1] == 'francois@example.fr'
    assert by_subject['Files'][2] == '日本語 report.txt, été.png'
    assert by_subject['Lunch on Friday?'][0] == '1'

    quiet = run('mime', 'scan', '--quiet', tmp / 'all.mbox', DATA / 'plain.eml')
    assert quiet.stdout == b'' and quiet.stderr.decode().startswith(f'{len(fixtures) + 1} messages')
    lines, summary = scan_lines(tmp / 'absent', DATA / 'plain.eml', status=1)
    assert len(lines) == 1 and summary.startswith('1 messages'), (lines, summary)


@test
def scan_unquotes_from(tmp):
    (tmp / 'quoted.mbox').write_bytes(
        b'From a@b Thu Jan  1 00:00:00 2026\nSubject: one\n\n>From here\n>>From there\n\n'
        b'From a@b Thu Jan  1 00:00:00 2026\nSubject: two\n\nbody\n')
    lines, _ = scan_lines(tmp / 'quoted.mbox')
    assert [line[3] for line in lines] == ['one', 'two']
    one_line_reason(run('mime', 'scan', '--mbox-format', 'weird', tmp / 'quoted.mbox', status=2), 'mbox-format')


def main():
    print(f'1..{len(TESTS)}')
    failed = 0
    for number, function in enumerate(TESTS, 1):
        with tempfile.TemporaryDirectory() as tmp:
            try:
                function(pathlib.Path(tmp))
                print(f'ok {number} {function.__name__}')
            except Exception:
                failed += 1
                print(f'not ok {number} {function.__name__}')
                print('\n'.join('# ' + line for line in traceback.format_exc().splitlines()))
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
