"""What an attacker or a busy day would try: parallel writers, one connection carrying several
people's requests, session fixation, paths out of the web root, odd text in exports."""
import http.client
import json
import threading

from harness import API, Client, ServerTestCase


class ConcurrencyTest(ServerTestCase):
    threads = 4

    def test_parallel_writers_keep_the_chain_intact(self):
        users = [self.srv.create_user("par%d" % i, roles=["officer"]) for i in range(4)]
        head_before = int(self.srv.audit_head().split(":")[0])
        statuses, errors = [], []

        def work(u, n):
            try:
                for k in range(8):
                    r = u.client.post(API + "/departments", {"name": "並行 %d-%d" % (n, k)})
                    statuses.append(r.status)
                    r = Client(self.srv).sign_in(u.login, "Wrong-password-%d" % k)
                    statuses.append(r.status)
                    statuses.append(u.client.get(API + "/users").status)
            except Exception as e:  # noqa: BLE001 — reported below
                errors.append(repr(e))

        ts = [threading.Thread(target=work, args=(u, i)) for i, u in enumerate(users)]
        for t in ts:
            t.start()
        for t in ts:
            t.join(120)
        self.assertEqual(errors, [])
        self.assertEqual(len(statuses), 96)
        self.assertEqual(statuses.count(201), 32, statuses)  # departments created
        self.assertEqual(statuses.count(401), 32, statuses)  # wrong passwords, then locked
        self.assertEqual(statuses.count(200), 32, statuses)  # officers may read users
        names = {d["name"] for d in self.admin.client.get(API + "/departments").json["items"]}
        self.assertEqual(len([n for n in names if n.startswith("並行 ")]), 32)
        r = self.admin.client.post(API + "/audit/verify")
        self.assertTrue(r.json["intact"], r.json)
        # 32 creations, 5 judged wrong passwords and a lock for each of the four officers,
        # with contiguous sequence numbers; the 12 attempts refused while locked are counted
        # for one coalesced event, written by the accounts job.
        head_after = int(self.srv.audit_head().split(":")[0])
        self.assertEqual(head_after - head_before, 32 + 20 + 4)
        self.assertEqual(r.json["count"], head_after)
        self.assertEqual(self.srv.cli("jobs", "run").returncode, 0)
        rows = self.srv.sql("SELECT summary FROM audit_events WHERE seq > ? AND "
                            "action = 'session.login_failed'", (head_before,))
        counts = [json.loads(s).get("count", 1) for (s,) in rows]
        self.assertEqual(sum(counts), 32)
        self.assertEqual(len(counts), 21)


class ConnectionTest(ServerTestCase):

    def test_keep_alive_connection_does_not_leak_the_previous_user(self):
        conn = http.client.HTTPConnection("127.0.0.1", self.srv.port, timeout=30)
        try:
            conn.request("GET", API + "/users", headers={
                "Cookie": "mamori_session=" + self.admin.client.token})
            r = conn.getresponse()
            r.read()
            self.assertEqual(r.status, 200)
            conn.request("GET", API + "/users")
            r = conn.getresponse()
            body = r.read()
            self.assertEqual(r.status, 401, body)
            conn.request("POST", API + "/departments", body=b'{"name":"keepalive"}',
                         headers={"Cookie": "mamori_session=" + self.admin.client.token})
            r = conn.getresponse()
            r.read()
            self.assertEqual(r.status, 403)  # no CSRF token on this request
        finally:
            conn.close()

    def test_session_fixation(self):
        u = self.srv.create_user("fixate")
        c = Client(self.srv)
        planted = "P" * 43
        c.cookies["mamori_session"] = planted
        self.assertEqual(c.sign_in("fixate", u.password).status, 200)
        self.assertNotEqual(c.token, planted)
        attacker = Client(self.srv)
        attacker.cookies["mamori_session"] = planted
        self.assertProblem(attacker.get(API + "/session"), 401)

    def test_paths_outside_the_web_root(self):
        for path in ("/../../../../etc/passwd", "/%2e%2e/%2e%2e/etc/passwd", "/..%2f..%2fetc%2fpasswd",
                     "/assets/../../../etc/passwd", "/.git/config", "/master.key", "/../data/master.key",
                     "//etc/passwd"):
            with self.subTest(path=path):
                r = Client(self.srv).get(path)
                self.assertLess(r.status, 500)
                self.assertNotIn(b"root:", r.body)
                self.assertNotIn(b"[core]", r.body)
                self.assertIn("frame-ancestors 'none'", r.headers.get("Content-Security-Policy", ""))
                self.assertEqual(r.headers.get("X-Content-Type-Options"), "nosniff")

    def test_long_multibyte_login_is_recorded_in_the_trail(self):
        login = "あ" * 100
        r = Client(self.srv).sign_in(login, "Wrong-password-1")
        self.assertProblem(r, 401, "invalid_credentials")
        e = self.admin.client.get(API + "/audit/events?action=session.login_failed").json["items"][0]
        self.assertEqual(e["summary"].get("reason"), "unknown_login", e)
        self.assertTrue(login.startswith(e["summary"]["login"]), e)
        self.assertEqual(len(e["summary"]["login"]), 64)

    def test_exports_survive_text_cp932_cannot_hold(self):
        admin = self.admin.client
        r = admin.post(API + "/users", {"login": "emoji1", "name": "絵文字 😀 ①", "purpose": "x",
                                        "employment_type": "regular"})
        self.assertEqual(r.status, 201, r)
        # CP932 has no emoji: the export says so (never a 5xx, never a silent '?'), and UTF-8
        # keeps it.
        r = admin.get(API + "/users.csv?encoding=cp932")
        self.assertProblem(r, 422, "unmappable")
        self.assertEqual(r.json["first"][0]["char"], "😀")
        self.assertIn("絵文字 😀 ①", admin.get(API + "/users.csv").body.decode("utf-8-sig"))
        r = admin.get(API + "/audit/events.csv?encoding=cp932&action=user.create")
        self.assertProblem(r, 422, "unmappable")
