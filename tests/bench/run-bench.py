#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
#
# The parse benchmark: `pigeon-tool mime scan --quiet` against the same work
# done with GMime 3 (gmime-scan), on the same generated mbox, in one run.
#  1. throughput on the large corpus: warm cache, best of 3, MB/s of each and
#     the ratio Pigeon/GMime;
#  2. peak memory on a small corpus and one 4x larger: it must not grow with
#     the number of messages (peak RSS includes the pages of a mapped file,
#     so the anonymous part is sampled too);
#  3. header linearity: one message with 100k header fields and one with
#     200k; the ratio of their times should be near 2.
# Run it from a release build (meson setup BUILD -Dbuildtype=release).

import argparse
import hashlib
import os
import pathlib
import subprocess
import sys
import time


def run_measured(command):
    """Runs @command; returns (seconds, peak RSS KiB, peak anonymous RSS KiB, stderr)."""
    start = time.perf_counter()
    # The C locale: the summaries are read back, with '.' as the decimal point.
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                               env=dict(os.environ, LC_ALL='C.UTF-8'))
    peak_anon = 0
    while True:
        pid, status, usage = os.wait4(process.pid, os.WNOHANG)
        if pid:
            break
        peak_anon = max(peak_anon, anon_rss(process.pid))
        time.sleep(0.002)
    seconds = time.perf_counter() - start
    stderr = process.stderr.read().decode(errors='replace')
    process.stderr.close()
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        sys.exit(f'{command[0]} failed ({process.returncode}): {stderr}')
    return seconds, usage.ru_maxrss, peak_anon, stderr


def anon_rss(pid):
    try:
        with open(f'/proc/{pid}/status') as status:
            for line in status:
                if line.startswith('RssAnon:'):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def best_of(n, command):
    runs = [run_measured(command) for _ in range(n)]
    return min(runs, key=lambda run: run[0])


def make_corpus(args, size_mb):
    path = args.workdir / f'corpus-{size_mb}mb.mbox'
    if not path.exists():
        print(f'generating {path.name} ...', flush=True)
        subprocess.run([sys.executable, args.make_corpus, '--size-mb', str(size_mb), '--seed', '1',
                        '--mbox', str(path)], check=True, stdout=subprocess.DEVNULL)
    with open(path, 'rb') as f:  # warm the page cache
        while f.read(1 << 24):
            pass
    return path


def scanners(args):
    tools = {'Pigeon': [args.pigeon_tool, 'mime', 'scan', '--quiet']}
    if args.gmime_scan:
        tools['GMime'] = [args.gmime_scan, '--quiet']
    return tools


def message_count(stderr):
    return int(stderr.strip().splitlines()[-1].split()[0])


def throughput(args, corpus):
    size = corpus.stat().st_size
    print(f'\n== Throughput: {corpus.name}, {size / 1e6:.0f} MB, warm cache, best of 3')
    rates, counts = {}, {}
    for name, command in scanners(args).items():
        seconds, _, _, stderr = best_of(3, command + [str(corpus)])
        rates[name] = size / 1e6 / seconds
        counts[name] = message_count(stderr)
        print(f'{name:8} {seconds:7.3f} s  {rates[name]:8.1f} MB/s  ({counts[name]} messages)')
    if 'GMime' in rates:
        if counts['GMime'] != counts['Pigeon']:
            print(f'warning: the two scanners saw different message counts: {counts}')
        print(f'ratio Pigeon/GMime: {rates["Pigeon"] / rates["GMime"]:.2f}  (target: at least 2.00)')
        same_output(args, corpus)


def same_output(args, corpus):
    """The same work: without --quiet, both print the same line per message."""
    digests = {}
    for name, command in scanners(args).items():
        output = subprocess.run([part for part in command if part != '--quiet'] + [str(corpus)],
                                capture_output=True, check=True, env=dict(os.environ, LC_ALL='C.UTF-8')).stdout
        digests[name] = hashlib.sha256(output).hexdigest()
    print('per-message lines (parts, sender, attachments, subject): '
          + ('identical' if len(set(digests.values())) == 1 else 'DIFFERENT'))


def memory(args, small, large):
    print(f'\n== Peak memory: {small.name} vs {large.name} (4x the messages)')
    print(f'{"":8} {"peak RSS small":>15} {"large":>10} {"anon small":>12} {"large":>10}  (KiB)')
    for name, command in scanners(args).items():
        _, rss_small, anon_small, _ = run_measured(command + [str(small)])
        _, rss_large, anon_large, _ = run_measured(command + [str(large)])
        print(f'{name:8} {rss_small:15} {rss_large:10} {anon_small:12} {anon_large:10}'
              f'  anon large/small {anon_large / max(anon_small, 1):.2f}')


def header_message(path, n_fields):
    with open(path, 'w') as f:
        f.write('From: a@example.org\n')
        f.writelines(f'X-Filler-{i}: value {i} of a long header block\n' for i in range(n_fields))
        f.write('Subject: after the fields\n\nbody\n')


def linearity(args):
    print('\n== Header linearity: one message with N header fields, time per parse, best of 5')
    times = {}
    for n_fields in (100_000, 200_000):
        path = args.workdir / f'headers-{n_fields}.eml'
        header_message(path, n_fields)
        # The message ten times over, on the scan's own clock: process
        # start-up and a clock in milliseconds would hide one parse.
        command = [args.pigeon_tool, 'mime', 'scan', '--quiet', '--max-headers', str(n_fields + 10),
                   '--max-header-size', '1000'] + [str(path)] * 10
        times[n_fields] = min(reported_seconds(run_measured(command)[3]) for _ in range(5)) / 10
        print(f'{n_fields:7} fields: {times[n_fields] * 1000:8.1f} ms'
              + ('' if times[n_fields] < 1 else '  (too slow: should be well under a second)'))
    print(f'ratio time(200k)/time(100k): {times[200_000] / times[100_000]:.2f}  (linear: about 2)')


def reported_seconds(stderr):
    """The seconds of a scan summary: "N messages, N bytes, S s, R MB/s"."""
    return float(stderr.strip().splitlines()[-1].split(', ')[2].split()[0])


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--pigeon-tool', required=True)
    parser.add_argument('--gmime-scan')
    parser.add_argument('--make-corpus', required=True)
    parser.add_argument('--workdir', type=pathlib.Path, required=True)
    parser.add_argument('--buildtype', default='unknown')
    parser.add_argument('--size-mb', type=int, default=200)
    args = parser.parse_args()
    args.workdir.mkdir(parents=True, exist_ok=True)

    if args.buildtype != 'release':
        print(f'note: this is a {args.buildtype} build; figures to report come from -Dbuildtype=release')
    if not args.gmime_scan:
        print('note: GMime 3 (libgmime-3.0-dev) is not installed; Pigeon runs alone')
    large = make_corpus(args, args.size_mb)
    small = make_corpus(args, args.size_mb // 4)
    throughput(args, large)
    memory(args, small, large)
    linearity(args)


if __name__ == '__main__':
    main()
