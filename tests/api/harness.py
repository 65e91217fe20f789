"""
harness.py — the real mamori binary on a free port with a fresh data folder, and HTTP
clients that behave like a browser (cookie jar, X-CSRF-Token on unsafe methods).

Builds nothing. The binary is $MAMORI_BIN (default build/san/mamori, the ASan/UBSan build;
`make build/san/mamori`). With $MAMORI_DB set (a PostgreSQL URL) every server and CLI call
gets `--db $MAMORI_DB`, and each Server starts from an empty schema.

A Server is stopped with SIGTERM; stopping asserts exit code 0, no sanitizer report and no
5xx answer in its log. Python standard library only.
"""
import base64
import datetime
import hashlib
import hmac
import http.client
import json
import os
import re
import secrets
import shutil
import signal
import socket
import sqlite3
import struct
import subprocess
import tempfile
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))


def _bin():
    b = os.environ.get("MAMORI_BIN") or "build/san/mamori"
    return b if os.path.isabs(b) else os.path.join(REPO, b)


BIN = _bin()
PG_URL = os.environ.get("MAMORI_DB") or None
INIT_PASSWORD = "Start4route9"          # MAMORI_INIT_PASSWORD for every `mamori init`
ADMIN_PASSWORD = "Adm1n-keeps-watch"    # what the admin changes it to
SANITIZER_MARKS = ("AddressSanitizer", "LeakSanitizer", "runtime error", "UndefinedBehaviorSanitizer")
API = "/api/v1"


def org_today():
    """The organisation's day in its default time zone (Asia/Tokyo, no daylight saving): the
    day the server judges dates by. From 15:00 UTC it is already tomorrow there."""
    tokyo = datetime.timezone(datetime.timedelta(hours=9))
    return datetime.datetime.now(tokyo).date()

_NO_BODY = object()


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def sanitizer_lines(text):
    return [l for l in text.splitlines() if any(m in l for m in SANITIZER_MARKS)]


def strong_password():
    """A password that passes the default policy: letters and digits, not common."""
    return "Kq7" + secrets.token_hex(6) + "zW"


def mamori(*args, env=None, input=None, timeout=120):
    """Runs the binary with ARGS (no --data added); asserts no sanitizer report. The
    environment loses MAMORI_TEST_CLOCK_OFFSET and MAMORI_INIT_PASSWORD unless `env` sets
    them."""
    e = dict(os.environ)
    e.pop("MAMORI_TEST_CLOCK_OFFSET", None)
    e.pop("MAMORI_INIT_PASSWORD", None)
    e.update(env or {})
    cmd = [BIN] + [str(a) for a in args]
    r = subprocess.run(cmd, capture_output=True, text=True, env=e, input=input, timeout=timeout)
    problems = sanitizer_lines(r.stderr)
    if problems:
        raise AssertionError("sanitizer report from %s:\n%s" % (cmd, r.stderr[-4000:]))
    return r


# --- TOTP (RFC 6238: HMAC-SHA-1, 30 s, 6 digits) ----------------------------------------------

def totp(secret_b32, step):
    key = base64.b32decode(secret_b32.upper() + "=" * (-len(secret_b32) % 8))
    h = hmac.new(key, struct.pack(">Q", step), hashlib.sha1).digest()
    o = h[-1] & 0x0F
    return "%06d" % ((struct.unpack(">I", h[o:o + 4])[0] & 0x7FFFFFFF) % 1000000)


# --- the audit chain, independently of the server ---------------------------------------------

def kdf(key, subkey_id, context):
    """libsodium's crypto_kdf_derive_from_key: BLAKE2b-256 keyed with `key`, salt = the
    subkey id (64-bit little-endian, zero-padded), personal = the 8-byte context."""
    return hashlib.blake2b(b"", digest_size=32, key=key,
                           salt=struct.pack("<Q", subkey_id) + b"\0" * 8,
                           person=context + b"\0" * 8).digest()


