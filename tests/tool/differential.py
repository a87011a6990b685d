#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Differential test: generates messages from a fixed seed (random trees of
# multiparts, embedded messages, text in several charsets and transfer
# encodings, encoded words, RFC 2231 filenames, groups, CRLF and LF,
# preambles and epilogues, boundaries that are prefixes of each other),
# runs `pigeon-tool mime tree` on each, builds the same JSON shape with
# Python's email package (policy=default) and requires the two to agree.
# Where Python is known to be wrong, the case says so (RFC section) and only
# that field of that case is skipped. Prints TAP.
#
# Usage: differential.py PIGEON-TOOL [N-MESSAGES [SEED]]

import base64
import concurrent.futures
import datetime
import email
import email.policy
import email.utils
import hashlib
import json
import os
import quopri
import random
import subprocess
import sys
import tempfile
import urllib.parse

TEXTS = {
    'us-ascii': ['Hello there, see you soon.', 'Plain words only.', 'A line -- with dashes'],
    'utf-8': ['Grüße aus Köln', '日本語のテキスト', 'Pigeon 🐦 post', 'Ελληνικά γράμματα'],
    'iso-8859-1': ['Café crème brûlée', 'Señor Müller'],
    'iso-8859-15': ['Prix : 10 € pour l’œuvre'.replace('’', "'")],
    'windows-1252': ['“Smart quotes” cost 5 €'],
    'koi8-r': ['Привет, мир', 'Съешь же ещё этих мягких булок'],
    'shift_jis': ['こんにちは世界', '日本語テキスト'],
}
LABELS = {'utf-8': ['utf-8', 'UTF-8'], 'shift_jis': ['shift_jis', 'Shift_JIS'], 'koi8-r': ['koi8-r', 'KOI8-R'],
          'iso-8859-1': ['iso-8859-1', 'ISO-8859-1'], 'us-ascii': ['us-ascii', 'US-ASCII']}
WORDS = 'pigeon mail parcel letter stamp post roof wing feather message carrier home sky'.split()
NAMES = ['Alice Example', 'Bob', 'Zoë Ådahl', 'Jürgen Groß', '山田太郎', 'Last, First', 'O\'Neil "Ace"', 'Ивана']
BOUNDARY_CHARS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'()+_,-./:=?"
FILENAMES = ['report.pdf', 'été.txt', 'résumé final.docx', 'данные.csv', '写真.jpg', 'a b;c.txt',
             'long-' + 'x' * 90 + '.bin']


