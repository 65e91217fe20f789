"""The command line: help, exit codes, `init`, `user add|list|disable|enable|reset-password`,
`migrate`, `check`, and `serve`'s refusals — with a server running on the same data."""
import getpass
import hashlib
import http.client
import os
import re
import shutil
import stat
import subprocess
import tempfile
import unittest

from harness import (API, BIN, PG_URL, Client, ServerTestCase, free_port, mamori,
                     sanitizer_lines, strong_password)


def commands():
    r = mamori("--help")
    return re.findall(r"^  (\w+) ", r.stdout, re.M)


class HelpTest(unittest.TestCase):

    def test_main_help(self):
        r = mamori("--help")
        self.assertEqual(r.returncode, 0, r.stderr)
        names = commands()
        for c in ("init", "serve", "migrate", "user", "backup", "audit", "jobs", "routes"):
            self.assertIn(c, names)
        r = mamori()
        self.assertEqual(r.returncode, 2)
        self.assertIn("usage", r.stderr)
        r = mamori("frobnicate")
        self.assertEqual(r.returncode, 2)
        self.assertIn("unknown command", r.stderr)

    def test_each_subcommand_has_help(self):
        for c in commands():
            with self.subTest(command=c):
                r = mamori(c, "--help")
                self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
                self.assertIn("usage: mamori " + c, r.stdout)
                self.assertEqual(r.stderr, "")

    def test_missing_data_and_bad_options(self):
        for args in (("user", "list"), ("audit", "verify"), ("jobs", "run"), ("backup", "x.db"),
                     ("migrate",), ("serve",)):
            with self.subTest(args=args):
                r = mamori(*args)
                self.assertEqual(r.returncode, 2, r.stdout + r.stderr)
                self.assertIn("--data", r.stderr)
        r = mamori("user", "list", "--no-such-option")
        self.assertEqual(r.returncode, 2)
        r = mamori("audit", "frob", "--data", "/nonexistent")
        self.assertEqual(r.returncode, 2)
        r = mamori("user", "list", "--data", "/nonexistent/mamori")
        self.assertEqual(r.returncode, 2)
        self.assertIn("mamori init", r.stderr)  # says what to do


@unittest.skipIf(PG_URL, "creates its own SQLite data folders")
class InitTest(unittest.TestCase):

    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="mamori-init-")
        self.data = os.path.join(self.tmp, "data")

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def test_init_creates_key_and_prints_a_one_time_password(self):
        r = mamori("init", "--data", self.data)
        self.assertEqual(r.returncode, 0, r.stderr)
        m = re.search(r"one-time password:\s+(\S+)", r.stdout)
        self.assertIsNotNone(m, r.stdout)
        self.assertEqual(len(m.group(1)), 14)
        key = os.path.join(self.data, "master.key")
        self.assertEqual(stat.S_IMODE(os.stat(key).st_mode), 0o600)
        self.assertEqual(stat.S_IMODE(os.stat(self.data).st_mode), 0o700)
        self.assertRegex(open(key).read(), r"^[0-9a-f]{64}\n$")
        self.assertTrue(os.path.exists(os.path.join(self.data, "mamori.db")))

    def test_init_refuses_an_existing_folder(self):
        self.assertEqual(mamori("init", "--data", self.data).returncode, 0)
        files = {f: hashlib.sha256(open(os.path.join(self.data, f), "rb").read()).hexdigest()
                 for f in os.listdir(self.data)}
        r = mamori("init", "--data", self.data, env={"MAMORI_INIT_PASSWORD": "Other-pass-123"})
        self.assertEqual(r.returncode, 2, r.stdout)
        self.assertIn("nothing changed", r.stderr)
        after = {f: hashlib.sha256(open(os.path.join(self.data, f), "rb").read()).hexdigest()
                 for f in os.listdir(self.data)}
        self.assertEqual(files, after)
        # A folder with only a database (key lost) is refused too.
        os.remove(os.path.join(self.data, "master.key"))
        r = mamori("init", "--data", self.data)
        self.assertEqual(r.returncode, 2)
        self.assertFalse(os.path.exists(os.path.join(self.data, "master.key")))

    def test_init_password_must_meet_the_policy(self):
        for weak in ("short1", "password123", "onlyletters", "admin12345"):
            with self.subTest(weak=weak):
                r = mamori("init", "--data", self.data, env={"MAMORI_INIT_PASSWORD": weak})
                self.assertEqual(r.returncode, 2, r.stdout)
                self.assertFalse(os.path.exists(os.path.join(self.data, "master.key")))
        r = mamori("init", "--data", self.data, env={"MAMORI_INIT_PASSWORD": "Strong-enough-42"})
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertNotIn("Strong-enough-42", r.stdout)

    def test_key_readable_by_others_is_refused(self):
        self.assertEqual(mamori("init", "--data", self.data).returncode, 0)
        os.chmod(os.path.join(self.data, "master.key"), 0o644)
        r = mamori("user", "list", "--data", self.data)
        self.assertEqual(r.returncode, 2)
        self.assertIn("chmod 600", r.stderr)