def audit_key(data_dir):
    """The audit chain's key, derived from DATA/master.key as src/audit/audit.c does."""
    with open(os.path.join(data_dir, "master.key")) as f:
        return kdf(bytes.fromhex(f.read().strip()), 1, b"mamoriAU")


def _canonical(prev_hex, fields):
    def f(v):
        b = str(v).encode() if not isinstance(v, bytes) else v
        return str(len(b)).encode() + b":" + b + b"\n"
    data = bytes.fromhex(prev_hex)
    for v in fields:
        data += f(v)
    return data


def audit_event_hash(prev_hex, seq, at, actor_id, actor_login, ip, action, object_type,
                     object_id, summary, key=None):
    """BLAKE2b-256 of prev_hash || canonical bytes (each field as "<len>:<bytes>\\n"), keyed
    with the chain key (audit_key) for keyed events, unkeyed for events before keyed_from."""
    data = _canonical(prev_hex, (seq, at, actor_id, actor_login or "", ip or "", action,
                                 object_type or "", object_id, summary))
    return hashlib.blake2b(data, digest_size=32, key=key or b"").hexdigest()


def audit_head_mac(key, seq, hash_hex, keyed_from):
    """The head record's MAC: the chain's canonical form of ("head", seq, hash, keyed_from)
    and five empty fields after 32 zero bytes, keyed with subkey 2 ("mamoriHD") of the chain
    key."""
    data = _canonical("0" * 64, ("head", seq, hash_hex, keyed_from, "", "", "", "", ""))
    return hashlib.blake2b(data, digest_size=32, key=kdf(key, 2, b"mamoriHD")).hexdigest()


# --- HTTP ------------------------------------------------------------------------------------

class Resp:
    """One answer. Unpacks as (status, headers, json); .body holds the raw bytes."""

    def __init__(self, status, headers, body):
        self.status, self.headers, self.body = status, headers, body
        self.json = None
        ctype = headers.get("Content-Type", "") or ""
        if body and "json" in ctype:
            self.json = json.loads(body.decode("utf-8"))

    def __iter__(self):
        return iter((self.status, self.headers, self.json))

    @property
    def code(self):
        return self.json.get("code") if isinstance(self.json, dict) else None

    def error_fields(self):
        """{field: [codes]} of a 422 problem."""
        out = {}
        for e in (self.json or {}).get("errors", []):
            out.setdefault(e["field"], []).append(e["code"])
        return out

    def __repr__(self):
        return "<%d %s>" % (self.status, self.body[:300])


class Client:
    """A browser-like client: own cookie jar, sends X-CSRF-Token on unsafe methods. `source`
    is the local address to connect from (another loopback address, 127.0.0.2 …, is another
    client address to the server)."""

    def __init__(self, server, source=None):
        self.server = server
        self.source = source
        self.cookies = {}
        self.csrf = None
        self.last_set_cookie = []

    def request(self, method, path, body=_NO_BODY, raw=None, headers=None, csrf=True,
                content_type="application/json", chunked=False):
        conn = http.client.HTTPConnection("127.0.0.1", self.server.port, timeout=60,
                                          source_address=(self.source, 0) if self.source
                                          else None)
        hdrs = {}
        if self.cookies:
            hdrs["Cookie"] = "; ".join("%s=%s" % kv for kv in self.cookies.items())
        if csrf and self.csrf and method not in ("GET", "HEAD", "OPTIONS"):
            hdrs["X-CSRF-Token"] = self.csrf
        data = raw
        if data is None and body is not _NO_BODY:
            data = json.dumps(body).encode("utf-8")
        if data is not None and content_type:
            hdrs["Content-Type"] = content_type
        hdrs.update(headers or {})
        try:
            if chunked:
                hdrs["Transfer-Encoding"] = "chunked"
                pieces = [data[i:i + 65536] for i in range(0, len(data), 65536)]
                conn.request(method, path, body=iter(pieces), headers=hdrs, encode_chunked=True)
            else:
                conn.request(method, path, body=data, headers=hdrs)
            r = conn.getresponse()
            payload = r.read()
        finally:
            conn.close()
        self.last_set_cookie = r.headers.get_all("Set-Cookie") or []
        for sc in self.last_set_cookie:
            name, _, rest = sc.partition("=")
            value = rest.split(";", 1)[0]
            if "max-age=0" in sc.lower() or not value:
                self.cookies.pop(name.strip(), None)
            else:
                self.cookies[name.strip()] = value
        resp = Resp(r.status, r.headers, payload)
        if resp.status == 200 and isinstance(resp.json, dict) and "csrf_token" in resp.json:
            self.csrf = resp.json["csrf_token"]
        return resp

    def get(self, path, **kw):
        return self.request("GET", path, **kw)

    def post(self, path, body=_NO_BODY, **kw):
        return self.request("POST", path, body, **kw)

    def patch(self, path, body=_NO_BODY, **kw):
        return self.request("PATCH", path, body, **kw)

    def delete(self, path, body=_NO_BODY, **kw):
        return self.request("DELETE", path, body, **kw)

    def sign_in(self, login, password, totp_code=None):
        body = {"login": login, "password": password}
        if totp_code is not None:
            body["totp"] = totp_code
        return self.post(API + "/session", body)

    @property
    def token(self):
        return self.cookies.get("mamori_session")