class Gen:
    def __init__(self, rng, crlf):
        self.r = rng
        self.crlf = crlf
        # JSON path -> (why Python is wrong there, the right value)
        self.python_wrong = {}

    def field(self, name):
        """A field name as some writers spell it (RFC 5322 1.2.2: case does not matter)."""
        return self.r.choice([name, name, name.lower(), name.upper()])

    def param_separator(self):
        return self.r.choice(['; ', '; ', ';', ';\n\t', ' ;\n '])

    def words(self, n):
        return ' '.join(self.r.choice(WORDS) for _ in range(n))

    # -- header values -----------------------------------------------------
    def encoded_word(self, text, charset='utf-8'):
        data = text.encode(charset)
        if self.r.random() < 0.5:
            return f'=?{charset}?B?{base64.b64encode(data).decode()}?='
        q = ''.join(chr(b) if (chr(b).isalnum() and b < 128) else ('_' if b == 32 else f'={b:02X}') for b in data)
        return f'=?{charset}?Q?{q}?='

    def unstructured(self, text):
        """An unstructured value (Subject) and its decoded form."""
        if text.isascii() and self.r.random() < 0.5:
            return text, text
        choice = self.r.random()
        if choice < 0.4:
            # Adjacent encoded words: the whitespace between them goes (RFC 2047 6.2).
            cut = self.r.randrange(1, len(text)) if len(text) > 1 else 1
            head, tail = text[:cut], text[cut:]
            words = [self.encoded_word(head)] + ([self.encoded_word(tail)] if tail else [])
            return self.r.choice([' ', '\n ', '\n\t']).join(words), text
        if choice < 0.7 and all(ord(c) < 256 for c in text):
            return 'Re: ' + self.encoded_word(text, 'iso-8859-1'), 'Re: ' + text
        return self.encoded_word(text) + ' ' + 'tail', text + ' tail'

    def mailbox(self):
        """A mailbox, its entry, and whether its name is raw UTF-8."""
        local = self.r.choice(['ann', 'bob.smith', 'c_d', 'x+tag', 'o\'neil'])
        address = f'{local}@{self.r.choice(["example.org", "example.com", "mail.example.net"])}'
        kind = self.r.random()
        if kind < 0.3:
            return address, {'name': None, 'address': address}, False
        name = self.r.choice(NAMES)
        raw = False
        if name.isascii():
            quoted = name.replace('\\', '\\\\').replace('"', '\\"')
            text = f'"{quoted}"' if any(c in name for c in ',."\'') else name
        elif kind < 0.4 and ',' not in name:
            # RFC 6532 3.2: UTF-8 in a display name, as SMTPUTF8 mail has it.
            text, raw = name.encode().decode('latin-1'), True
        else:
            text = self.encoded_word(name)
        return f'{text} <{address}>', {'name': name, 'address': address}, raw

    def address_list(self, path):
        """An address list for the field at JSON @path, and its flat entries."""
        items, flat = [], []
        for _ in range(self.r.randint(1, 3)):
            if self.r.random() < 0.15:
                members = [self.mailbox() for _ in range(self.r.randint(0, 2))]
                items.append(f'{self.r.choice(["team", "undisclosed-recipients"])}: '
                             + ', '.join(m[0] for m in members) + ';')
            else:
                members = [self.mailbox()]
                items.append(members[0][0])
            for _, entry, raw in members:
                if raw:
                    self.python_wrong[f'{path}[{len(flat)}].name'] = (
                        'RFC 6532 3.2: a UTF-8 display name read as surrogate escapes', entry['name'])
                flat.append(entry)
        return ', '.join(items), flat

    def date(self):
        when = self.r.randint(946684800, 1893456000)
        offset = self.r.choice([0, 60, -300, 330, 545, -720, 840])
        zone = datetime.timezone(datetime.timedelta(minutes=offset))
        text = email.utils.format_datetime(datetime.datetime.fromtimestamp(when, zone))
        if self.r.random() < 0.2:
            text = text.split(', ', 1)[1]  # RFC 5322 3.3: the day name is optional
        return text

    def filename_params(self, name):
        """Parameters that carry @name: quoted, RFC 2231 or RFC 2231 continued."""
        if name.isascii() and ';' not in name and len(name) < 60 and self.r.random() < 0.5:
            return f'"{name}"', ''
        charset = 'iso-8859-1' if all(ord(c) < 256 for c in name) and self.r.random() < 0.3 else 'utf-8'
        quoted = urllib.parse.quote(name.encode(charset), safe='')
        if self.r.random() < 0.5:
            return None, f"*={charset}'en'{quoted}"
        pieces = [quoted[i:i + 20] for i in range(0, len(quoted), 20)]
        # A piece must not split a %XX escape.
        fixed, carry = [], ''
        for piece in pieces:
            piece = carry + piece
            cut = piece.rfind('%', max(0, len(piece) - 2))
            carry, piece = (piece[cut:], piece[:cut]) if cut >= 0 else ('', piece)
            fixed.append(piece)
        if carry:
            fixed.append(carry)
        fixed = [p for p in fixed if p]
        params = [f"*0*={charset}''{fixed[0]}"] + [f'*{i}*={p}' for i, p in enumerate(fixed[1:], 1)]
        return None, params

    def message_id(self, path, depth):
        msg_id = f'{self.r.getrandbits(48):x}.{depth}@example.org'
        if self.r.random() < 0.05:
            self.python_wrong[path + '.message_id'] = ('RFC 5322 3.6.4: the comment around a msg-id kept', msg_id)
            return f'<{msg_id}> (sent from a phone)'
        return f'<{msg_id}>'

    # -- bodies ------------------------------------------------------------
    def transfer_encode(self, data, charset, path):
        choices = ['base64', 'quoted-printable'] + (['7bit', None] if data.isascii() else ['8bit'])
        encoding = self.r.choice(choices)
        if encoding == 'base64':
            return 'base64', base64.encodebytes(data).decode()
        if encoding == 'quoted-printable':
            encoded = quopri.encodestring(data).decode()
            if '\n' in encoded and self.r.random() < 0.1:
                encoded = encoded.replace('\n', '  \n', 1)
                self.qp_trailing_whitespace(data, charset, path)
            return 'quoted-printable', encoded
        return encoding, data.decode('latin-1')

    def qp_trailing_whitespace(self, data, charset, path):
        """RFC 2045 6.7 rule (3): a decoder deletes the whitespace at the end
        of an encoded line; Python's quopri keeps it."""
        reason = 'RFC 2045 6.7 (3): trailing whitespace of a quoted-printable line kept'
        if self.crlf:
            data = data.replace(b'\n', b'\r\n')
        self.python_wrong[path + '.sha256'] = (reason, hashlib.sha256(data).hexdigest())
        self.python_wrong[path + '.size'] = (reason, len(data))
        self.python_wrong[path + '.text'] = (reason, data.decode(charset))

    def text_part(self, path, subtype=None):
        charset = self.r.choice(list(TEXTS))
        lines = [self.r.choice(TEXTS[charset]) if self.r.random() < 0.6 else self.words(self.r.randint(1, 12))
                 for _ in range(self.r.randint(1, 6))]
        data = '\n'.join(lines).encode(charset) + (b'\n' if self.r.random() < 0.5 else b'')
        encoding, body = self.transfer_encode(data, charset, path)
        subtype = subtype or self.r.choice(['plain', 'plain', 'html'])
        label = self.r.choice(LABELS.get(charset, [charset]))
        headers = []
        if self.r.random() < 0.05:
            # RFC 2045 5.1 and RFC 5322 3.2.2: comments may sit between tokens.
            self.python_wrong[path + '.content_type'] = ('RFC 2045 5.1: a comment taken into the subtype',
                                                         f'text/{subtype}')
            headers.append(f'Content-Type: text/{subtype} (a comment); charset={label}')
        elif charset == 'us-ascii' and self.r.random() < 0.5:
            headers.append(f'{self.field("Content-Type")}: text/{subtype}')
        else:
            value = self.r.choice([label, chr(34) + label + chr(34)])
            headers.append(f'{self.field("Content-Type")}: text/{subtype}{self.param_separator()}charset={value}')
        if encoding is not None:
            headers.append(f'{self.field("Content-Transfer-Encoding")}: {self.r.choice([encoding, encoding.upper()])}')
        if self.r.random() < 0.2:
            headers.append(f'Content-Disposition: {self.r.choice(["inline", "attachment"])}')
        return headers, body

    def attachment(self, path):
        data = bytes(self.r.getrandbits(8) for _ in range(self.r.randint(0, 2000)))
        ctype = self.r.choice(['application/octet-stream', 'image/png', 'application/pdf', 'audio/ogg'])
        name = self.r.choice(FILENAMES)
        quoted, extended = self.filename_params(name)
        where = self.r.random()
        headers = []
        if where < 0.25:
            # Only the type's "name" (RFC 2046 4.5.1, deprecated but common).
            params = f'; name={quoted}' if quoted else ''.join(f';\n name{p}' for p in extended) \
                if isinstance(extended, list) else f'; name{extended}'
            headers.append(f'Content-Type: {ctype}{params}')
        else:
            headers.append(f'Content-Type: {ctype}')
            params = f'; filename={quoted}' if quoted else ''.join(f';\n filename{p}' for p in extended) \
                if isinstance(extended, list) else f'; filename{extended}'
            headers.append(f'Content-Disposition: {self.r.choice(["attachment", "inline", "ATTACHMENT"])}{params}')
        headers.append('Content-Transfer-Encoding: base64')
        return headers, base64.encodebytes(data).decode()

    def boundary(self, parent):
        if parent and self.r.random() < 0.4:
            # The parent's boundary as a prefix: only the whole line delimits (RFC 2046 5.1.1).
            return parent + self.r.choice(['-1', '_x', '=', '.inner'])
        length = self.r.randint(1, 40)
        text = ''.join(self.r.choice(BOUNDARY_CHARS) for _ in range(length))
        return text

    def multipart(self, path, depth, parent_boundary):
        subtype = self.r.choice(['mixed', 'mixed', 'alternative', 'related', 'digest'])
        boundary = self.boundary(parent_boundary)
        lines = [f'{self.field("Content-Type")}: multipart/{subtype}{self.param_separator()}boundary="{boundary}"']
        out = []
        if self.r.random() < 0.5:
            out.append(self.r.choice(['This is a multi-part message in MIME format.',
                                      '--not-the-boundary\n' + self.words(5), '']))
        for i in range(self.r.randint(1, 4)):
            child_path = f'{path}.parts[{i}]'
            out.append(f'--{boundary}' + self.r.choice(['', ' ', '\t']))
            if subtype == 'digest' and self.r.random() < 0.7:
                # RFC 2046 5.1.5: no header means message/rfc822 in a digest.
                out.append('')
                out.append(self.message(child_path + '.message', depth + 1))
            else:
                headers, body = self.entity(child_path, depth + 1, boundary)
                # The line break before a delimiter belongs to it: a body may
                # end with one more (kept where a right value was computed).
                if self.r.random() < 0.5 and not any(k.startswith(child_path + '.') for k in self.python_wrong):
                    body = body.rstrip('\n')
                out += headers + ['', body]
        out.append(f'--{boundary}--' + self.r.choice(['', '', ' ']))
        if self.r.random() < 0.5:
            out.append(self.r.choice(['', 'epilogue text', f'--{boundary}\nafter the end']))
        return lines, '\n'.join(out)

    def entity(self, path, depth, parent_boundary=None):
        kind = self.r.random()
        if depth < 3 and kind < 0.3:
            return self.multipart(path, depth, parent_boundary)
        if depth < 3 and kind < 0.4:
            headers = ['Content-Type: message/rfc822']
            if self.r.random() < 0.4:
                headers.append(f'Content-Disposition: {self.r.choice(["inline", "attachment"])}')
            return headers, self.message(path + '.message', depth + 1)
        if kind < 0.75:
            return self.text_part(path)
        return self.attachment(path)

    def message(self, path, depth=0):
        headers = []
        for field, chance in (('From', 0.9), ('To', 0.9), ('Cc', 0.4)):
            if self.r.random() < chance:
                headers.append(f'{field}: {self.address_list(f"{path}.{field.lower()}")[0]}')
        if self.r.random() < 0.9:
            text = self.r.choice([self.words(4), self.r.choice(TEXTS['utf-8']), 'Café ' + self.words(2),
                                  self.r.choice(NAMES) + ': ' + self.words(3)])
            headers.append(f'Subject: {self.unstructured(text)[0]}')
        if self.r.random() < 0.8:
            headers.append(f'Date: {self.date()}')
        if self.r.random() < 0.8:
            headers.append(f'Message-ID: {self.message_id(path, depth)}')
        if self.r.random() < 0.7:
            headers.append('MIME-Version: 1.0')
        if depth >= 3:
            entity_headers, body = self.text_part(path + '.root')
        else:
            entity_headers, body = self.entity(path + '.root', depth)
        self.r.shuffle(headers)
        return '\n'.join(headers + entity_headers) + '\n\n' + body