class UserCommandsTest(ServerTestCase):
    """The CLI on the data folder of a running server."""

    def cli(self, *args):
        return self.srv.cli(*args)

    def test_add_list_disable_enable_reset(self):
        r = self.cli("user", "add", "--login", "cli_user", "--name", "コマンド 花子",
                     "--email", "cli@example.jp", "--role", "manager", "--role", "employee",
                     "--employment-type", "contract", "--valid-until", "2099-12-31",
                     "--purpose", "CLI test")
        self.assertEqual(r.returncode, 0, r.stderr)
        otp = re.search(r"one-time password: (\S+)", r.stdout).group(1)
        uid = int(re.search(r"\(id (\d+)\)", r.stdout).group(1))
        u = self.admin.client.get(API + "/users/%d" % uid).json
        self.assertEqual(u["login"], "cli_user")
        self.assertEqual(u["name"], "コマンド 花子")
        self.assertEqual(sorted(u["roles"]), ["employee", "manager"])
        self.assertEqual(u["employment_type"], "contract")
        self.assertEqual(u["valid_until"], "2099-12-31")
        self.assertTrue(u["must_change_password"])
        ev = self.admin.client.get(API + "/audit/events?action=user.create&object_id=%d" % uid)
        self.assertEqual(ev.json["items"][0]["actor_login"], "cli:" + getpass.getuser())
        self.assertEqual(ev.json["items"][0]["ip"], "cli")
        # The one-time password signs in and must be changed.
        c = Client(self.srv)
        self.assertEqual(c.sign_in("cli_user", otp).status, 200)
        self.assertProblem(c.get(API + "/users"), 403, "password_change_required")
        pw = strong_password()
        self.assertEqual(c.post(API + "/me/password", {"current_password": otp,
                                                       "new_password": pw}).status, 204)
        # list
        r = self.cli("user", "list")
        self.assertEqual(r.returncode, 0, r.stderr)
        line = [l for l in r.stdout.splitlines() if " cli_user " in l]
        self.assertEqual(len(line), 1, r.stdout)
        self.assertIn("active", line[0])
        self.assertIn("2099-12-31", line[0])
        self.assertTrue(r.stdout.splitlines()[0].startswith("ID"))
        # disable: signed out, cannot sign in, audited with the reason.
        r = self.cli("user", "disable", "cli_user", "--reason", "left the company")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertProblem(c.get(API + "/session"), 401)
        self.assertProblem(Client(self.srv).sign_in("cli_user", pw), 401, "invalid_credentials")
        self.assertIn("disabled", [l for l in self.cli("user", "list").stdout.splitlines()
                                   if " cli_user " in l][0])
        ev = self.admin.client.get(API + "/audit/events?action=user.disable&object_id=%d" % uid)
        self.assertEqual(ev.json["items"][0]["summary"]["reason"], "left the company")
        u = self.admin.client.get(API + "/users/%d" % uid).json
        self.assertEqual(u["disabled_reason"], "left the company")
        # enable
        r = self.cli("user", "enable", "CLI_USER")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(Client(self.srv).sign_in("cli_user", pw).status, 200)
        # reset-password
        r = self.cli("user", "reset-password", "cli_user")
        self.assertEqual(r.returncode, 0, r.stderr)
        otp2 = re.search(r"one-time password for cli_user: (\S+)", r.stdout).group(1)
        self.assertProblem(Client(self.srv).sign_in("cli_user", pw), 401)
        r = Client(self.srv).sign_in("cli_user", otp2)
        self.assertEqual(r.status, 200)
        self.assertTrue(r.json["user"]["must_change_password"])

    def test_refusals(self):
        self.assertEqual(self.cli("user", "add", "--login", "cli_dup", "--name", "x").returncode, 0)
        count = len(self.admin.client.get(API + "/users?limit=200").json["items"])
        for args, words in (
                (("--login", "CLI_DUP", "--name", "x"), "login"),
                (("--login", "cli_bad", "--name", "x", "--role", "wizard"), "roles"),
                (("--login", "cli_bad", "--name", "x", "--employment-type", "intern"),
                 "employment_type"),
                (("--login", "cli_bad", "--name", "x", "--valid-until", "2001-01-01"),
                 "valid_until"),
                (("--login", "bad login", "--name", "x"), "login"),
                (("--name", "no login"), "login")):
            with self.subTest(args=args):
                r = self.cli("user", "add", *args)
                self.assertEqual(r.returncode, 2, r.stdout)
                self.assertIn(words, r.stderr)
                self.assertNotIn("one-time password", r.stdout)
        self.assertEqual(len(self.admin.client.get(API + "/users?limit=200").json["items"]), count)
        r = self.cli("user", "disable", "nobody-at-all")
        self.assertEqual(r.returncode, 2)
        self.assertIn("no user", r.stderr)
        r = self.cli("user", "disable")
        self.assertEqual(r.returncode, 2)
        r = self.cli("user", "frobnicate", "admin")
        self.assertEqual(r.returncode, 2)
        # The last administrator cannot be disabled, not even from the shell.
        r = self.cli("user", "disable", "admin")
        self.assertEqual(r.returncode, 2, r.stdout)
        self.assertIn("last active administrator", r.stderr)
        self.assertEqual(self.admin.client.get(API + "/session").status, 200)

    def test_migrate_and_check(self):
        r = self.cli("migrate")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertRegex(r.stdout, r"schema is at version \d+")
        r = self.cli("check")
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertIn("audit trail: intact", r.stdout)

    def test_serve_refuses_bad_options(self):
        for args in (("--listen", "nonsense"), ("--listen", "127.0.0.1:99999"),
                     ("--listen", "localhost:8080"), ("--threads", "0"), ("--threads", "x")):
            with self.subTest(args=args):
                r = self.srv.cli("serve", *args, timeout=30)
                self.assertEqual(r.returncode, 2, r.stdout + r.stderr)
        # The port of the running server is taken: no address is printed as if it worked, and
        # the message says how to choose another port.
        r = self.srv.cli("serve", "--listen", "127.0.0.1:%d" % self.srv.port, timeout=15)
        self.assertEqual(r.returncode, 2, r.stdout + r.stderr)
        self.assertIn("cannot listen", r.stderr)
        self.assertIn("MAMORI_LISTEN=127.0.0.1:8081 make run", r.stderr)
        self.assertIn("--listen 127.0.0.1:8081", r.stderr)
        self.assertNotIn("serving on", r.stdout)


