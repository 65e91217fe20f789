"""A crowd of connections and oversized bodies from clients without a session: the server
keeps answering everyone else, holds no memory for them, recovers when they go, and still
stops within 10 s of SIGTERM (src/http/server.c).

The attacker connects from 127.0.0.2 (also this machine), the users from 127.0.0.1, as two
machines would: the limit on connections per address is what keeps the one from crowding out
the other."""
import errno
import http.client
import os
import select
import signal
import socket
import subprocess
import time
import unittest

from harness import API, Client, Server, ServerTestCase

ATTACKER = "127.0.0.2"
PER_ADDRESS = 64  # the server's default (--per-address)
MIB = 1024 * 1024


def open_many(port, n, source=ATTACKER):
    """n connections from `source`, not waiting for the server to accept them."""
    socks = []
    for _ in range(n):
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.setblocking(False)
        s.bind((source, 0))
        err = s.connect_ex(("127.0.0.1", port))
        if err not in (0, errno.EINPROGRESS):
            s.close()
            continue
        socks.append(s)
    return socks


def still_open(s):
    """False once the server has closed (or reset) the connection."""
    try:
        return s.recv(1, socket.MSG_PEEK | socket.MSG_DONTWAIT) != b""
    except BlockingIOError:
        return True
    except OSError:
        return False


def trickle(socks, data):
    for s in socks:
        try:
            s.send(data)
        except OSError:
            pass


def timed_get(port, path, headers=None, timeout=5):
    t = time.time()
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        c.request("GET", path, headers=headers or {})
        r = c.getresponse()
        r.read()
        return r.status, time.time() - t
    finally:
        c.close()


def head_only(port, method, path, headers, timeout=5):
    """Sends a request's headers and no body, and reads the answer's status line: the server
    must answer before the body (it never comes)."""
    s = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    try:
        head = "%s %s HTTP/1.1\r\nHost: x\r\n" % (method, path)
        head += "".join("%s: %s\r\n" % kv for kv in headers.items()) + "\r\n"
        s.sendall(head.encode())
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = s.recv(4096)
            if not chunk:
                break
            data += chunk
        return int(data.split(b" ", 2)[1]) if data.startswith(b"HTTP/1.1 ") else None
    finally:
        s.close()


class FloodTest(ServerTestCase):
    threads = 4  # as shipped

    def test_flood_of_idle_and_slow_connections(self):
        user = self.srv.create_user("flood-user")
        cookie = {"Cookie": "mamori_session=" + user.client.token}
        port = self.srv.port
        idle = open_many(port, 500)
        slow = open_many(port, 500)
        trickle(slow, b"GET /healthz HTTP/1.1\r\nHost: x\r\n")
        try:
            deadline = time.time() + 4
            answered = []
            while time.time() < deadline:
                trickle(slow, b"X-Slow: 1\r\n")
                answered.append(timed_get(port, API + "/session", cookie))
                answered.append(timed_get(port, "/healthz"))
                time.sleep(0.3)
            # Signed-in requests and health checks were answered promptly all along.
            self.assertEqual({s for s, _ in answered}, {200}, answered)
            self.assertLess(max(t for _, t in answered), 2.0, answered)
            # Of the attacker's thousand connections, the server keeps at most its limit
            # per address; the rest were closed at once.
            held = sum(1 for s in idle + slow if still_open(s))
            self.assertLessEqual(held, PER_ADDRESS)
        finally:
            for s in idle + slow:
                s.close()
        # Recovered: new connections (from the attacker's address too) are served, on every
        # thread.
        time.sleep(0.5)
        for _ in range(20):
            self.assertEqual(timed_get(port, "/healthz")[0], 200)
        c = Client(self.srv)
        c.cookies = dict(user.client.cookies)
        self.assertEqual(c.get(API + "/session").status, 200)
        s = socket.create_connection(("127.0.0.1", port), timeout=5,
                                     source_address=(ATTACKER, 0))
        s.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        self.assertTrue(s.recv(100).startswith(b"HTTP/1.1 200"))
        s.close()

    def test_sigterm_stops_within_ten_seconds_during_a_flood(self):
        srv = Server(threads=4).start()
        try:
            socks = open_many(srv.port, 300)
            slow = socks[:150]
            trickle(slow, b"POST /api/v1/session HTTP/1.1\r\nHost: x\r\n")
            time.sleep(0.5)
            t = time.time()
            srv.proc.send_signal(signal.SIGTERM)
            srv.proc.wait(timeout=15)
            self.assertLess(time.time() - t, 10.0)
            self.assertEqual(srv.proc.returncode, 0, srv.log_tail())
            for s in socks:
                s.close()
        finally:
            if srv.proc and srv.proc.poll() is None:
                srv.proc.kill()
                srv.proc.wait()
            srv.proc = None  # already stopped: close() only removes the folder
            srv.close()