# -- Python's view -----------------------------------------------------------
def python_addresses(message, field):
    header = message[field]
    if header is None:
        return []
    return [{'name': a.display_name or None, 'address': a.addr_spec} for a in header.addresses]


def python_message(message):
    date = message['date']
    subject = message['subject']
    message_id = message['message-id']
    return {
        'subject': str(subject) if subject is not None else None,
        'from': python_addresses(message, 'from'),
        'to': python_addresses(message, 'to'),
        'cc': python_addresses(message, 'cc'),
        'date': int(date.datetime.timestamp()) if date is not None and date.datetime is not None else None,
        'message_id': str(message_id).strip().strip('<>') if message_id is not None else None,
        'root': python_part(message),
    }


def python_part(part):
    ctype = part.get_content_type()
    cte = part.get('content-transfer-encoding')
    node = {
        'content_type': ctype,
        'disposition': part.get_content_disposition(),
        'filename': part.get_filename(),
        'encoding': str(cte).strip().lower() if cte is not None else '7bit',
        'charset': (part.get_content_charset() or 'us-ascii') if ctype.startswith('text/') else None,
    }
    if part.is_multipart() and ctype == 'message/rfc822':
        node['message'] = python_message(part.get_payload(0))
    elif part.is_multipart():
        node['parts'] = [python_part(child) for child in part.get_payload()]
    else:
        data = part.get_payload(decode=True) or b''
        node['size'] = len(data)
        node['sha256'] = hashlib.sha256(data).hexdigest()
        if ctype.startswith('text/'):
            node['text'] = part.get_content()
    return node


