#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Writes a deterministic mail corpus for the parse benchmark: many small
# plain messages, HTML alternatives, messages with small attachments,
# forwards with an embedded message/rfc822, and now and then a large base64
# attachment, with the header fields real mail carries (Received,
# DKIM-Signature, List-*). Output: an mbox (mboxrd: ^>*From lines quoted)
# and/or a Maildir.
#
# Usage: make-corpus.py --size-mb N [--seed S] [--mbox FILE] [--maildir DIR]

import argparse
import base64
import os
import quopri
import random
import re

WORDS = ('the pigeon carried a message across the city roof to the station where the clerk read every '
         'line twice before he sent the answer back with a stamp and a small parcel of seeds').split()
SUBJECTS = ['Meeting notes', 'Re: quarterly report', 'Invoice {n}', 'Fwd: photos from the trip',
            '=?UTF-8?B?w4RuZGVydW5nIGRlcyBUZXJtaW5z?=', '=?ISO-8859-1?Q?R=E9union_de_lundi?=',
            '[dev] patch {n}/7: parser fixes', 'Your order #{n} has shipped']
NAMES = ['Alice Martin', 'Bob Stone', '=?UTF-8?Q?J=C3=BCrgen_M=C3=BCller?=', '"Doe, Jane"', 'Li Wei']
FROM_LINE = re.compile(rb'^(>*From )', re.M)


class Corpus:
    def __init__(self, seed):
        self.r = random.Random(seed)
        self.n = 0

    def words(self, n):
        return ' '.join(self.r.choice(WORDS) for _ in range(n))

    def paragraph(self, size):
        lines = []
        while sum(map(len, lines)) < size:
            lines.append(self.words(self.r.randint(6, 13)))
        if self.r.random() < 0.05:
            lines.append('From the desk of the editor: ' + self.words(4))
        return '\n'.join(lines) + '\n'

    def address(self):
        user = self.r.choice(['alice', 'bob', 'jane.doe', 'li', 'team', 'noreply'])
        return f'{self.r.choice(NAMES)} <{user}{self.r.randint(1, 500)}@example{self.r.randint(1, 40)}.org>'

    def headers(self, content_type, extra=()):
        self.n += 1
        hops = [f'Received: from mx{i}.example.net (mx{i}.example.net [192.0.2.{i}])\n\tby mail.example.org '
                f'with ESMTPS id {self.r.getrandbits(40):x}\n\tfor <user@example.org>; '
                f'Mon, {self.r.randint(1, 28)} Sep 2025 10:{i:02d}:00 +0000' for i in range(self.r.randint(2, 6))]
        dkim = ('DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=example.org; s=sel;\n\th=from:to:subject:date;'
                f' bh={base64.b64encode(self.r.randbytes(32)).decode()};\n\tb='
                + '\n\t '.join(base64.b64encode(self.r.randbytes(192)).decode()[i:i + 70] for i in range(0, 256, 70)))
        fields = hops + [dkim,
                         f'From: {self.address()}',
                         'To: ' + ', '.join(self.address() for _ in range(self.r.randint(1, 4))),
                         f'Subject: {self.r.choice(SUBJECTS).format(n=self.n)}',
                         f'Date: Tue, {self.r.randint(1, 28)} Oct 2025 {self.r.randint(0, 23):02d}:17:42 +0200',
                         f'Message-ID: <{self.r.getrandbits(64):x}.{self.n}@example.org>',
                         'MIME-Version: 1.0']
        if self.r.random() < 0.4:
            fields.append('Cc: ' + self.address())
        if self.r.random() < 0.3:
            fields += ['List-Id: <dev.lists.example.org>', 'List-Unsubscribe: <mailto:leave@lists.example.org>',
                       'Precedence: list']
        return '\n'.join(fields + [f'Content-Type: {content_type}', *extra]) + '\n\n'

    def text_part(self, size, html=False):
        body = self.paragraph(size)
        if html:
            body = '<html><body>' + ''.join(f'<p>{line}</p>\n' for line in body.splitlines()) + '</body></html>\n'
        if self.r.random() < 0.4:
            body = body.replace('the', 'thé', 3)
            encoded = quopri.encodestring(body.encode()).decode()
            return f'Content-Type: text/{"html" if html else "plain"}; charset=utf-8\n' \
                   f'Content-Transfer-Encoding: quoted-printable\n\n{encoded}'
        return f'Content-Type: text/{"html" if html else "plain"}; charset=us-ascii\n\n{body}'

    def attachment(self, size):
        data = base64.encodebytes(self.r.randbytes(size)).decode()
        name = f'{self.r.choice(["scan", "photo", "report", "data"])}-{self.r.randint(1, 999)}' \
               f'.{self.r.choice(["pdf", "jpg", "zip"])}'
        return (f'Content-Type: application/octet-stream; name="{name}"\n'
                f'Content-Disposition: attachment; filename="{name}"\nContent-Transfer-Encoding: base64\n\n{data}')

    def multipart(self, subtype, parts, extra=()):
        boundary = f'----=_Part_{self.r.getrandbits(48):x}'
        body = ''.join(f'--{boundary}\n{part}\n' for part in parts) + f'--{boundary}--\n'
        return self.headers(f'multipart/{subtype}; boundary="{boundary}"', extra) + body

    def message(self):
        kind = self.r.random()
        if kind < 0.001:
            return self.multipart('mixed', [self.text_part(400), self.attachment(self.r.randint(1, 8) << 20)])
        if kind < 0.55:
            head = self.headers('text/plain; charset=us-ascii')
            return head + self.paragraph(self.r.randint(300, 4000))
        if kind < 0.75:
            size = self.r.randint(1000, 8000)
            return self.multipart('alternative', [self.text_part(size), self.text_part(size, html=True)])
        if kind < 0.92:
            parts = [self.text_part(self.r.randint(200, 2000))]
            parts += [self.attachment(self.r.randint(2000, 40000)) for _ in range(self.r.randint(1, 3))]
            return self.multipart('mixed', parts)
        inner = self.multipart('alternative', [self.text_part(1500), self.text_part(1500, html=True)])
        return self.multipart('mixed', [self.text_part(300), f'Content-Type: message/rfc822\n\n{inner}'])


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--size-mb', type=float, required=True)
    parser.add_argument('--seed', type=int, default=1)
    parser.add_argument('--mbox')
    parser.add_argument('--maildir')
    args = parser.parse_args()

    corpus = Corpus(args.seed)
    mbox = open(args.mbox + '.tmp', 'wb') if args.mbox else None
    if args.maildir:
        for sub in ('cur', 'new', 'tmp'):
            os.makedirs(os.path.join(args.maildir, sub), exist_ok=True)
    total = count = 0
    while total < args.size_mb * 1e6:
        data = corpus.message().encode()
        total += len(data)
        count += 1
        if mbox:
            mbox.write(b'From MAILER-DAEMON Tue Oct  7 10:00:00 2025\n' + FROM_LINE.sub(rb'>\1', data) + b'\n')
        if args.maildir:
            with open(os.path.join(args.maildir, 'cur', f'{count:08d}.{args.seed}.bench:2,S'), 'wb') as f:
                f.write(data)
    if mbox:
        mbox.close()
        os.replace(args.mbox + '.tmp', args.mbox)
    print(f'{count} messages, {total} bytes')


if __name__ == '__main__':
    main()
