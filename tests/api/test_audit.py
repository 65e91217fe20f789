"""The audit trail: which actions leave events, searching them, verifying the chain, and
tamper tests on a stopped server's SQLite file (edit, delete, insert, reorder, truncate);
backups that verify on their own."""
import csv
import io
import json
import os
import shutil
import sqlite3
import tempfile
import unittest
from datetime import datetime, timedelta, timezone

from harness import (API, PG_URL, Client, ServerTestCase, audit_event_hash, audit_head_mac,
                     audit_key, enrol_mfa, mamori, strong_password)

ZERO = "0" * 64


def parse_at(s):
    return datetime.strptime(s, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc)


class AuditEventsTest(ServerTestCase):

    def events(self, query=""):
        """All events matching query, newest first, following next_cursor."""
        out, cursor = [], None
        while True:
            q = "?limit=200" + query + ("&cursor=" + cursor if cursor else "")
            r = self.admin.client.get(API + "/audit/events" + q)
            self.assertEqual(r.status, 200, r)
            out += r.json["items"]
            cursor = r.json["next_cursor"]
            if cursor is None:
                return out

    def last(self, action, **match):
        for e in self.events("&action=" + action):
            if all(e.get(k) == v for k, v in match.items()):
                return e
        self.fail("no %s event matching %s" % (action, match))

    def test_sign_in_events(self):
        u = self.srv.create_user("aud_login")
        c = Client(self.srv)
        c.sign_in("aud_login", "Wrong-Password-42")
        e = self.last("session.login_failed", object_id=u.id)
        self.assertEqual(e["summary"]["reason"], "wrong_password")
        self.assertEqual(e["summary"]["login"], "aud_login")
        self.assertEqual(e["summary"]["consecutive_failures"], 1)
        self.assertEqual(e["ip"], "127.0.0.1")
        self.assertEqual(e["object_type"], "user")
        c.sign_in("ghost-user", "Wrong-Password-42")
        e = self.events("&action=session.login_failed")[0]
        self.assertEqual(e["summary"], {"login": "ghost-user", "reason": "unknown_login"})
        self.assertIsNone(e["object_id"])
        self.assertIsNone(e["actor_id"])
        self.assertEqual(c.sign_in("aud_login", u.password).status, 200)
        e = self.last("session.login", object_id=u.id)
        self.assertEqual(e["summary"], {"method": "password"})
        self.assertEqual(e["actor_id"], u.id)
        self.assertEqual(c.delete(API + "/session").status, 204)
        e = self.last("session.logout", object_id=u.id)
        self.assertEqual(e["actor_login"], "aud_login")
        # Second factors are named.
        enrol_mfa(u.client, u)
        self.assertEqual(Client(self.srv).sign_in("aud_login", u.password,
                                                  u.recovery.pop()).status, 200)
        self.assertEqual(self.last("session.login", object_id=u.id)["summary"],
                         {"method": "recovery_code"})
        self.assertEqual(self.events("&action=mfa.enable&object_id=%d" % u.id)[0]["actor_id"], u.id)
        # A disabled or locked account's attempts are recorded with their reason.
        self.admin.client.post(API + "/users/%d/disable" % u.id)
        Client(self.srv).sign_in("aud_login", u.password, u.recovery.pop())
        self.assertEqual(self.last("session.login_failed", object_id=u.id)["summary"]["reason"],
                         "disabled")

    def test_user_events_with_before_and_after(self):
        admin = self.admin.client
        r = admin.post(API + "/users", {"login": "aud_user", "name": "監査 太郎",
                                        "employment_type": "contract", "purpose": "p"})
        uid = r.json["user"]["id"]
        e = self.last("user.create", object_id=uid)
        self.assertEqual(e["actor_login"], "admin")
        self.assertEqual(e["summary"]["after"]["name"], "監査 太郎")
        self.assertEqual(e["summary"]["after"]["roles"], ["employee"])
        self.assertNotIn(r.json["initial_password"], json.dumps(e, ensure_ascii=False))
        admin.patch(API + "/users/%d" % uid, {"version": 1, "name": "監査 次郎"})
        e = self.last("user.update", object_id=uid)
        self.assertEqual(e["summary"]["before"]["name"], "監査 太郎")
        self.assertEqual(e["summary"]["after"]["name"], "監査 次郎")
        admin.post(API + "/users/%d/disable" % uid)
        self.assertEqual(self.last("user.disable", object_id=uid)["summary"]["reason"], "manual")
        admin.post(API + "/users/%d/enable" % uid)
        self.last("user.enable", object_id=uid)
        r = admin.post(API + "/users/%d/reset-password" % uid)
        e = self.last("user.reset_password", object_id=uid)
        self.assertNotIn(r.json["initial_password"], json.dumps(e))
        d = admin.post(API + "/departments", {"name": "監査室"}).json
        self.assertEqual(self.last("department.create", object_id=d["id"])["summary"]["after"]
                         ["name"], "監査室")
        s = admin.get(API + "/settings").json
        admin.patch(API + "/settings", {"version": s["version"], "org_name": "Audit Org"})
        self.assertEqual(self.events("&action=settings.update")[0]["summary"],
                         {"before": {"org_name": s["org_name"]},
                          "after": {"org_name": "Audit Org"}})

    def test_denial_and_export_events(self):
        u = self.srv.create_user("aud_denied")
        self.assertEqual(u.client.get(API + "/users").status, 403)
        e = self.last("access.denied", actor_id=u.id)
        self.assertEqual(e["summary"], {"method": "GET", "route": API + "/users",
                                        "permission": "users.read"})
        self.assertEqual(self.admin.client.get(API + "/users.csv").status, 200)
        e = self.events("&action=export.users")[0]
        self.assertEqual(e["actor_login"], "admin")
        self.assertEqual(e["summary"]["format"], "csv")
        self.assertGreaterEqual(e["summary"]["rows"], 2)
        r = self.admin.client.get(API + "/audit/events.csv")
        self.assertEqual(r.status, 200)
        self.assertEqual(self.events("&action=export.audit_events")[0]["actor_login"], "admin")

    def test_forwarded_for_is_not_trusted_by_default(self):
        c = Client(self.srv)
        c.post(API + "/session", {"login": "spoof-x", "password": "Nope-12345"},
               headers={"X-Forwarded-For": "203.0.113.9"})
        e = self.events("&action=session.login_failed")[0]
        self.assertEqual(e["summary"]["login"], "spoof-x")
        self.assertEqual(e["ip"], "127.0.0.1")

    def test_no_secrets_in_the_trail(self):
        u = self.srv.create_user("aud_secret")
        enrol_mfa(u.client, u)
        Client(self.srv).sign_in("aud_secret", "Typo-" + u.password)
        new = strong_password()
        u.client.post(API + "/me/password", {"current_password": u.password, "new_password": new})
        trail = self.admin.client.get(API + "/audit/events.csv").body.decode("utf-8")
        jsonl = self.srv.cli("audit", "export").stdout
        for secret in (u.password, new, "Typo-" + u.password, u.secret, u.client.token,
                       u.client.csrf, self.admin.password, self.admin.secret,
                       self.admin.client.token) + tuple(u.recovery):
            self.assertNotIn(secret, trail)
            self.assertNotIn(secret, jsonl)

    def test_filters(self):
        a = self.srv.create_user("aud_fa")
        b = self.srv.create_user("aud_fb")
        a.client.get(API + "/users")
        b.client.get(API + "/users")
        by_a = self.events("&actor=aud_fa")
        self.assertTrue(by_a)
        self.assertTrue(all(e["actor_login"] == "aud_fa" for e in by_a))
        self.assertEqual(self.events("&actor_id=%d" % a.id), by_a)
        self.assertEqual(self.events("&actor=AUD_FA"), [])  # exact, as recorded
        self.assertEqual([e["actor_login"] for e in self.events("&action=access.denied")
                          if e["actor_login"] in ("aud_fa", "aud_fb")], ["aud_fb", "aud_fa"])
        users = self.events("&action=user.*")
        self.assertTrue(users)
        self.assertTrue(all(e["action"].startswith("user.") for e in users))
        self.assertEqual({e["action"] for e in users} >= {"user.create"}, True)
        self.assertEqual(self.events("&action=user"), [])  # exact without *
        obj = self.events("&object_type=user&object_id=%d" % b.id)
        self.assertTrue(obj)
        self.assertTrue(all(e["object_type"] == "user" and e["object_id"] == b.id for e in obj))
        self.assertIn("user.create", [e["action"] for e in obj])
        self.assertEqual(self.events("&object_type=department&object_id=%d" % b.id), [])
        # Time range: from is inclusive, to is exclusive; offsets are understood.
        everything = self.events()
        pivot = everything[len(everything) // 2]
        t = parse_at(pivot["at"])
        later = self.events("&from=" + pivot["at"])
        self.assertIn(pivot, later)
        self.assertTrue(all(parse_at(e["at"]) >= t for e in later))
        earlier = self.events("&to=" + pivot["at"])
        self.assertNotIn(pivot, earlier)
        self.assertTrue(all(parse_at(e["at"]) < t for e in earlier))
        self.assertEqual(len(later) + len(earlier), len(everything))
        jst = (t + timedelta(hours=9)).strftime("%Y-%m-%dT%H:%M:%S") + "%2B09:00"
        self.assertEqual(self.events("&from=" + jst), later)
        self.assertEqual(self.events("&from=2999-01-01T00:00:00Z"), [])
        self.assertEqual(self.events("&to=2000-01-01T00:00:00Z"), [])
        self.assertEqual(self.events("&from=%s&to=%s" % (pivot["at"], pivot["at"])), [])

    def test_pagination_and_single_event(self):
        everything = self.events()
        seqs = [e["seq"] for e in everything]
        self.assertEqual(seqs, sorted(seqs, reverse=True))
        self.assertEqual(seqs, list(range(seqs[0], 0, -1)))  # contiguous from 1
        walked, cursor = [], None
        while True:
            r = self.admin.client.get(API + "/audit/events?limit=7" +
                                      ("&cursor=" + cursor if cursor else ""))
            walked += r.json["items"]
            cursor = r.json["next_cursor"]
            if cursor is None:
                break
            self.assertEqual(len(r.json["items"]), 7)
        self.assertEqual([e["seq"] for e in walked[:len(seqs)]], seqs)
        one = self.admin.client.get(API + "/audit/events/%d" % seqs[-1])
        self.assertEqual(one.status, 200)
        self.assertEqual(one.json, everything[-1])
        self.assertEqual(one.json["prev_hash"], ZERO)
        self.assertProblem(self.admin.client.get(API + "/audit/events/999999"), 404, "not_found")

    def test_verify(self):
        r = self.admin.client.post(API + "/audit/verify")
        self.assertEqual(r.status, 200, r)
        self.assertTrue(r.json["intact"])
        self.assertIsNone(r.json["first_bad"])
        self.assertEqual(r.json["count"], r.json["head"]["seq"])
        head = self.srv.audit_head()
        seq, _, h = head.partition(":")
        self.assertGreaterEqual(int(seq), r.json["head"]["seq"])
        self.assertRegex(h, r"^[0-9a-f]{64}$")
        v = self.srv.cli("audit", "verify")
        self.assertEqual(v.returncode, 0, v.stderr)
        self.assertIn("intact", v.stdout)
        v = self.srv.cli("audit", "verify", "--expect-head", head)
        self.assertEqual(v.returncode, 0, v.stdout + v.stderr)
        for bad in ("12", "x:" + "0" * 64, "1:abc", "0:" + "0" * 64):
            v = self.srv.cli("audit", "verify", "--expect-head", bad)
            self.assertEqual(v.returncode, 2, bad)

    def test_chain_recomputed_independently(self):
        """Each stored hash is BLAKE2b-256 keyed with the key derived from master.key over
        prev_hash || canonical event, and the head record's MAC is as documented."""
        key = audit_key(self.srv.data)
        u = self.srv.create_user("aud_chain", name="鎖 \"quoted\" / \\ \u00e9")
        Client(self.srv).sign_in("aud_chain", "Wrong-password-1")
        rows = self.srv.sql("SELECT seq, at, actor_id, actor_login, ip, action, object_type, "
                            "object_id, summary, prev_hash, hash FROM audit_events ORDER BY seq")
        self.assertGreater(len(rows), 5)
        prev = ZERO
        for row in rows:
            seq, at, actor_id, login, ip, action, otype, oid, summary, prev_hash, h = row
            self.assertEqual(prev_hash, prev, seq)
            self.assertEqual(h, audit_event_hash(prev, seq, at, actor_id, login, ip, action,
                                                 otype, oid, summary, key=key), seq)
            self.assertNotEqual(h, audit_event_hash(prev, seq, at, actor_id, login, ip, action,
                                                    otype, oid, summary), seq)
            # The summary is stored exactly as hashed: compact JSON with sorted keys.
            parsed = json.loads(summary)
            self.assertEqual(summary, json.dumps(parsed, sort_keys=True, separators=(",", ":"),
                                                 ensure_ascii=False), seq)
            prev = h
        head = self.srv.sql("SELECT seq, hash, keyed_from, mac FROM audit_head")
        self.assertEqual(len(head), 1)
        self.assertEqual(head[0][:3], (rows[-1][0], prev, 1))
        self.assertEqual(head[0][3], audit_head_mac(key, rows[-1][0], prev, 1))

    def test_cli_export(self):
        head = int(self.srv.audit_head().split(":")[0])
        r = self.srv.cli("audit", "export")
        self.assertEqual(r.returncode, 0, r.stderr)
        lines = [json.loads(l) for l in r.stdout.splitlines()]
        self.assertEqual([e["seq"] for e in lines], list(range(1, head + 1)))
        last = self.events("&action=export.audit_events")[0]
        self.assertEqual(last["seq"], head + 1)
        self.assertEqual(last["ip"], "cli")
        self.assertTrue(last["actor_login"].startswith("cli:"))

    def test_csv_export_of_the_trail(self):
        head = int(self.srv.audit_head().split(":")[0])
        r = self.admin.client.get(API + "/audit/events.csv?action=session.*")
        self.assertEqual(r.status, 200)
        self.assertTrue(r.body.startswith(b"\xef\xbb\xbf"))
        rows = list(csv.reader(io.StringIO(r.body[3:].decode(), newline="")))
        # Japanese headings, as every other export.
        self.assertEqual(rows[0], ["連番", "日時", "操作者ID", "操作者のログインID", "IPアドレス",
                                   "操作", "対象の種類", "対象ID", "内容", "前のハッシュ",
                                   "ハッシュ"])
        self.assertTrue(all(row[5].startswith("session.") for row in rows[1:]))
        self.assertEqual(len(rows) - 1, len(self.events("&action=session.*")) )
        self.assertGreater(int(self.srv.audit_head().split(":")[0]), head)
        # Auditors may export; officers may not.
        off = self.srv.create_user("aud_officer", roles=["officer"])
        self.assertProblem(off.client.get(API + "/audit/events.csv"), 403, "forbidden")
        self.assertProblem(off.client.get(API + "/audit/events"), 403, "forbidden")
        aud = self.srv.create_user("aud_auditor", roles=["auditor"])
        self.assertEqual(aud.client.get(API + "/audit/events.csv").status, 200)

    @unittest.skipIf(PG_URL, "backup copies the SQLite file")
    def test_backup_verifies_on_its_own(self):
        tmp = tempfile.mkdtemp(prefix="mamori-backup-")
        try:
            out = os.path.join(tmp, "copy.db")
            head = self.srv.audit_head()
            r = self.srv.cli("backup", out)
            self.assertEqual(r.returncode, 0, r.stderr)
            con = sqlite3.connect(out)
            self.assertEqual(con.execute("PRAGMA integrity_check").fetchone()[0], "ok")
            n_users = con.execute("SELECT COUNT(*) FROM users").fetchone()[0]
            con.close()
            self.assertEqual(n_users, len(self.admin.client.get(API + "/users?limit=200")
                                          .json["items"]))
            # Again onto the same file: refused, the copy untouched.
            r = self.srv.cli("backup", out)
            self.assertEqual(r.returncode, 2)
            restored = os.path.join(tmp, "restored")
            os.mkdir(restored, 0o700)
            shutil.copy(out, os.path.join(restored, "mamori.db"))
            shutil.copy(os.path.join(self.srv.data, "master.key"), restored)
            v = mamori("audit", "verify", "--data", restored, "--expect-head", head)
            self.assertEqual(v.returncode, 0, v.stdout + v.stderr)
            self.assertIn("intact", v.stdout)
            r = self.srv.cli("backup")
            self.assertEqual(r.returncode, 2)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)


