#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
#
# The libsecret path (TAP), run inside its own D-Bus session
# (dbus-run-session) with a real gnome-keyring-daemon: "account add" with a
# password file stores the password in the Secret Service under Pigeon's
# schema (protocol, host, port, user), never in a file under the XDG
# directories; "account test" then signs in with it and no prompt; "account
# remove" takes it out of the keyring again.
#
# Usage: dbus-run-session -- test-keyring.py PIGEON-TOOL

import os
import shutil
import subprocess
import sys
import tempfile
import time

tool = sys.argv[1]
e = os.environ
if shutil.which("gnome-keyring-daemon") is None or shutil.which("secret-tool") is None:
    print("1..0 # SKIP gnome-keyring-daemon or secret-tool is not installed")
    sys.exit(0)

tmp = tempfile.mkdtemp(prefix="pigeon-keyring-")
results = []


def ok(cond, name):
    results.append((bool(cond), name))
    print(("ok" if cond else "not ok") + " %d - %s" % (len(results), name), flush=True)


# The keyring keeps its (encrypted) files outside Pigeon's XDG directories,
# so that the search for the password below covers only Pigeon's files.
keyring_env = dict(e, XDG_DATA_HOME=tmp + "/keyring-data", XDG_CONFIG_HOME=tmp + "/keyring-config")
# --unlock makes and unlocks the login keyring; --start then registers the
# running daemon on this D-Bus session, so that nothing is activated with
# the user's own keyring.
daemon = subprocess.run(["gnome-keyring-daemon", "--unlock", "--components=secrets"],
                        input="keyring-unlock-password", env=keyring_env, capture_output=True, text=True,
                        timeout=30)
started = subprocess.run(["gnome-keyring-daemon", "--start", "--components=secrets"], env=keyring_env,
                         stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=30)
for line in (daemon.stdout + started.stdout).splitlines():
    key, _, value = line.partition("=")
    if key:
        os.environ[key] = value

env = dict(os.environ, XDG_DATA_HOME=tmp + "/data", XDG_CONFIG_HOME=tmp + "/config",
           XDG_CACHE_HOME=tmp + "/cache", G_DEBUG="")
env.pop("PIGEON_SECRET_SERVICE", None)
host, port = e["PIGEON_TEST_HOST"], e["PIGEON_TEST_IMAPS_PORT"]
user, password = e["PIGEON_TEST_USER_A"], e["PIGEON_TEST_PASSWORD_A"]


def run(args):
    # No stdin: a prompt for the password would fail the command.
    return subprocess.run([tool] + args, env=env, stdin=subprocess.DEVNULL, capture_output=True, text=True,
                          timeout=60)


def keyring_lookup():
    # secret-tool waits for the daemon to answer; give it a few tries.
    for _ in range(20):
        p = subprocess.run(["secret-tool", "lookup", "protocol", "imap", "host", host, "port", port, "user", user],
                           capture_output=True, text=True, timeout=30)
        if p.returncode == 0 or "not" not in p.stderr:
            return p.stdout
        time.sleep(0.1)
    return ""


def files_containing(secret):
    found = []
    for root in (tmp + "/data", tmp + "/config", tmp + "/cache"):
        for folder, _, names in os.walk(root):
            for name in names:
                path = os.path.join(folder, name)
                with open(path, "rb") as f:
                    if secret.encode() in f.read():
                        found.append(path)
    return found


print("1..6", flush=True)
ok(daemon.returncode == 0 and started.returncode == 0, "gnome-keyring-daemon started and unlocked")
with open(tmp + "/password", "w") as f:
    f.write(password)
p = run(["account", "add", "alice", "--address", user, "--imap", "%s:%s" % (host, port),
         "--smtp", "%s:%s" % (host, e["PIGEON_TEST_SMTPS_PORT"]), "--password-file", tmp + "/password",
         "--ca-file", e["PIGEON_TEST_CA"]])
os.unlink(tmp + "/password")
ok(p.returncode == 0, "account add alice with a password file")
if p.returncode != 0:
    print("# " + (p.stdout + p.stderr).replace("\n", "\n# "))
ok(keyring_lookup() == password, "the Secret Service holds the IMAP password under Pigeon's schema")
ok(files_containing(password) == [], "no file under the XDG directories contains the password")
p = run(["account", "test", "alice"])
ok(p.returncode == 0 and password not in p.stdout + p.stderr, "account test signs in with the stored password")
if p.returncode != 0:
    print("# " + (p.stdout + p.stderr).replace("\n", "\n# "))
p = run(["account", "remove", "alice"])
left = keyring_lookup()
ok(p.returncode == 0 and left == "", "account remove takes the password out of the keyring")
if p.returncode != 0 or left:
    print("# " + (p.stdout + p.stderr).replace("\n", "\n# ") + " left: %d chars" % len(left))
subprocess.run(["pkill", "-f", "gnome-keyring-daemon.*" + tmp], check=False)
sys.exit(0 if all(r for r, _ in results) else 1)