class StopTest(unittest.TestCase):
    """A server of its own (on PostgreSQL each Server empties the schema: not inside another
    class's tests)."""

    def test_changes_on_kept_alive_connections_while_stopping(self):
        # After SIGTERM, clients that keep their connections open may still send changes
        # until the server closes them; each is refused (503) or finds the connection
        # closed, and the server still ends cleanly (it once handed such a change to threads
        # that had ended, and aborted).
        srv = Server(threads=4).start()
        try:
            admin = srv.setup_admin().client
            head = ("PATCH %s/me HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                    "Cookie: mamori_session=%s\r\nX-CSRF-Token: %s\r\n"
                    % (API, admin.token, admin.csrf))
            socks = []
            for _ in range(40):
                s = socket.create_connection(("127.0.0.1", srv.port), timeout=5)
                s.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
                self.assertIn(b" 200 ", s.recv(4096))
                socks.append(s)
            body = b'{"locale":"en"}'
            change = (head + "Content-Length: %d\r\n\r\n" % len(body)).encode() + body
            srv.proc.send_signal(signal.SIGTERM)
            for s in socks:  # spread over the stop, 5 ms apart
                time.sleep(0.005)
                try:
                    s.sendall(change)
                except OSError:
                    pass
            for s in socks:
                try:
                    data = s.recv(4096)
                except OSError:
                    data = b""
                self.assertTrue(data == b"" or data.startswith(b"HTTP/1.1 503")
                                or data.startswith(b"HTTP/1.1 200"), data[:80])
                s.close()
            srv.proc.wait(timeout=15)
            self.assertEqual(srv.proc.returncode, 0, srv.log_tail())
            self.assertNotIn("requests still running", srv.log_text(since_start=True))
        finally:
            if srv.proc and srv.proc.poll() is None:
                srv.proc.kill()
                srv.proc.wait()
            srv.proc = None
            srv.close()


class DeadlineTest(ServerTestCase):
    # The test build lets the headers' deadline (10 s) be shortened.
    server_env = {"MAMORI_TEST_HEADERS_MS": "1000"}

    def test_trickling_and_silent_clients_are_cut_off(self):
        port = self.srv.port
        slow = socket.create_connection(("127.0.0.1", port), timeout=5)
        silent = socket.create_connection(("127.0.0.1", port), timeout=5)
        slow.sendall(b"GET /healthz HTTP/1.1\r\n")
        start = time.time()
        cut = None
        try:
            while time.time() - start < 6:
                try:
                    slow.sendall(b"X: y\r\n")
                except OSError:
                    cut = time.time() - start
                    break
                r, _, _ = select.select([slow], [], [], 0.3)
                if r and not still_open(slow):
                    cut = time.time() - start
                    break
            self.assertIsNotNone(cut, "a client trickling its headers was never cut off")
            self.assertLess(cut, 4)
            self.assertFalse(still_open(silent))
        finally:
            slow.close()
            silent.close()
        # A client that sends its request at once is not affected.
        self.assertEqual(timed_get(port, "/healthz")[0], 200)


