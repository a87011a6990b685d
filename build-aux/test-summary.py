#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Adds up the results of the last `meson test` in each build directory
given, and prints them as one closing line: "N passed, N failed, N skipped".
Exits non-zero when a test failed or when no test ran at all."""

import json
import sys
from pathlib import Path

PASSED = {'OK', 'EXPECTEDFAIL'}
SKIPPED = {'SKIP'}


def main(build_dirs):
    passed = failed = skipped = 0
    for build_dir in build_dirs:
        log = Path(build_dir) / 'meson-logs' / 'testlog.json'
        if not log.exists():
            print(f'{log}: missing; did meson test run?', file=sys.stderr)
            failed += 1
            continue
        for line in log.read_text().splitlines():
            result = json.loads(line)['result']
            if result in PASSED:
                passed += 1
            elif result in SKIPPED:
                skipped += 1
            else:
                failed += 1
    print(f'{passed} passed, {failed} failed, {skipped} skipped')
    return 0 if failed == 0 and passed > 0 else 1


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