class Account:
    """A user the tests created: credentials, second factor, and a signed-in client."""

    def __init__(self, server, login, password, id=None, client=None):
        self.server, self.login, self.password, self.id = server, login, password, id
        self.client = client
        self.secret = None
        self.recovery = []
        self.last_step = 0

    def next_totp(self, wait=True):
        """A code for a step the server has not seen from this user (it accepts ±1 step and
        each step once). Waits for the next step only if none is left and `wait`."""
        while True:
            cur = self.server.totp_step()
            step = max(cur, self.last_step + 1)
            if step <= cur + 1:
                self.last_step = step
                return totp(self.secret, step)
            if not wait:
                return None
            time.sleep(30 - (time.time() + self.server.clock_offset) % 30 + 0.2)

    def second_factor(self):
        """A TOTP code if one is free without waiting, else an unused recovery code."""
        code = self.next_totp(wait=False)
        if code is None:
            code = self.recovery.pop()
        return code

    def new_client(self, check=True):
        """A fresh, fully signed-in client for this account."""
        c = Client(self.server)
        r = c.sign_in(self.login, self.password, self.second_factor() if self.secret else None)
        if check and r.status != 200:
            raise AssertionError("sign-in of %s failed: %r" % (self.login, r))
        return c


def enrol_mfa(client, account):
    r = client.post(API + "/me/mfa")
    if r.status != 200:
        raise AssertionError("MFA start failed: %r" % r)
    account.secret = r.json["secret"]
    step = account.server.totp_step()
    r = client.post(API + "/me/mfa/confirm", {"code": totp(account.secret, step)})
    if r.status != 200:
        raise AssertionError("MFA confirm failed: %r" % r)
    account.recovery = list(r.json["recovery_codes"])
    account.last_step = step
    return r


def change_password(client, current, new):
    return client.post(API + "/me/password", {"current_password": current, "new_password": new})


# --- the server ------------------------------------------------------------------------------

