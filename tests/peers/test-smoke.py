#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Smoke test of the real peers, with tools that are not Pigeon.

Run under `pigeon-peers run -- python3 test-smoke.py` (or after sourcing
DIR/env).  Sends two messages from user A to user B through Exim (swaks:
STARTTLS + AUTH PLAIN on the submission port, implicit TLS + AUTH LOGIN on
the SMTPS port), then finds both in B's INBOX with imaplib (STARTTLS and
IMAPS) and poplib (STLS and POP3S).  Also checks the properties later
security tests rely on: no AUTH before STARTTLS (Exim), LOGINDISABLED and no
plaintext login before STARTTLS (Dovecot), certificates that verify only
against the test CA and for 127.0.0.1/localhost.  Output is TAP.
"""

import base64
import glob
import imaplib
import os
import poplib
import shutil
import smtplib
import socket
import ssl
import subprocess
import sys
import time
import traceback

DELIVERY_TIMEOUT = 30.0
NET_TIMEOUT = 15

ENV_NAMES = [
    "PIGEON_PEERS_DIR", "PIGEON_TEST_HOST", "PIGEON_TEST_DOMAIN",
    "PIGEON_TEST_CA", "PIGEON_TEST_IMAP_PORT", "PIGEON_TEST_IMAPS_PORT",
    "PIGEON_TEST_POP3_PORT", "PIGEON_TEST_POP3S_PORT", "PIGEON_TEST_SMTP_PORT",
    "PIGEON_TEST_SMTPS_PORT", "PIGEON_TEST_LMTP_SOCKET",
    "PIGEON_TEST_MAIL_ROOT", "PIGEON_TEST_USER_A", "PIGEON_TEST_PASSWORD_A",
    "PIGEON_TEST_USER_B", "PIGEON_TEST_PASSWORD_B",
]


class Fail(Exception):
    pass


def expect(cond, message):
    if not cond:
        raise Fail(message)


class Tap:
    def __init__(self):
        self.n = 0
        self.failed = []

    def diag(self, text):
        for line in str(text).rstrip("\n").split("\n"):
            print(f"# {line}", flush=True)

    def run(self, name, fn, *args):
        """Run one check; return its result, or None when it failed."""
        self.n += 1
        t0 = time.monotonic()
        try:
            result = fn(*args)
        except Skip as s:
            print(f"ok {self.n} - {name} # SKIP {s}", flush=True)
            return None
        except Fail as e:
            print(f"not ok {self.n} - {name}", flush=True)
            self.diag(str(e))
            self.failed.append(name)
            return None
        except Exception as e:
            print(f"not ok {self.n} - {name}", flush=True)
            self.diag(f"{type(e).__name__}: {e}")
            self.diag(traceback.format_exc())
            self.failed.append(name)
            return None
        print(f"ok {self.n} - {name} ({time.monotonic() - t0:.2f} s)",
              flush=True)
        return result if result is not None else True


class Skip(Exception):
    pass


def load_env():
    missing = [n for n in ENV_NAMES if not os.environ.get(n)]
    expect(not missing,
           "missing environment variables: " + " ".join(missing) +
           "\nrun me as `tests/peers/pigeon-peers run -- python3 "
           "tests/peers/test-smoke.py`, or source DIR/env after"
           " `pigeon-peers start DIR`")
    env = {n: os.environ[n] for n in ENV_NAMES}
    expect(os.path.isfile(env["PIGEON_TEST_CA"]),
           f"PIGEON_TEST_CA={env['PIGEON_TEST_CA']} is not a file")
    return env


def main():
    tap = Tap()
    t_start = time.monotonic()
    env = tap.run("environment from pigeon-peers is complete", load_env)
    if env is None:
        print("1..1")
        return 1
    host = env["PIGEON_TEST_HOST"]
    ca = env["PIGEON_TEST_CA"]
    port = {k: int(env[f"PIGEON_TEST_{k}_PORT"])
            for k in ("IMAP", "IMAPS", "POP3", "POP3S", "SMTP", "SMTPS")}
    user_a, pass_a = env["PIGEON_TEST_USER_A"], env["PIGEON_TEST_PASSWORD_A"]
    user_b, pass_b = env["PIGEON_TEST_USER_B"], env["PIGEON_TEST_PASSWORD_B"]
    domain = env["PIGEON_TEST_DOMAIN"]

    def ctx():
        c = ssl.create_default_context(cafile=ca)
        expect(c.check_hostname and c.verify_mode == ssl.CERT_REQUIRED,
               "ssl context does not verify")
        return c

    tag = f"{os.getpid()}-{int(time.time() * 1000)}"
    messages = {
        "starttls-plain": {"subject": f"pigeon smoke STARTTLS PLAIN {tag}",
                           "id": f"<smoke-starttls-{tag}@{domain}>"},
        "smtps-login": {"subject": f"pigeon smoke SMTPS LOGIN {tag}",
                        "id": f"<smoke-smtps-{tag}@{domain}>"},
    }

    # ---------------------------------------------------------------- TLS
    def tls_handshake(hostname, context):
        with socket.create_connection((host, port["IMAPS"]),
                                      timeout=NET_TIMEOUT) as raw:
            with context.wrap_socket(raw, server_hostname=hostname) as s:
                return s.getpeercert()

    def tls_verifies():
        cert = tls_handshake(host, ctx())
        sans = cert.get("subjectAltName", ())
        expect(("IP Address", "127.0.0.1") in sans and
               ("DNS", "localhost") in sans,
               f"certificate SANs are {sans}")
        tls_handshake("localhost", ctx())

    def tls_rejects_wrong_trust():
        try:
            tls_handshake(host, ssl.create_default_context(
                cafile=None, capath="/nonexistent"))
        except ssl.SSLCertVerificationError:
            pass
        else:
            raise Fail("the server certificate verified without the test CA")
        try:
            tls_handshake("not-this-host.invalid", ctx())
        except ssl.SSLCertVerificationError:
            pass
        else:
            raise Fail("the certificate verified for a name not in its SANs")

    tap.run("TLS certificate verifies against PIGEON_TEST_CA for 127.0.0.1"
            " and localhost", tls_verifies)
    tap.run("TLS certificate fails without the CA and for another name",
            tls_rejects_wrong_trust)

    # --------------------------------------------------------------- SMTP
    def smtp_no_auth_before_tls():
        with smtplib.SMTP(host, port["SMTP"], timeout=NET_TIMEOUT) as s:
            code, _ = s.ehlo("smoke.pigeon.test")
            expect(code == 250, f"EHLO answered {code}")
            expect(s.has_extn("starttls"),
                   f"STARTTLS not advertised: {s.esmtp_features}")
            expect(not s.has_extn("auth"),
                   f"AUTH advertised before STARTTLS: {s.esmtp_features}")
            blob = base64.b64encode(f"\0{user_a}\0{pass_a}".encode()).decode()
            code, msg = s.docmd("AUTH", f"PLAIN {blob}")
            expect(code >= 500,
                   f"AUTH PLAIN before STARTTLS answered {code} {msg!r}")
            code, msg = s.mail(user_a)
            code, msg = s.rcpt(user_b)
            expect(code >= 500, f"unauthenticated RCPT answered {code} {msg!r}")

    def smtp_starttls_policy():
        with smtplib.SMTP(host, port["SMTP"], timeout=NET_TIMEOUT) as s:
            s.ehlo("smoke.pigeon.test")
            code, msg = s.starttls(context=ctx())
            expect(code == 220, f"STARTTLS answered {code} {msg!r}")
            s.ehlo("smoke.pigeon.test")
            mechs = s.esmtp_features.get("auth", "").upper().split()
            expect("PLAIN" in mechs and "LOGIN" in mechs,
                   f"AUTH after STARTTLS offers {mechs}")
            # Not authenticated yet: RCPT is refused with a clear message.
            s.mail(user_a)
            code, msg = s.rcpt(user_b)
            expect(code >= 500 and b"authenticate" in msg,
                   f"unauthenticated RCPT answered {code} {msg!r}")
            s.rset()
            try:
                s.login(user_a, pass_a + "-wrong")
            except smtplib.SMTPAuthenticationError as e:
                expect(e.smtp_code == 535, f"bad password answered {e}")
            else:
                raise Fail("a wrong password was accepted")
            s.login(user_a, pass_a)
            s.mail(user_a)
            code, msg = s.rcpt("someone@example.com")
            expect(code >= 500 and b"relay" in msg,
                   f"RCPT to another domain answered {code} {msg!r}")
            code, msg = s.rcpt(f"nobody-here@{domain}")
            expect(code >= 500, f"RCPT to an unknown user answered {code}"
                   f" {msg!r}")
            code, msg = s.rcpt(user_b)
            expect(code == 250, f"authenticated RCPT answered {code} {msg!r}")
            s.rset()

    def smtps_offers_auth():
        with smtplib.SMTP_SSL(host, port["SMTPS"], timeout=NET_TIMEOUT,
                              context=ctx()) as s:
            s.ehlo("smoke.pigeon.test")
            mechs = s.esmtp_features.get("auth", "").upper().split()
            expect("PLAIN" in mechs and "LOGIN" in mechs,
                   f"AUTH on the SMTPS port offers {mechs}")
            expect(not s.has_extn("starttls"),
                   "STARTTLS advertised inside implicit TLS")

    tap.run("Exim submission: STARTTLS offered, no AUTH and no relaying"
            " before TLS", smtp_no_auth_before_tls)
    tap.run("Exim submission: after STARTTLS, AUTH PLAIN/LOGIN; bad password,"
            " unauthenticated, foreign and unknown recipients refused",
            smtp_starttls_policy)
    tap.run("Exim SMTPS: implicit TLS offers AUTH PLAIN/LOGIN",
            smtps_offers_auth)

    # ------------------------------------------------------------- swaks
    swaks = shutil.which("swaks")
    swaks_tls = False
    if swaks:
        swaks_tls = subprocess.run(
            ["perl", "-MNet::SSLeay", "-e", "1"], stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL).returncode == 0
    why_not = None
    if not swaks:
        why_not = "swaks not installed (Debian package swaks)"
    elif not swaks_tls:
        why_not = ("swaks cannot do TLS: Perl's Net::SSLeay is missing"
                   " (Debian package libnet-ssleay-perl)")

    def send_swaks(key, tls_args, mech, smtp_port):
        m = messages[key]
        argv = [swaks, "--server", host, "--port", str(smtp_port),
                *tls_args, "--tls-verify", "--tls-ca-path", ca,
                "--auth", mech, "--auth-user", user_a,
                "--auth-password", pass_a,
                "--from", user_a, "--to", user_b,
                "--helo", "smoke.pigeon.test",
                "--header", f"Subject: {m['subject']}",
                "--header", f"Message-Id: {m['id']}",
                "--body", f"Sent by test-smoke.py ({key}).",
                "--timeout", str(NET_TIMEOUT)]
        r = subprocess.run(argv, stdin=subprocess.DEVNULL,
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           timeout=60)
        out = r.stdout.decode("utf-8", "replace")
        expect(r.returncode == 0,
               f"swaks exited {r.returncode}:\n{out}")
        expect("TLS started with cipher" in out,
               f"swaks did not use TLS:\n{out}")
        expect("Authentication succeeded" in out,
               f"swaks did not authenticate:\n{out}")

    def send_smtplib(key, implicit, mech, smtp_port):
        m = messages[key]
        body = (f"From: {user_a}\r\nTo: {user_b}\r\n"
                f"Subject: {m['subject']}\r\nMessage-Id: {m['id']}\r\n\r\n"
                f"Sent by test-smoke.py with smtplib ({key}).\r\n")
        if implicit:
            s = smtplib.SMTP_SSL(host, smtp_port, timeout=NET_TIMEOUT,
                                 context=ctx())
        else:
            s = smtplib.SMTP(host, smtp_port, timeout=NET_TIMEOUT)
            s.ehlo("smoke.pigeon.test")
            s.starttls(context=ctx())
        with s:
            s.ehlo("smoke.pigeon.test")
            if mech == "PLAIN":
                s.auth("PLAIN", lambda challenge=None:
                       f"\0{user_a}\0{pass_a}")
            else:
                s.user, s.password = user_a, pass_a
                s.auth("LOGIN", s.auth_login)
            s.sendmail(user_a, [user_b], body)

    def send(key, implicit, mech, smtp_port):
        if why_not is None:
            tls_args = ["--tls-on-connect"] if implicit else ["--tls"]
            return send_swaks(key, tls_args, mech, smtp_port)
        send_smtplib(key, implicit, mech, smtp_port)
        raise Skip(f"{why_not}; sent with smtplib instead")

    if why_not:
        tap.diag(f"WARNING: {why_not}")
    tap.run("swaks: alice -> bob via submission, STARTTLS (verified against"
            " the CA), AUTH PLAIN", send, "starttls-plain", False, "PLAIN",
            port["SMTP"])
    tap.run("swaks: alice -> bob via SMTPS, implicit TLS (verified against"
            " the CA), AUTH LOGIN", send, "smtps-login", True, "LOGIN",
            port["SMTPS"])

    # --------------------------------------------------------------- IMAP
    def imap_find_all(imap):
        """Return {key: True} for the messages found in INBOX (read-only)."""
        typ, _ = imap.select("INBOX", readonly=True)
        expect(typ == "OK", "SELECT INBOX failed")
        found = {}
        for key, m in messages.items():
            typ, data = imap.search(None, "SUBJECT", f'"{m["subject"]}"')
            expect(typ == "OK", f"SEARCH failed: {data}")
            nums = data[0].split()
            if len(nums) != 1:
                continue
            typ, data = imap.fetch(
                nums[0], "(BODY.PEEK[HEADER.FIELDS (SUBJECT MESSAGE-ID)])")
            expect(typ == "OK", f"FETCH failed: {data}")
            headers = data[0][1].decode("utf-8", "replace")
            expect(m["id"].lower() in headers.lower(),
                   f"message {key} has the wrong Message-ID:\n{headers}")
            found[key] = True
        imap.close()
        return found

    def imap_wait(connect):
        """Poll a fresh session until both messages are there (delivery is
        asynchronous)."""
        deadline = time.monotonic() + DELIVERY_TIMEOUT
        while True:
            imap = connect()
            try:
                typ, _ = imap.login(user_b, pass_b)
                expect(typ == "OK", "LOGIN failed")
                found = imap_find_all(imap)
            finally:
                try:
                    imap.logout()
                except Exception:
                    pass
            if len(found) == len(messages):
                return
            if time.monotonic() > deadline:
                missing = [k for k in messages if k not in found]
                raise Fail(f"not in {user_b}'s INBOX after"
                           f" {DELIVERY_TIMEOUT:.0f} s: {missing}; see the Exim"
                           f" and Dovecot logs in {env['PIGEON_PEERS_DIR']}/log")
            time.sleep(0.2)

    def imap_plaintext_refused():
        imap = imaplib.IMAP4(host, port["IMAP"], timeout=NET_TIMEOUT)
        try:
            caps = imap.capabilities
            expect("STARTTLS" in caps, f"STARTTLS not advertised: {caps}")
            expect("LOGINDISABLED" in caps,
                   f"LOGINDISABLED not advertised before STARTTLS: {caps}")
            expect(not any(c.startswith("AUTH=") for c in caps),
                   f"AUTH= mechanisms advertised before STARTTLS: {caps}")
            try:
                imap.login(user_b, pass_b)
            except imaplib.IMAP4.error:
                pass
            else:
                raise Fail("plaintext LOGIN succeeded before STARTTLS")
        finally:
            imap.shutdown()

    def imap_starttls():
        def connect():
            imap = imaplib.IMAP4(host, port["IMAP"], timeout=NET_TIMEOUT)
            imap.starttls(ssl_context=ctx())
            expect("LOGINDISABLED" not in imap.capabilities,
                   f"LOGINDISABLED after STARTTLS: {imap.capabilities}")
            return imap
        imap_wait(connect)

    def imaps():
        imap_wait(lambda: imaplib.IMAP4_SSL(host, port["IMAPS"],
                                            ssl_context=ctx(),
                                            timeout=NET_TIMEOUT))

    tap.run("Dovecot IMAP: LOGINDISABLED and LOGIN refused before STARTTLS",
            imap_plaintext_refused)
    tap.run("imaplib STARTTLS: both messages in bob's INBOX", imap_starttls)
    tap.run("imaplib IMAPS: both messages in bob's INBOX", imaps)

    # --------------------------------------------------------------- POP3
    def pop_find_all(pop):
        found = {}
        count, _ = pop.stat()
        for n in range(1, count + 1):
            _, lines, _ = pop.top(n, 0)
            head = b"\n".join(lines).decode("utf-8", "replace").lower()
            for key, m in messages.items():
                if f"message-id: {m['id']}".lower() in head and \
                        m["subject"].lower() in head:
                    found[key] = True
        return found

    def pop_check(pop):
        pop.user(user_b)
        pop.pass_(pass_b)
        found = pop_find_all(pop)
        missing = [k for k in messages if k not in found]
        expect(not missing, f"not in {user_b}'s POP3 maildrop: {missing}")

    def pop_plaintext_refused():
        pop = poplib.POP3(host, port["POP3"], timeout=NET_TIMEOUT)
        try:
            caps = pop.capa()
            expect("STLS" in caps, f"STLS not advertised: {caps}")
            sasl = caps.get("SASL", [])
            expect(not sasl, f"SASL {sasl} advertised before STLS")
            try:
                pop.user(user_b)
                pop.pass_(pass_b)
            except poplib.error_proto:
                pass
            else:
                raise Fail("USER/PASS succeeded before STLS")
        finally:
            pop.close()

    def pop_stls():
        pop = poplib.POP3(host, port["POP3"], timeout=NET_TIMEOUT)
        try:
            pop.stls(context=ctx())
            pop_check(pop)
        finally:
            try:
                pop.quit()
            except Exception:
                pop.close()

    def pop3s():
        pop = poplib.POP3_SSL(host, port["POP3S"], context=ctx(),
                              timeout=NET_TIMEOUT)
        try:
            pop_check(pop)
        finally:
            try:
                pop.quit()
            except Exception:
                pop.close()

    tap.run("Dovecot POP3: STLS offered, USER/PASS refused before STLS",
            pop_plaintext_refused)
    tap.run("poplib STLS: both messages in bob's maildrop", pop_stls)
    tap.run("poplib POP3S: both messages in bob's maildrop", pop3s)

    # ------------------------------------------------------------ maildir
    def maildir_has_both():
        root = os.path.join(env["PIGEON_TEST_MAIL_ROOT"], user_b)
        files = glob.glob(f"{root}/new/*") + glob.glob(f"{root}/cur/*")
        found = set()
        for path in files:
            with open(path, "rb") as f:
                data = f.read().decode("utf-8", "replace").lower()
            for key, m in messages.items():
                if m["id"].lower() in data:
                    found.add(key)
        expect(found == set(messages),
               f"{root} holds {sorted(found)} of {sorted(messages)}")
        expect(os.path.exists(env["PIGEON_TEST_LMTP_SOCKET"]),
               "PIGEON_TEST_LMTP_SOCKET does not exist")

    tap.run("both messages are files in PIGEON_TEST_MAIL_ROOT/<bob>/",
            maildir_has_both)

    print(f"1..{tap.n}")
    tap.diag(f"smoke test took {time.monotonic() - t_start:.1f} s")
    if tap.failed:
        tap.diag(f"{len(tap.failed)} of {tap.n} failed: "
                 + "; ".join(tap.failed))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