@unittest.skipIf(PG_URL, "creates its own SQLite data folder")
class ServeAddressTest(unittest.TestCase):

    def test_the_address_is_printed_once_it_answers(self):
        tmp = tempfile.mkdtemp(prefix="mamori-serve-")
        data = os.path.join(tmp, "data")
        try:
            self.assertEqual(mamori("init", "--data", data).returncode, 0)
            port = free_port()
            env = dict(os.environ)
            env.pop("MAMORI_INIT_PASSWORD", None)
            p = subprocess.Popen([BIN, "serve", "--data", data, "--listen",
                                  "127.0.0.1:%d" % port], stdout=subprocess.PIPE,
                                 stderr=subprocess.PIPE, text=True, env=env)
            try:
                line = p.stdout.readline()
                # The moment the address is printed, it answers.
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                conn.request("GET", "/healthz")
                self.assertEqual(conn.getresponse().status, 200)
                conn.close()
                self.assertIn("serving on http://127.0.0.1:%d/" % port, line)
                self.assertIn("Ctrl-C", line)
            finally:
                p.terminate()
                out, err = p.communicate(timeout=30)
            self.assertEqual(p.returncode, 0, err)
            self.assertNotIn("serving on", out, "printed once")
            self.assertFalse(sanitizer_lines(err), err)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