class Server:
    """`mamori init` + `mamori serve` in a temporary folder, on a free port. `init_env` adds
    to the environment of `mamori init` (e.g. a pinned clock)."""

    def __init__(self, threads=4, env=None, args=(), init_env=None):
        self.tmp = tempfile.mkdtemp(prefix="mamori-api-")
        self.data = os.path.join(self.tmp, "data")
        self.log_path = os.path.join(self.tmp, "serve.log")
        self.threads = threads
        self.env = dict(env or {})
        self.args = list(args)
        self.proc = None
        self.port = None
        self.pg = PG_URL is not None
        self.clock_offset = 0
        self.admin = None
        self._log_offset = 0
        try:
            if self.pg:
                self._reset_pg()
            r = self.cli("init", env=dict(init_env or {}, MAMORI_INIT_PASSWORD=INIT_PASSWORD))
            if r.returncode != 0:
                raise RuntimeError("mamori init failed: %s %s" % (r.stdout, r.stderr))
        except BaseException:
            shutil.rmtree(self.tmp, ignore_errors=True)
            raise

    # process --------------------------------------------------------------------------------

    def _db_args(self):
        return ["--db", PG_URL] if self.pg else []

    def _reset_pg(self):
        subprocess.run(["psql", "-q", "-v", "ON_ERROR_STOP=1", PG_URL, "-c",
                        "DROP SCHEMA public CASCADE; CREATE SCHEMA public;"],
                       check=True, capture_output=True, timeout=60)

    def _env(self, extra=None):
        env = dict(os.environ)
        env.pop("MAMORI_TEST_CLOCK_OFFSET", None)
        env.setdefault("MAMORI_JOB_INTERVAL", "86400")
        env.update(self.env)
        env.update(extra or {})
        return env

    def start(self, env=None, args=None):
        """Starts (or restarts after stop()) the server; env/args replace the ones given
        at construction for this run."""
        if env is not None:
            self.env = dict(env)
        if args is not None:
            self.args = list(args)
        self.clock_offset = int(self.env.get("MAMORI_TEST_CLOCK_OFFSET", 0))
        for attempt in range(3):
            self.port = free_port()
            self._log_offset = os.path.getsize(self.log_path) if os.path.exists(self.log_path) else 0
            log = open(self.log_path, "ab")
            self.proc = subprocess.Popen(
                [BIN, "serve", "--data", self.data, "--listen", "127.0.0.1:%d" % self.port,
                 "--threads", str(self.threads)] + self._db_args() + self.args,
                stdout=subprocess.DEVNULL, stderr=log, env=self._env())
            log.close()
            deadline = time.time() + 30
            while time.time() < deadline:
                if self.proc.poll() is not None:
                    break
                try:
                    conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
                    conn.request("GET", "/healthz")
                    if conn.getresponse().status == 200:
                        conn.close()
                        return self
                    conn.close()
                except OSError:
                    pass
                time.sleep(0.05)
            if self.proc.poll() is None:
                self.proc.kill()
                self.proc.wait()
                raise RuntimeError("server did not answer /healthz:\n" + self.log_tail())
            if "cannot listen" not in self.log_tail():
                raise RuntimeError("server exited with %s:\n%s" % (self.proc.returncode,
                                                                   self.log_tail()))
        raise RuntimeError("no free port")

    def log_text(self, since_start=False):
        try:
            with open(self.log_path, "rb") as f:
                if since_start:
                    f.seek(self._log_offset)
                return f.read().decode("utf-8", "replace")
        except FileNotFoundError:
            return ""

    def log_tail(self, n=40):
        return "\n".join(self.log_text().splitlines()[-n:])

    def stop(self):
        """SIGTERM; asserts a clean exit (0), no sanitizer report and no 5xx in the log."""
        if not self.proc:
            return
        proc, self.proc = self.proc, None
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
                raise AssertionError("server did not stop within 30 s of SIGTERM")
        text = self.log_text(since_start=True)
        problems = sanitizer_lines(text)
        if problems:
            raise AssertionError("sanitizer report in the server log:\n" + "\n".join(problems[:20])
                                 + "\n" + self.log_tail(80))
        fivexx = [l for l in text.splitlines() if re.search(r'"status":5\d\d', l)]
        if fivexx:
            raise AssertionError("the server answered 5xx:\n" + "\n".join(fivexx[:20]) + "\n"
                                 + "\n".join(l for l in text.splitlines() if '"error"' in l)[:3000])
        if proc.returncode != 0:
            raise AssertionError("server exited with %d:\n%s" % (proc.returncode, self.log_tail()))

    def close(self, keep=False):
        try:
            self.stop()
        finally:
            if not keep and not os.environ.get("MAMORI_KEEP_TMP"):
                shutil.rmtree(self.tmp, ignore_errors=True)

    def restart(self, env=None, args=None):
        self.stop()
        return self.start(env=env, args=args)

    # helpers --------------------------------------------------------------------------------

    def totp_step(self):
        return int((time.time() + self.clock_offset) // 30)

    def client(self):
        return Client(self)

    def cli(self, *args, env=None, data=True, input=None, timeout=120):
        """Runs `mamori ARGS --data DIR [--db URL]`; asserts no sanitizer report."""
        extra = ["--data", self.data] + self._db_args() if data else []
        return mamori(*(list(args) + extra), env=env, input=input, timeout=timeout)

    def audit_head(self):
        r = self.cli("audit", "head")
        if r.returncode != 0:
            raise AssertionError("audit head failed: %s" % r.stderr)
        return r.stdout.strip()

    @property
    def db_path(self):
        return os.path.join(self.data, "mamori.db")

    def sql(self, query, params=()):
        """Runs SQL directly against the database (the server may be running: WAL).
        Returns the rows."""
        if self.pg:
            q = query
            for p in params:
                lit = "NULL" if p is None else (str(p) if isinstance(p, int)
                                                else "'" + str(p).replace("'", "''") + "'")
                q = q.replace("?", lit, 1)
            r = subprocess.run(["psql", "-qAtX", "-F", "\t", "-P", "null=\\N", "-v",
                                "ON_ERROR_STOP=1", PG_URL, "-c", q],
                               capture_output=True, text=True, check=True)

            def val(v):
                if v == "\\N":
                    return None
                return int(v) if re.fullmatch(r"-?(0|[1-9]\d{0,17})", v) else v
            return [tuple(val(v) for v in line.split("\t"))
                    for line in r.stdout.splitlines() if line]
        con = sqlite3.connect(self.db_path, timeout=30)
        try:
            rows = con.execute(query, params).fetchall()
            con.commit()
            return rows
        finally:
            con.close()

    # accounts -------------------------------------------------------------------------------

    def setup_admin(self):
        """Signs in as admin with the init password, changes it and enrols MFA. The
        Account (with its signed-in client) is kept as self.admin."""
        acct = Account(self, "admin", INIT_PASSWORD, id=1)
        c = Client(self)
        r = c.sign_in("admin", INIT_PASSWORD)
        if r.status != 200:
            raise AssertionError("admin sign-in failed: %r" % r)
        r = change_password(c, INIT_PASSWORD, ADMIN_PASSWORD)
        if r.status != 204:
            raise AssertionError("admin password change failed: %r" % r)
        acct.password = ADMIN_PASSWORD
        enrol_mfa(c, acct)
        acct.client = c
        self.admin = acct
        return acct

    def create_user(self, login, roles=("employee",), by=None, finish=True, **fields):
        """Creates a user through the API (as admin unless `by`), signs them in, changes the
        one-time password and enrols MFA if their roles require it. finish=False stops after
        creation (the Account then holds the one-time password and no client)."""
        by = by or self.admin.client
        body = {"login": login, "name": fields.pop("name", login.capitalize() + " Test"),
                "employment_type": fields.pop("employment_type", "regular"),
                "purpose": fields.pop("purpose", "API tests"), "roles": list(roles)}
        body.update(fields)
        r = by.post(API + "/users", body)
        if r.status != 201:
            raise AssertionError("creating %s failed: %r" % (login, r))
        acct = Account(self, login, r.json["initial_password"], id=r.json["user"]["id"])
        acct.created = r.json["user"]
        if not finish:
            return acct
        c = Client(self)
        r = c.sign_in(login, acct.password)
        if r.status != 200:
            raise AssertionError("first sign-in of %s failed: %r" % (login, r))
        new = strong_password()
        r = change_password(c, acct.password, new)
        if r.status != 204:
            raise AssertionError("password change of %s failed: %r" % (login, r))
        acct.password = new
        if r.status == 204 and c.get(API + "/session").json["user"]["mfa_required"]:
            enrol_mfa(c, acct)
        acct.client = c
        return acct


class SmtpSink:
    """A real SMTP server on 127.0.0.1 (tests/api/smtp_sink.py under Debian's python3 with
    python3-aiosmtpd): start() it, read what it received with messages(), stop() it to make
    the mail server unreachable."""

    def __init__(self, auth=False):
        self.port = free_port()
        self.dir = tempfile.mkdtemp(prefix="mamori-smtp-")
        self.auth = auth
        self.proc = None

    def start(self):
        args = ["/usr/bin/python3", os.path.join(os.path.dirname(__file__), "smtp_sink.py"),
                str(self.port), self.dir] + (["--auth"] if self.auth else [])
        self.proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                     text=True)
        line = self.proc.stdout.readline()
        if line.strip() != "ready":
            raise AssertionError("the SMTP sink did not start: %s" % self.proc.stderr.read())
        return self

    def stop(self):
        if self.proc:
            self.proc.send_signal(signal.SIGTERM)
            self.proc.wait(timeout=10)
            self.proc = None

    def close(self):
        self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)

    def messages(self):
        """The raw messages received so far, oldest first (bytes)."""
        out = []
        for name in sorted(os.listdir(self.dir)):
            if name.endswith(".eml"):
                with open(os.path.join(self.dir, name), "rb") as f:
                    out.append(f.read())
        return out

    def wait(self, n, timeout=20):
        """Waits until at least n messages arrived; returns them."""
        end = time.time() + timeout
        while time.time() < end:
            m = self.messages()
            if len(m) >= n:
                return m
            time.sleep(0.1)
        raise AssertionError("expected %d mails, got %d" % (n, len(self.messages())))