def differences(expected, actual, path='$'):
    if isinstance(expected, dict) and isinstance(actual, dict):
        for key in sorted(expected.keys() | actual.keys()):
            if key not in actual or key not in expected:
                yield f'{path}.{key}', expected.get(key, '(absent)'), actual.get(key, '(absent)')
            else:
                yield from differences(expected[key], actual[key], f'{path}.{key}')
    elif isinstance(expected, list) and isinstance(actual, list) and len(expected) == len(actual):
        for i, (e, a) in enumerate(zip(expected, actual)):
            yield from differences(e, a, f'{path}[{i}]')
    elif expected != actual:
        yield path, expected, actual


def pigeon_tree(tool, data):
    with tempfile.NamedTemporaryFile(suffix='.eml') as f:
        f.write(data)
        f.flush()
        run = subprocess.run([tool, 'mime', 'tree', '--compact', f.name], capture_output=True, timeout=60)
    if run.returncode != 0:
        raise RuntimeError(f'pigeon-tool failed: {run.stderr.decode(errors="replace")}')
    return json.loads(run.stdout)


def make_case(seed, number):
    rng = random.Random(f'{seed}-{number}')
    gen = Gen(rng, crlf=rng.random() < 0.5)
    data = gen.message('$').encode('latin-1')
    if gen.crlf:
        data = data.replace(b'\n', b'\r\n')
    return data, gen.python_wrong


