"""Several `mamori serve` nodes on one PostgreSQL: any node answers any session, lockouts are
shared, and the audit chain stays one unbroken chain while both nodes write at once."""
import http.client
import subprocess
import threading
import time
import unittest

from harness import API, BIN, PG_URL, Client, Server, free_port, sanitizer_lines


class Node:
    """A second server process on the same data folder (key) and database."""

    def __init__(self, server):
        self.port = free_port()
        self.log = open(server.tmp + "/node2.log", "wb")
        self.proc = subprocess.Popen(
            [BIN, "serve", "--data", server.data, "--db", PG_URL, "--listen",
             "127.0.0.1:%d" % self.port, "--threads", "2"],
            stdout=subprocess.DEVNULL, stderr=self.log, env=server._env())
        deadline = time.time() + 30
        while time.time() < deadline:
            try:
                c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
                c.request("GET", "/healthz")
                if c.getresponse().status == 200:
                    return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("second node did not start")

    def stop(self):
        self.proc.terminate()
        self.proc.wait(timeout=30)
        self.log.close()
        with open(self.log.name, "rb") as f:
            text = f.read().decode("utf-8", "replace")
        assert not sanitizer_lines(text), text[-3000:]
        assert self.proc.returncode == 0, text[-3000:]


def client_on(node, like):
    c = Client(node)
    c.cookies, c.csrf = dict(like.cookies), like.csrf
    return c


@unittest.skipUnless(PG_URL, "several nodes need PostgreSQL (MAMORI_DB)")
class TwoNodes(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = Server(threads=2).start()
        cls.admin = cls.server.setup_admin()
        cls.node2 = Node(cls.server)

    @classmethod
    def tearDownClass(cls):
        try:
            cls.node2.stop()
        finally:
            cls.server.close()

    def test_session_from_one_node_works_on_the_other(self):
        c2 = client_on(self.node2, self.admin.client)
        r = c2.get(API + "/session")
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json["user"]["login"], "admin")

    def test_logout_on_one_node_ends_the_session_on_both(self):
        acct = self.server.create_user("nodes-out", roles=("employee",))
        c1 = acct.client
        c2 = client_on(self.node2, c1)
        self.assertEqual(c2.get(API + "/session").status, 200)
        self.assertEqual(c1.delete(API + "/session").status, 204)
        self.assertEqual(c2.get(API + "/session").status, 401)

    def test_lockout_is_shared(self):
        self.server.create_user("nodes-lock", roles=("employee",))
        a, b = Client(self.server), Client(self.node2)
        for i in range(5):
            (a if i % 2 else b).sign_in("nodes-lock", "wrong-password-%d" % i)
        r = a.sign_in("nodes-lock", "still-wrong-1")
        self.assertEqual(r.status, 401)
        self.assertEqual(r.json["code"], "account_locked")

    def test_concurrent_writes_through_both_nodes_keep_one_chain(self):
        acked, errors = [], []

        def write(client, tag):
            for i in range(25):
                r = client.post(API + "/departments", {"name": "node-%s-%02d" % (tag, i)})
                (acked if r.status == 201 else errors).append((tag, i, r.status))

        clients = [client_on(self.server, self.admin.client), client_on(self.node2, self.admin.client)]
        threads = [threading.Thread(target=write, args=(clients[k % 2], "%d" % k)) for k in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=120)
        self.assertEqual(errors, [])
        self.assertEqual(len(acked), 100)
        v = self.server.cli("audit", "verify")
        self.assertEqual(v.returncode, 0, v.stdout + v.stderr)
        seqs = [row[0] for row in self.server.sql("SELECT seq FROM audit_events ORDER BY seq")]
        self.assertEqual(seqs, list(range(1, len(seqs) + 1)), "one chain without gaps")

    def test_a_time_zone_changed_on_one_node_is_in_force_on_the_other(self):
        """The other node puts the new zone in force on its own within seconds (reading the
        settings changes nothing: its background loop applies the zone)."""
        c1 = self.admin.client
        c2 = client_on(self.node2, c1)
        at = "2026-03-31T15:30:00Z"   # 00:30 on 1 April in Tokyo

        def day_on_node2():
            r = c2.post(API + "/incidents", {"category": "loss", "title": "時差の確認",
                                             "description": "ノード間の時間帯", "discovered_at": at})
            self.assertEqual(r.status, 201, r)
            return r.json["discovered_on"]

        self.assertEqual(day_on_node2(), "2026-04-01")
        s = c1.get(API + "/settings").json
        try:
            r = c1.patch(API + "/settings", {"version": s["version"], "timezone": "UTC"})
            self.assertEqual(r.status, 200, r)
            deadline = time.time() + 10
            while day_on_node2() != "2026-03-31" and time.time() < deadline:
                time.sleep(0.5)
            self.assertEqual(day_on_node2(), "2026-03-31")
        finally:
            s = c1.get(API + "/settings").json
            c1.patch(API + "/settings", {"version": s["version"], "timezone": "Asia/Tokyo"})


if __name__ == "__main__":
    unittest.main()