class ServerTestCase(unittest.TestCase):
    """One server for the whole class, with the admin signed in (self.admin, self.srv)."""

    server_env = None
    server_args = ()
    init_env = None
    threads = 2
    setup_admin = True

    @classmethod
    def setUpClass(cls):
        cls.srv = Server(threads=cls.threads, env=cls.server_env, args=cls.server_args,
                         init_env=cls.init_env)
        try:
            cls.srv.start()
            cls.admin = cls.srv.setup_admin() if cls.setup_admin else None
        except BaseException:
            cls.srv.close(keep=True)
            raise

    @classmethod
    def tearDownClass(cls):
        cls.srv.close()

    # assertions -----------------------------------------------------------------------------

    def assertProblem(self, resp, status, code=None):
        self.assertEqual(resp.status, status, resp)
        self.assertIn("problem+json", resp.headers.get("Content-Type", ""), resp)
        self.assertEqual(resp.json.get("status"), status, resp)
        if code is not None:
            self.assertEqual(resp.json.get("code"), code, resp)
        return resp

    def assertFieldError(self, resp, field, code=None):
        self.assertProblem(resp, 422, "validation")
        fields = resp.error_fields()
        self.assertIn(field, fields, resp)
        if code is not None:
            self.assertIn(code, fields[field], resp)
        return resp


class SlowCommitsTestCase(ServerTestCase):
    """A server whose every COMMIT waits 300 ms while the file self.flag exists (test builds
    only: MAMORI_FAULT_SLOW_COMMIT_FILE), so that a test can make work overlap: slowly(fn)
    calls fn with the flag in place."""

    @classmethod
    def setUpClass(cls):
        cls.flag = os.path.join(tempfile.mkdtemp(prefix="mamori-slow-"), "slow")
        cls.server_env = dict(cls.server_env or {}, MAMORI_FAULT_SLOW_COMMIT_FILE=cls.flag)
        super().setUpClass()

    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()
        os.rmdir(os.path.dirname(cls.flag))

    def slowly(self, fn):
        open(self.flag, "w").close()
        try:
            return fn()
        finally:
            os.unlink(self.flag)