def check_case(tool, seed, number):
    data, python_wrong = make_case(seed, number)
    python = python_message(email.message_from_bytes(data, policy=email.policy.default))
    pigeon = pigeon_tree(tool, data)
    failures, skipped = [], []
    for path, expected, actual in differences(python, pigeon):
        if path not in python_wrong:
            failures.append((path, expected, actual))
            continue
        reason, right = python_wrong[path]
        skipped.append((path, reason))
        if actual != right:
            failures.append((path, right, actual))
    return data, failures, skipped


def main():
    tool = sys.argv[1]
    count = int(sys.argv[2]) if len(sys.argv) > 2 else 300
    seed = int(sys.argv[3]) if len(sys.argv) > 3 else 20260301
    print(f'1..{count}')
    failed = n_skipped = 0
    with concurrent.futures.ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        results = pool.map(lambda n: check_case(tool, seed, n), range(count))
        for number, (data, failures, skipped) in enumerate(results):
            n_skipped += len(skipped)
            print(f'{"not ok" if failures else "ok"} {number + 1} message {seed}-{number}')
            for path, python, pigeon in failures[:8]:
                print(f'#   {path}: expected {python!r:.200} pigeon {pigeon!r:.200}')
            for path, reason in skipped:
                print(f'#   Python is wrong at {path} ({reason}); pigeon checked against the right value')
            if failures and os.environ.get('DIFFERENTIAL_KEEP'):
                keep = os.path.join(os.environ['DIFFERENTIAL_KEEP'], f'{seed}-{number}.eml')
                with open(keep, 'wb') as f:
                    f.write(data)
            failed += bool(failures)
    print(f'# {count - failed} of {count} messages agree; {n_skipped} fields skipped where Python is wrong')
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