class BodyBeforeSessionTest(ServerTestCase):
    """A large body is read only after the session, CSRF token and permission are checked on
    the headers: the answer comes before a byte of it is sent."""

    def test_refused_before_the_body(self):
        port = self.srv.port
        big = {"Content-Type": "text/csv", "Content-Length": str(60 * MIB)}
        self.assertEqual(head_only(port, "POST", API + "/assets/import", big), 401)
        reader = self.srv.create_user("body-reader")  # employee: no assets.write
        auth = dict(big, Cookie="mamori_session=" + reader.client.token,
                    **{"X-CSRF-Token": reader.client.csrf})
        self.assertEqual(head_only(port, "POST", API + "/assets/import", auth), 403)
        admin = dict(big, Cookie="mamori_session=" + self.admin.client.token)
        self.assertEqual(head_only(port, "POST", API + "/assets/import", admin), 403)  # CSRF
        too_big = dict(admin, **{"Content-Length": str(65 * MIB),
                                 "X-CSRF-Token": self.admin.client.csrf})
        self.assertEqual(head_only(port, "POST", API + "/assets/import", too_big), 413)
        public = {"Content-Type": "application/json", "Content-Length": str(MIB)}
        self.assertEqual(head_only(port, "POST", API + "/session", public), 413)
        chunked = {"Content-Type": "text/csv", "Transfer-Encoding": "chunked"}
        self.assertEqual(head_only(port, "POST", API + "/assets/import", chunked), 401)
        # With a Transfer-Encoding, a Content-Length means nothing (the body is read chunked):
        # "Content-Length: 0" must not pass for "no body" and skip the session check.
        lying = dict(chunked, **{"Content-Length": "0"})
        self.assertEqual(head_only(port, "POST", API + "/assets/import", lying), 401)
        self.assertEqual(head_only(port, "POST", API + "/departments", lying), 401)
        # Any other transfer coding would be read until the connection closes, with no
        # deadline: refused before its body (400, RFC 9112 6.3), whoever sends it.
        for te in ("identity", "gzip, chunked", "chunked, identity"):
            other = {"Content-Type": "text/csv", "Transfer-Encoding": te,
                     "Cookie": "mamori_session=" + self.admin.client.token,
                     "X-CSRF-Token": self.admin.client.csrf}
            self.assertEqual(head_only(port, "POST", API + "/assets/import", other), 400, te)
        r = Client(self.srv).get("/healthz")
        self.assertEqual(r.status, 200)

    def test_sixteen_unauthenticated_uploads_are_refused_before_their_bodies(self):
        # 16 clients announce 60 MiB imports at once and send none of it: each is answered
        # 401 on its headers, so the server never waits for (or holds) a byte of the bodies.
        port = self.srv.port
        socks = []
        try:
            for i in range(16):
                s = socket.create_connection(("127.0.0.1", port), timeout=5,
                                             source_address=(ATTACKER, 0))
                path = API + ("/assets/import", "/pinfo/import")[i % 2]
                s.sendall(("POST %s HTTP/1.1\r\nHost: x\r\nContent-Type: text/csv\r\n"
                           "Content-Length: %d\r\n\r\n" % (path, 60 * MIB)).encode())
                socks.append(s)
            deadline = time.time() + 5
            answers = {}
            while len(answers) < len(socks) and time.time() < deadline:
                waiting = [s for s in socks if s not in answers]
                ready, _, _ = select.select(waiting, [], [], 0.5)
                for s in ready:
                    answers[s] = s.recv(64)
            self.assertEqual(len(answers), 16, "not every upload was answered before its body")
            for data in answers.values():
                self.assertTrue(data.startswith(b"HTTP/1.1 401"), data)
        finally:
            for s in socks:
                s.close()
        self.assertEqual(timed_get(port, "/healthz")[0], 200)

    def test_allowed_large_body_is_read(self):
        # The one who may import is not refused: the server waits for the body.
        s = socket.create_connection(("127.0.0.1", self.srv.port), timeout=5)
        try:
            head = ("POST %s/assets/import?dry_run=1 HTTP/1.1\r\nHost: x\r\n"
                    "Content-Type: text/csv\r\nContent-Length: %d\r\nCookie: mamori_session=%s"
                    "\r\nX-CSRF-Token: %s\r\n\r\n" % (API, 200 * 1024, self.admin.client.token,
                                                      self.admin.client.csrf))
            s.sendall(head.encode())
            r, _, _ = select.select([s], [], [], 1.0)
            self.assertEqual(r, [], "answered before the body came")
        finally:
            s.close()

    def test_refused_client_still_reads_its_answer(self):
        # A client that sends its whole body before reading (as most do) gets the answer,
        # not a reset connection.
        r = Client(self.srv).post(API + "/assets/import", raw=b"x" * (2 * MIB),
                                  content_type="text/csv")
        self.assertProblem(r, 401, "unauthenticated")
