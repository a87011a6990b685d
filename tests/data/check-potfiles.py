#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Check po/POTFILES.in against the files that hold translatable strings.

Usage: check-potfiles.py SOURCE_ROOT

Every file under src/ and data/ with a translatable string must be listed;
every listed file must exist; the list must be sorted (byte order, as
`LC_ALL=C sort` gives) without duplicates. Blank lines and # comments are
ignored. Exit status 0 when all holds, 1 otherwise, 2 on bad usage.
"""

import os
import re
import sys

SCANNED_DIRS = ('src', 'data')

# C: _("..."), N_(), C_(), NC_(), Q_(), ngettext() and GLib's g_dngettext(),
# g_dpgettext2(). The lookbehind keeps foo_() and g_ngettext_x() out.
C_MARKER = re.compile(
    r'(?<![A-Za-z0-9_])(?:_|N_|C_|NC_|Q_|ngettext|g_dngettext|g_dpgettext2)\s*\(')

# GtkBuilder accepts yes, true and 1 for a boolean attribute.
UI_MARKER = re.compile(
    r'''\btranslatable\s*=\s*["'](?:yes|true|1)["']''', re.IGNORECASE)

# These formats are translatable by nature: xgettext picks out their
# user-visible fields (Name, summary, description, ...).
ALWAYS_TRANSLATABLE_SUFFIXES = (
    '.desktop.in', '.desktop.in.in',
    '.metainfo.xml.in', '.metainfo.xml.in.in',
    '.appdata.xml.in', '.appdata.xml.in.in',
    '.gschema.xml', '.gschema.xml.in',
)

# Comments, string and character literals, and preprocessor lines (with
# their backslash continuations): what must not count as a call site.
C_NOISE = re.compile(r'''
      /\*.*?\*/
    | //[^\n]*
    | ^[ \t]*\#(?:[^\n]*\\\n)*[^\n]*
    | "(?:[^"\\\n]|\\.)*"
    | '(?:[^'\\\n]|\\.)*'
''', re.DOTALL | re.MULTILINE | re.VERBOSE)


def blank_c_noise(text):
    """Replace literals by empty ones and drop comments and directives."""
    def repl(match):
        token = match.group(0)
        if token.startswith('"'):
            return '""'
        if token.startswith("'"):
            return "''"
        return ' '
    return C_NOISE.sub(repl, text)


def has_translatable_strings(path):
    name = os.path.basename(path)
    if name.endswith(ALWAYS_TRANSLATABLE_SUFFIXES):
        return True
    if name.endswith(('.c', '.h')):
        with open(path, encoding='utf-8', errors='replace') as f:
            return C_MARKER.search(blank_c_noise(f.read())) is not None
    if name.endswith(('.ui', '.ui.in')):
        with open(path, encoding='utf-8', errors='replace') as f:
            return UI_MARKER.search(f.read()) is not None
    return False


def find_translatable_files(root):
    found = []
    for top in SCANNED_DIRS:
        for dirpath, dirnames, filenames in os.walk(os.path.join(root, top)):
            dirnames[:] = sorted(d for d in dirnames if not d.startswith('.'))
            for filename in filenames:
                path = os.path.join(dirpath, filename)
                if has_translatable_strings(path):
                    found.append(os.path.relpath(path, root).replace(os.sep, '/'))
    return sorted(found)


def read_potfiles(path):
    """Return the entries of POTFILES.in, in file order, with line numbers."""
    entries = []
    with open(path, encoding='utf-8') as f:
        for number, line in enumerate(f, start=1):
            line = line.strip()
            if line and not line.startswith('#'):
                entries.append((number, line))
    return entries


def check(root):
    potfiles_in = os.path.join(root, 'po', 'POTFILES.in')
    if not os.path.isfile(potfiles_in):
        return ['po/POTFILES.in does not exist: create it, listing every file '
                'with translatable strings, one path a line, sorted.']

    errors = []
    entries = read_potfiles(potfiles_in)
    listed = [entry for _, entry in entries]

    for number, entry in entries:
        if not os.path.isfile(os.path.join(root, entry)):
            errors.append(f'po/POTFILES.in:{number}: {entry} does not exist: '
                          'remove the line, or fix the path if the file moved.')

    seen = set()
    for number, entry in entries:
        if entry in seen:
            errors.append(f'po/POTFILES.in:{number}: {entry} is listed twice: '
                          'remove one of the lines.')
        seen.add(entry)

    for previous, (number, entry) in zip(listed, entries[1:]):
        if entry < previous:
            errors.append(f'po/POTFILES.in:{number}: {entry} comes after '
                          f'{previous} but sorts before it: keep the list in '
                          'byte order (LC_ALL=C sort).')
            break

    for path in find_translatable_files(root):
        if path not in seen:
            errors.append(f'{path} has translatable strings but is not in '
                          'po/POTFILES.in: add it there, in sorted order.')

    return errors


def main(argv):
    if len(argv) != 2:
        print(f'usage: {argv[0]} SOURCE_ROOT', file=sys.stderr)
        return 2
    errors = check(argv[1])
    for error in errors:
        print(error, file=sys.stderr)
    if errors:
        print(f'{len(errors)} problem(s) with po/POTFILES.in', file=sys.stderr)
        return 1
    print('po/POTFILES.in lists every file with translatable strings, sorted')
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
