#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Runs `pigeon-tool mime tree` on each fixture data/NAME.eml and compares the
# parsed JSON with data/NAME.json, value by value. Prints TAP.

import json
import pathlib
import subprocess
import sys


def differences(expected, actual, path='$'):
    if isinstance(expected, dict) and isinstance(actual, dict):
        for key in sorted(expected.keys() | actual.keys()):
            if key not in actual:
                yield f'{path}.{key}: missing'
            elif key not in expected:
                yield f'{path}.{key}: unexpected {actual[key]!r}'
            else:
                yield from differences(expected[key], actual[key], f'{path}.{key}')
    elif isinstance(expected, list) and isinstance(actual, list):
        if len(expected) != len(actual):
            yield f'{path}: {len(actual)} items, expected {len(expected)}'
        for i, (e, a) in enumerate(zip(expected, actual)):
            yield from differences(e, a, f'{path}[{i}]')
    elif expected != actual or type(expected) is not type(actual):
        yield f'{path}: {actual!r}, expected {expected!r}'


def check(tool, eml):
    expected = json.loads(eml.with_suffix('.json').read_text(encoding='utf-8'))
    run = subprocess.run([tool, 'mime', 'tree', str(eml)], capture_output=True, timeout=60)
    if run.returncode != 0:
        return [f'exit status {run.returncode}: {run.stderr.decode(errors="replace").strip()}']
    return list(differences(expected, json.loads(run.stdout)))


def main():
    tool, data = sys.argv[1], pathlib.Path(sys.argv[2])
    fixtures = sorted(data.glob('*.eml'))
    print(f'1..{len(fixtures)}')
    failed = 0
    for number, eml in enumerate(fixtures, 1):
        problems = check(tool, eml)
        print(f'{"not ok" if problems else "ok"} {number} {eml.stem}')
        for problem in problems:
            print(f'# {problem}')
        failed += bool(problems)
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
