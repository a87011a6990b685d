#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Runs one libFuzzer target for a bounded time: first over every seed (so a
seed that crashes fails at once), then fuzzing from the seeds, writing what
it learns to LEARNED_DIR. Prints the run's figures; exits non-zero on a crash.

Usage: run-fuzzer.py TARGET LEARNED_DIR SEED_DIR SECONDS"""

import os
import re
import subprocess
import sys


def main(target, learned, seeds, seconds):
    os.makedirs(learned, exist_ok=True)
    artifacts = os.path.join(os.path.dirname(learned), 'crashes', os.path.basename(learned)) + os.sep
    os.makedirs(artifacts, exist_ok=True)
    command = [target, learned, seeds,
               f'-max_total_time={seconds}', '-timeout=10', '-rss_limit_mb=2048',
               '-max_len=65536', f'-artifact_prefix={artifacts}', '-print_final_stats=1']
    run = subprocess.run(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                         errors='replace')
    log = run.stdout
    executed = re.findall(r'stat::number_of_executed_units:\s*(\d+)', log)
    if run.returncode != 0:
        print(log[-20000:])
        print(f'{os.path.basename(target)} failed: the crashing input is in {artifacts}')
        return 1
    print(f'{os.path.basename(target)}: {executed[-1] if executed else "?"} inputs in {seconds} s, no crash')
    return 0


if __name__ == '__main__':
    sys.exit(main(*sys.argv[1:]))