@unittest.skipIf(PG_URL, "tamper tests edit the SQLite file")
class TamperTest(ServerTestCase):
    """Each test tampers with its own copy of a stopped server's data folder."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        try:
            for i in range(4):
                u = cls.srv.create_user("tamper%d" % i)
                u.client.get(API + "/users")  # a denial
            cls.head = cls.srv.audit_head()
            cls.n = int(cls.head.split(":")[0])
            cls.key = audit_key(cls.srv.data)
            cls.srv.stop()
        except BaseException:
            cls.srv.close(keep=True)
            raise

    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="mamori-tamper-")
        self.data = os.path.join(self.dir, "data")
        shutil.copytree(self.srv.data, self.data)
        self.assertEqual(self.verify().returncode, 0)

    def tearDown(self):
        shutil.rmtree(self.dir, ignore_errors=True)

    def verify(self, *extra):
        return mamori("audit", "verify", "--data", self.data, *extra)

    def db(self, sql, params=()):
        con = sqlite3.connect(os.path.join(self.data, "mamori.db"))
        try:
            rows = con.execute(sql, params).fetchall()
            con.commit()
            return rows
        finally:
            con.close()

    def row(self, seq):
        return self.db("SELECT seq, at, actor_id, actor_login, ip, action, object_type, "
                       "object_id, summary, prev_hash, hash FROM audit_events WHERE seq = ?",
                       (seq,))[0]

    def assertBroken(self, seq, words=None):
        r = self.verify()
        self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
        self.assertIn("BROKEN at event %d:" % seq, r.stdout)
        if words:
            self.assertIn(words, r.stdout)
        return r

    def test_edit_any_field(self):
        k = self.n // 2
        for column, value in (("summary", '{"reason":"nothing to see"}'), ("at", 1),
                              ("actor_login", "someone-else"), ("ip", "10.0.0.1"),
                              ("action", "session.logout"), ("object_id", 424242),
                              ("actor_id", 99)):
            with self.subTest(column=column):
                original = self.db("SELECT %s FROM audit_events WHERE seq = ?" % column, (k,))[0][0]
                self.db("UPDATE audit_events SET %s = ? WHERE seq = ?" % column, (value, k))
                self.assertBroken(k, "edited")
                self.db("UPDATE audit_events SET %s = ? WHERE seq = ?" % column, (original, k))
                self.assertEqual(self.verify().returncode, 0)

    def test_delete_a_middle_event(self):
        k = self.n // 2
        self.db("DELETE FROM audit_events WHERE seq = ?", (k,))
        self.assertBroken(k, "missing")

    def test_delete_the_first_event(self):
        self.db("DELETE FROM audit_events WHERE seq = 1")
        self.assertBroken(1)

    def test_insert_a_forged_event(self):
        # Appended with a made-up hash.
        self.db("INSERT INTO audit_events (seq, at, action, summary, prev_hash, hash) "
                "VALUES (?, 1, 'user.create', '{}', ?, ?)", (self.n + 1, "ab" * 32, "cd" * 32))
        self.assertBroken(self.n + 1)

    def test_insert_a_well_hashed_event_in_the_middle(self):
        # The forger knows the algorithm but not the key: the new event links to its
        # predecessor and hashes correctly without the key, which is not its MAC.
        k = self.n // 2
        self.db("UPDATE audit_events SET seq = -seq WHERE seq > ?", (k,))
        self.db("UPDATE audit_events SET seq = -seq + 1 WHERE seq < 0")
        prev = self.row(k)[10]
        fields = (k + 1, 1700000000, 1, "admin", "127.0.0.1", "user.disable", "user", 2,
                  '{"reason":"manual"}')
        h = audit_event_hash(prev, *fields)
        self.db("INSERT INTO audit_events (seq, at, actor_id, actor_login, ip, action, "
                "object_type, object_id, summary, prev_hash, hash) VALUES "
                "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", fields + (prev, h))
        self.assertBroken(k + 1, "MAC")
        # Even with the key, its successor still points at the old predecessor.
        h = audit_event_hash(prev, *fields, key=self.key)
        self.db("UPDATE audit_events SET hash = ? WHERE seq = ?", (h, k + 1))
        self.assertBroken(k + 2, "prev_hash")

    def test_reorder_two_events(self):
        k = self.n // 2
        self.db("UPDATE audit_events SET seq = -1 WHERE seq = ?", (k,))
        self.db("UPDATE audit_events SET seq = ? WHERE seq = ?", (k, k + 1))
        self.db("UPDATE audit_events SET seq = ? WHERE seq = -1", (k + 1,))
        self.assertBroken(k)

    def test_events_stored_out_of_place_still_verify(self):
        # Verification reads the events as stored first (quicker) and in order of their
        # numbers when they are not stored in that order: moving rows about (a copy, a
        # restore) is not tampering, and tampering is still found after such a move.
        k = self.n // 2
        for seq in (k, 2):
            r = self.row(seq)
            self.db("DELETE FROM audit_events WHERE seq = ?", (seq,))
            self.db("INSERT INTO audit_events (seq, at, actor_id, actor_login, ip, action, "
                    "object_type, object_id, summary, prev_hash, hash) VALUES "
                    "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", r)
        stored = [s for (s,) in self.db("SELECT seq FROM audit_events ORDER BY rowid")]
        self.assertNotEqual(stored, sorted(stored))  # rowid order: the moved ones last
        r = self.verify("--expect-head", self.head)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertIn("intact: %d events" % self.n, r.stdout)
        self.db("UPDATE audit_events SET ip = '10.9.9.9' WHERE seq = ?", (k + 1,))
        self.assertBroken(k + 1, "edited")

    def test_truncation_is_caught_without_a_recorded_head(self):
        self.db("DELETE FROM audit_events WHERE seq >= ?", (self.n - 2,))
        self.assertBroken(self.n - 2, "truncated")
        # Pointing the head record at the new last event needs its MAC, hence the key.
        last = self.row(self.n - 3)
        self.db("UPDATE audit_head SET seq = ?, hash = ?", (last[0], last[10]))
        self.assertBroken(self.n - 3, "head record")

    def test_wipe_is_caught(self):
        self.db("DELETE FROM audit_events")
        r = self.assertBroken(1, "wiped")
        self.assertNotIn("intact", r.stdout)
        self.db("DELETE FROM audit_head")
        self.assertBroken(1, "accounts (wiped)")

    def test_delete_and_renumber(self):
        k = self.n // 2
        self.db("DELETE FROM audit_events WHERE seq = ?", (k,))
        self.db("UPDATE audit_events SET seq = seq - 1 WHERE seq > ?", (k,))
        # Without the key the forger recomputes the unkeyed hashes and the head: no use.
        prev = self.row(k - 1)[10]
        for seq in range(k, self.n):
            r = self.row(seq)
            h = audit_event_hash(prev, *r[:9])
            self.db("UPDATE audit_events SET prev_hash = ?, hash = ? WHERE seq = ?",
                    (prev, h, seq))
            prev = h
        self.db("UPDATE audit_head SET seq = ?, hash = ?", (self.n - 1, prev))
        self.assertBroken(k, "MAC")

    def test_edit_and_recompute_needs_the_key(self):
        k = self.n // 2
        self.db("UPDATE audit_events SET actor_login = 'scapegoat' WHERE seq = ?", (k,))
        prev = self.row(k - 1)[10]
        for seq in range(k, self.n + 1):
            r = self.row(seq)
            h = audit_event_hash(prev, *r[:9])
            self.db("UPDATE audit_events SET prev_hash = ?, hash = ? WHERE seq = ?",
                    (prev, h, seq))
            prev = h
        self.db("UPDATE audit_head SET hash = ?", (prev,))
        self.assertBroken(k, "MAC")

    def test_text_after_a_nul_and_junk_in_numbers(self):
        k = self.n // 2
        summary = self.row(k)[8]
        self.db("UPDATE audit_events SET summary = CAST(? AS TEXT) WHERE seq = ?",
                (summary + "\0hidden", k))
        self.assertBroken(k, "NUL")
        self.db("UPDATE audit_events SET summary = ? WHERE seq = ?", (summary, k))
        self.assertEqual(self.verify().returncode, 0)
        # (SQLite keeps text that is not a number as text in a BIGINT column.)
        for column, junk in (("at", "%d junk"), ("object_id", "%d.5"), ("actor_id", "x%d")):
            with self.subTest(column=column):
                original = self.db("SELECT %s FROM audit_events WHERE seq = ?" % column,
                                   (k,))[0][0]
                self.db("UPDATE audit_events SET %s = ? WHERE seq = ?" % column,
                        (junk % original, k))
                self.assertBroken(k, "number")
                self.db("UPDATE audit_events SET %s = ? WHERE seq = ?" % column, (original, k))
                self.assertEqual(self.verify().returncode, 0)

    def test_an_older_copy_needs_the_recorded_head(self):
        # A whole database put back to an earlier state is consistent in itself (the
        # key holder wrote it): only a head recorded elsewhere tells.
        self.db("DELETE FROM audit_events WHERE seq > ?", (self.n - 3,))
        last = self.row(self.n - 3)
        mac = audit_head_mac(self.key, last[0], last[10], 1)
        self.db("UPDATE audit_head SET seq = ?, hash = ?, mac = ?", (last[0], last[10], mac))
        r = self.verify()
        self.assertEqual(r.returncode, 0, r.stdout)
        self.assertIn("intact: %d events" % (self.n - 3), r.stdout)
        r = self.verify("--expect-head", self.head)
        self.assertEqual(r.returncode, 1, r.stdout)
        self.assertIn("BROKEN at event %d:" % self.n, r.stdout)
        self.assertIn("truncated", r.stdout)

    def test_another_key_does_not_verify(self):
        with open(os.path.join(self.data, "master.key"), "w") as f:
            f.write("ab" * 32 + "\n")
        r = self.assertBroken(1, "master.key")
        self.assertIn("not the key", r.stdout)

    def test_api_verify_reports_the_same(self):
        k = self.n // 2
        # A summary no event has (the middle event's may already be {}).
        self.db("UPDATE audit_events SET summary = '{\"edited\":1}' WHERE seq = ?", (k,))
        # Serve the tampered copy and ask over HTTP.
        from harness import Server
        srv = Server.__new__(Server)
        srv.__dict__.update(self.srv.__dict__)
        srv.data = self.data
        srv.log_path = os.path.join(self.dir, "serve.log")
        srv.proc = None
        srv.start(env={})
        try:
            admin = Client(srv)
            r = admin.sign_in("admin", self.srv.admin.password, self.srv.admin.second_factor())
            self.assertEqual(r.status, 200, r)
            r = admin.post(API + "/audit/verify")
            self.assertEqual(r.status, 200, r)
            self.assertFalse(r.json["intact"])
            self.assertEqual(r.json["first_bad"]["seq"], k)
            self.assertIn("edited", r.json["first_bad"]["reason"])
        finally:
            srv.stop()
