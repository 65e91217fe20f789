"""Visitor slips, the reception kiosk, sites and the office open/close log
(src/modules/visits, docs/visits.md).

What a visitor, a host, reception and an attacker would notice: a slip is registered, the
host is told when their visitor arrives (a task and a notice, a mail when mail is on), badges
that did not come back are listed; the visitor's name and company are sealed at rest and every
read of them is an audit event; a kiosk session creates one slip and reads nothing; the last
person out records the closing checklist, and a day without it waits on the site manager.
"""
import email
import email.policy
import json
import os
import subprocess

from harness import API, BIN, Client, ServerTestCase, SmtpSink, org_today

import datetime


def load_routes():
    r = subprocess.run([BIN, "routes"], capture_output=True, text=True, check=True)
    return json.loads(r.stdout)


def concrete(path):
    import re
    return re.sub(r"\{[a-z_]+:int\}", "1", path)


class VisitsTest(ServerTestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        admin = cls.admin.client
        cls.host = cls.srv.create_user("v_host", name="山田 太郎", email="yamada@example.jp")
        cls.other = cls.srv.create_user("v_other", name="田中 次郎")
        cls.reception = cls.srv.create_user("v_reception", roles=["officer"], name="受付 花子")
        cls.auditor = cls.srv.create_user("v_auditor", roles=["auditor"])
        r = admin.post(API + "/sites", {"name": "本社", "address": "東京都千代田区",
                                        "manager_id": cls.host.id})
        assert r.status == 201, r
        cls.site = r.json

    # --- helpers -----------------------------------------------------------------------------

    def register(self, who=None, **fields):
        body = {"visitor_name": "佐藤 花子", "visitor_company": "株式会社サンプル",
                "purpose": "打ち合わせ", "site_id": self.site["id"]}
        body.update(fields)
        r = (who or self.host).client.post(API + "/visits", body)
        self.assertEqual(r.status, 201, r)
        return r.json

    def move(self, visit, to, who=None, **extra):
        body = {"version": visit["version"], "to": to}
        body.update(extra)
        r = (who or self.reception).client.post(API + "/visits/%d/transition" % visit["id"], body)
        self.assertEqual(r.status, 200, r)
        return r.json

    def events(self, action, **q):
        q = "&".join(["action=%s" % action, "limit=200"] + ["%s=%s" % kv for kv in q.items()])
        return self.admin.client.get(API + "/audit/events?" + q).json["items"]

    def tasks(self, who):
        return who.client.get(API + "/me/tasks").json["items"]

    def start_kiosk(self, site_id=None):
        """The reception officer starts the kiosk on a tablet: a fresh browser of theirs."""
        tablet = self.reception.new_client()
        r = tablet.post(API + "/visits/kiosk", {"site_id": site_id})
        self.assertEqual(r.status, 200, r)
        return tablet, r.json

    def kiosk_slip(self, tablet):
        """A visitor's slip sent from the kiosk; on success the tablet goes on with the next
        session's CSRF token."""
        r = tablet.post(API + "/kiosk/visits", {"visitor_name": "x", "purpose": "x",
                                                "notice_accepted": True})
        if r.status == 201:
            tablet.csrf = r.json["csrf_token"]
        return r

    def kiosk_started_by(self, officer):
        """A kiosk started on a fresh browser of `officer`, which has taken one slip."""
        tablet = officer.new_client()
        self.assertEqual(tablet.post(API + "/visits/kiosk", {"site_id": None}).status, 200)
        r = self.kiosk_slip(tablet)
        self.assertEqual(r.status, 201, r)
        return tablet

    # --- registering, arriving, leaving ------------------------------------------------------

    def test_host_registers_reception_receives_badge_comes_back(self):
        v = self.register(expected_arrival_at="2030-01-01T01:00:00Z", areas=["会議室A"],
                          escorted=True)
        self.assertEqual(v["status"], "expected")
        self.assertEqual(v["host"]["id"], self.host.id)
        self.assertEqual(v["visitor_name"], "佐藤 花子")
        self.assertEqual(v["allowed_transitions"], ["arrived", "cancelled"])
        # The visitor arrives: reception records it with the badge handed out.
        v = self.move(v, "arrived", badge_number="B-12", notice_accepted=True)
        self.assertEqual(v["status"], "arrived")
        self.assertEqual(v["badge_number"], "B-12")
        self.assertTrue(v["badge_out"])
        self.assertIsNotNone(v["notice_accepted_at"])
        # The host is told: a task now, and a notice — neither names the visitor.
        mine = [t for t in self.tasks(self.host) if t["key"] == "visit:%d" % v["id"]]
        self.assertEqual(len(mine), 1, self.tasks(self.host))
        self.assertEqual(mine[0]["link"], "/visits/%d" % v["id"])
        notices = self.host.client.get(API + "/me/notifications").json["items"]
        hit = [n for n in notices if n["link"] == "/visits/%d" % v["id"]]
        self.assertEqual(len(hit), 1, notices)
        self.assertNotIn("佐藤", json.dumps(mine + hit, ensure_ascii=False))
        # Departure with the badge back: nothing open remains.
        v = self.move(v, "departed", badge_returned=True)
        self.assertEqual(v["status"], "departed")
        self.assertFalse(v["badge_out"])
        self.assertIsNotNone(v["badge_returned_at"])
        self.assertNotIn("visit:%d" % v["id"], [t["key"] for t in self.tasks(self.host)])
        # Every change left its event, none with the visitor's name.
        for action in ("visit.create", "visit.status"):
            ev = self.events(action, object_id=v["id"])
            self.assertTrue(ev, action)
            self.assertNotIn("佐藤", json.dumps(ev, ensure_ascii=False))

    def test_times_not_back_dated(self):
        """Retention counts from the visit's times: a host who dates a slip years back would
        have it purged years early. A day before its registration is the most allowed."""
        long_ago = "2001-01-01T09:00:00Z"
        # Registered in advance for a time long past: refused; yesterday is fine.
        self.assertFieldError(self.host.client.post(API + "/visits", {
            "visitor_name": "過去 太郎", "purpose": "打ち合わせ", "site_id": self.site["id"],
            "expected_arrival_at": long_ago}), "expected_arrival_at", "before_registration")
        yesterday = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(hours=20)
        v = self.register(expected_arrival_at=yesterday.strftime("%Y-%m-%dT%H:%M:%SZ"))
        # Moved into the past by an edit: refused, and the slip is as it was.
        r = self.host.client.patch(API + "/visits/%d" % v["id"], {
            "version": v["version"], "expected_arrival_at": long_ago})
        self.assertFieldError(r, "expected_arrival_at", "before_registration")
        r = self.host.client.get(API + "/visits/%d" % v["id"])
        self.assertEqual(r.json["expected_arrival_at"], v["expected_arrival_at"])
        # Arrival or departure recorded long before the slip existed: refused.
        body = {"version": v["version"], "to": "arrived", "at": long_ago}
        self.assertFieldError(self.host.client.post(API + "/visits/%d/transition" % v["id"],
                                                    body), "at", "before_registration")
        v = self.move(v, "arrived", who=self.host)
        body = {"version": v["version"], "to": "departed", "at": long_ago}
        self.assertFieldError(self.host.client.post(API + "/visits/%d/transition" % v["id"],
                                                    body), "at", "before_arrival")
        self.assertFieldError(self.host.client.post(API + "/visits/%d/transition" % v["id"],
                                                    body), "at", "before_registration")
        v = self.move(v, "departed", who=self.host)
        self.assertEqual(v["status"], "departed")

    def test_badge_not_returned(self):
        v = self.register()
        v = self.move(v, "arrived", badge_number="B-99")
        v = self.move(v, "departed")
        self.assertTrue(v["badge_out"])
        ids = [x["id"] for x in
               self.reception.client.get(API + "/visits?view=badge_out").json["items"]]
        self.assertIn(v["id"], ids)
        keys = [t["key"] for t in self.tasks(self.reception)]
        self.assertIn("visit_badge:%d" % v["id"], keys)
        # Someone else's visitor's badge is not the other employee's to record.
        self.assertProblem(self.other.client.post(API + "/visits/%d/badge-return" % v["id"],
                                                  {"version": v["version"]}), 404, "not_found")
        r = self.reception.client.post(API + "/visits/%d/badge-return" % v["id"],
                                       {"version": v["version"]})
        self.assertEqual(r.status, 200, r)
        self.assertFalse(r.json["badge_out"])
        self.assertEqual(len(self.events("visit.badge_return", object_id=v["id"])), 1)
        self.assertNotIn("visit_badge:%d" % v["id"], [t["key"] for t in self.tasks(self.reception)])
        ids = [x["id"] for x in
               self.reception.client.get(API + "/visits?view=badge_out").json["items"]]
        self.assertNotIn(v["id"], ids)
        # Twice is a conflict, and a stale version too.
        self.assertProblem(self.reception.client.post(API + "/visits/%d/badge-return" % v["id"],
                                                      {"version": r.json["version"]}),
                           409, "badge_not_out")
        self.assertProblem(self.reception.client.post(API + "/visits/%d/badge-return" % v["id"],
                                                      {"version": v["version"]}), 409, "conflict")

    def test_lists_today_and_inside(self):
        today = self.register(visitor_name="今日 来る")
        later = self.register(visitor_name="来年 来る", expected_arrival_at="2099-01-01T01:00:00Z")
        inside = self.move(self.register(visitor_name="館内 いる"), "arrived")
        gone = self.move(self.move(self.register(visitor_name="帰った 人"), "arrived"), "departed")

        def view(name, who=None):
            r = (who or self.reception).client.get(API + "/visits?view=" + name)
            self.assertEqual(r.status, 200, r)
            return {x["id"] for x in r.json["items"]}

        self.assertIn(inside["id"], view("inside"))
        self.assertNotIn(gone["id"], view("inside"))
        t = view("today")
        self.assertTrue({inside["id"], gone["id"]} <= t)
        self.assertNotIn(later["id"], t)
        self.assertIn(later["id"], view("expected"))
        self.assertIn(today["id"], view("expected"))
        # The host sees their own; another employee sees none of them.
        self.assertIn(inside["id"], view("today", self.host))
        self.assertEqual(view("today", self.other) & {inside["id"], gone["id"]}, set())

    def test_cancel_and_edit(self):
        v = self.register()
        r = self.host.client.patch(API + "/visits/%d" % v["id"], {
            "version": v["version"], "visitor_name": "佐藤 花", "purpose": "契約の確認",
            "expected_departure_at": "2030-01-01T03:00:00Z"})
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json["visitor_name"], "佐藤 花")
        ev = self.events("visit.update", object_id=v["id"])[0]
        self.assertEqual(ev["summary"]["after"]["sealed_changed"], ["visitor_name"])
        self.assertNotIn("佐藤", json.dumps(ev, ensure_ascii=False))
        # A stale version is refused.
        self.assertProblem(self.host.client.patch(API + "/visits/%d" % v["id"], {
            "version": v["version"], "purpose": "x"}), 409, "conflict")
        c = self.move(r.json, "cancelled", who=self.host)
        self.assertEqual(c["status"], "cancelled")
        # Another employee can neither see nor move it.
        self.assertProblem(self.other.client.get(API + "/visits/%d" % v["id"]), 404)
        self.assertProblem(self.other.client.post(API + "/visits/%d/transition" % v["id"], {
            "version": c["version"], "to": "expected"}), 404)

    def test_bad_input_writes_nothing(self):
        head = self.srv.audit_head()
        count = self.srv.sql("SELECT COUNT(*) FROM visits")[0][0]
        c = self.host.client
        for body, field, code in (
                ({"visitor_name": "  　", "purpose": "x"}, "visitor_name", "required"),
                ({"visitor_name": "A", "purpose": " "}, "purpose", "required"),
                ({"visitor_name": "A", "purpose": "x", "host_id": self.other.id}, "host_id",
                 "not_allowed"),
                ({"visitor_name": "A", "purpose": "x", "site_id": 9999}, "site_id", "not_found"),
                ({"visitor_name": "A", "purpose": "x", "expected_arrival_at": "2030-01-01T05:00:00Z",
                  "expected_departure_at": "2030-01-01T04:00:00Z"}, "expected_departure_at",
                 "before_arrival"),
                ({"visitor_name": "A" * 101, "purpose": "x"}, "visitor_name", "too_long")):
            with self.subTest(field=field):
                self.assertFieldError(c.post(API + "/visits", body), field, code)
        v = self.register()
        head = self.srv.audit_head()
        r = self.reception.client.post(API + "/visits/%d/transition" % v["id"], {
            "version": v["version"], "to": "arrived", "at": "2099-01-01T00:00:00Z"})
        self.assertFieldError(r, "at", "in_future")
        r = self.reception.client.post(API + "/visits/%d/transition" % v["id"], {
            "version": v["version"], "to": "departed"})
        self.assertFieldError(r, "to", "invalid_transition")
        self.assertEqual(self.srv.audit_head(), head)
        self.assertEqual(self.srv.sql("SELECT COUNT(*) FROM visits")[0][0], count + 1)

    # --- personal details: sealed, and read only with an audit event --------------------------

    def test_visitor_name_sealed_at_rest(self):
        marks = ("来訪者名-8841-秘", "会社名-3307-秘")
        v = self.register(visitor_name=marks[0], visitor_company=marks[1])
        tablet, _ = self.start_kiosk(self.site["id"])
        r = tablet.post(API + "/kiosk/visits", {"visitor_name": marks[0] + "K",
                                                "visitor_company": marks[1] + "K",
                                                "purpose": "配送", "notice_accepted": True})
        self.assertEqual(r.status, 201, r)
        self.assertEqual(self.reception.client.get(API + "/visits/%d" % v["id"]).json["visitor_name"],
                         marks[0])
        if self.srv.pg:
            rows = self.srv.sql("SELECT visitor_name, visitor_company FROM visits")
            rows += self.srv.sql("SELECT summary, '' FROM audit_events")
            rows += self.srv.sql("SELECT title, COALESCE(params, '') FROM notifications")
            rows += self.srv.sql("SELECT COALESCE(body, ''), COALESCE(data, '') FROM "
                                 "timeline_events")
            blob = repr(rows).encode()
            self.assertTrue(rows)
        else:
            blob = b""
            for suffix in ("", "-wal"):
                path = self.srv.db_path + suffix
                if os.path.exists(path):
                    with open(path, "rb") as f:
                        blob += f.read()
        for m in marks:
            self.assertNotIn(m.encode(), blob, m)
        stored = self.srv.sql("SELECT visitor_name FROM visits WHERE id = ?", (v["id"],))[0][0]
        self.assertTrue(stored.startswith("v1:"), stored)

    def test_reads_are_audited(self):
        v = self.register(visitor_name="監査 対象")
        before = len(self.events("visit.read", object_id=v["id"]))
        r = self.auditor.client.get(API + "/visits/%d" % v["id"])
        self.assertEqual(r.status, 200, r)
        ev = self.events("visit.read", object_id=v["id"])
        self.assertEqual(len(ev), before + 1)
        self.assertEqual(ev[0]["actor_login"], self.auditor.login)
        # A page of the list: one event naming exactly the slips returned.
        r = self.auditor.client.get(API + "/visits?limit=3")
        self.assertEqual(r.status, 200, r)
        ids = [x["id"] for x in r.json["items"]]
        ev = self.events("visit.list", actor=self.auditor.login)[0]
        self.assertEqual(ev["summary"]["ids"], ids)
        # The export names them too, as ranges.
        r = self.auditor.client.get(API + "/visits.csv")
        self.assertEqual(r.status, 200, r)
        self.assertIn("監査 対象", r.body.decode("utf-8-sig"))
        ev = self.events("export.visits", actor=self.auditor.login)[0]
        self.assertEqual(ev["summary"]["rows"], self.srv.sql("SELECT COUNT(*) FROM visits")[0][0])
        covered = [i for a, b in ev["summary"]["ids"] for i in range(a, b + 1)]
        self.assertIn(v["id"], covered)
        # Not for an employee: the export is reception's and the auditors'.
        self.assertProblem(self.other.client.get(API + "/visits.csv"), 403, "forbidden")

    # --- the kiosk ------------------------------------------------------------------------------

    def test_kiosk_creates_one_slip_and_reads_nothing(self):
        tablet, started = self.start_kiosk(self.site["id"])
        self.assertEqual(started["kiosk"]["site"]["name"], "本社")
        self.assertTrue(started["kiosk"]["notice_ja"])
        first_cookie = tablet.cookies["mamori_session"]
        count = self.srv.sql("SELECT COUNT(*) FROM visits")[0][0]
        r = tablet.post(API + "/kiosk/visits", {"visitor_name": "鈴木 一郎",
                                                "visitor_company": "鈴木商店",
                                                "purpose": "面接", "host_name": "山田さん",
                                                "notice_accepted": True, "locale": "ja"})
        self.assertEqual(r.status, 201, r)
        # Nothing of the slip comes back, only a new session for the next visitor.
        self.assertNotIn("鈴木", r.body.decode())
        self.assertEqual(set(r.json), {"received", "csrf_token", "kiosk"})
        self.assertNotEqual(tablet.cookies["mamori_session"], first_cookie)
        tablet.csrf = r.json["csrf_token"]
        self.assertEqual(self.srv.sql("SELECT COUNT(*) FROM visits")[0][0], count + 1)
        vid = self.srv.sql("SELECT MAX(id) FROM visits")[0][0]
        slip = self.reception.client.get(API + "/visits/%d" % vid).json
        self.assertEqual((slip["source"], slip["status"], slip["host"]["id"]),
                         ("kiosk", "arrived", self.host.id))
        self.assertEqual(slip["visitor_name"], "鈴木 一郎")
        self.assertIsNotNone(slip["notice_accepted_at"])
        self.assertIn("visit:%d" % vid, [t["key"] for t in self.tasks(self.host)])
        ev = self.events("visit.create", object_id=vid)[0]
        self.assertEqual((ev["actor_id"], ev["actor_login"]), (None, "(kiosk)"))
        self.assertNotIn("鈴木", json.dumps(ev, ensure_ascii=False))

        # The session that sent it is spent: replaying it creates nothing.
        replay = Client(self.srv)
        replay.cookies["mamori_session"] = first_cookie
        replay.csrf = started["csrf_token"]
        self.assertProblem(replay.post(API + "/kiosk/visits", {"visitor_name": "二度目",
                                                               "purpose": "x",
                                                               "notice_accepted": True}),
                           401, "unauthenticated")
        self.assertEqual(self.srv.sql("SELECT COUNT(*) FROM visits")[0][0], count + 1)

        # The tablet now reads nothing: every GET answers 401 or 403, and every other route
        # but its own is refused, changing nothing but the trail of refusals.
        visits_before = self.srv.sql("SELECT COUNT(*), MAX(version) FROM visits")
        refused = 0
        for route in load_routes():
            if route["permission"] == "public" or route["permission"] == "kiosk":
                continue
            kw = {} if route["method"] in ("GET", "HEAD") else {"body": {}}
            resp = tablet.request(route["method"], concrete(route["path"]), **kw)
            with self.subTest(route="%s %s" % (route["method"], route["path"])):
                self.assertIn(resp.status, (401, 403), resp)
                self.assertNotIn(b"visitor_name", resp.body)
                refused += 1
        self.assertGreater(refused, 150)
        self.assertEqual(self.srv.sql("SELECT COUNT(*), MAX(version) FROM visits"), visits_before)
        denials = self.events("access.denied", actor="(kiosk)")
        self.assertGreaterEqual(len(denials), min(refused, 200))
        # ... and it still takes the next visitor.
        r = tablet.post(API + "/kiosk/visits", {"visitor_name": "次の 人", "purpose": "配送",
                                                "notice_accepted": True})
        self.assertEqual(r.status, 201, r)
        # Nobody's own session reaches the kiosk's route, not even an administrator's.
        self.assertProblem(self.admin.client.post(API + "/kiosk/visits", {
            "visitor_name": "x", "purpose": "x", "notice_accepted": True}), 403, "forbidden")
        self.assertProblem(self.host.client.post(API + "/kiosk/visits", {
            "visitor_name": "x", "purpose": "x", "notice_accepted": True}), 403, "forbidden")

    def test_kiosk_refusals(self):
        tablet, started = self.start_kiosk()
        head = self.srv.audit_head()
        count = self.srv.sql("SELECT COUNT(*) FROM visits")[0][0]
        # The notice must be accepted when there is one; name and purpose are required.
        self.assertFieldError(tablet.post(API + "/kiosk/visits", {
            "visitor_name": "高橋", "purpose": "見学"}), "notice_accepted", "required")
        self.assertFieldError(tablet.post(API + "/kiosk/visits", {
            "visitor_name": " ", "purpose": "見学", "notice_accepted": True}), "visitor_name",
            "required")
        self.assertFieldError(tablet.post(API + "/kiosk/visits", {
            "visitor_name": "高橋", "purpose": "見学", "notice_accepted": True,
            "host_id": self.host.id}), "host_id", "unknown_field")
        self.assertEqual(self.srv.audit_head(), head)
        self.assertEqual(self.srv.sql("SELECT COUNT(*) FROM visits")[0][0], count)
        # Refused input keeps the session: the visitor corrects it and sends again. A host
        # nobody is called goes to reception.
        r = tablet.post(API + "/kiosk/visits", {"visitor_name": "高橋", "purpose": "見学",
                                                "notice_accepted": True,
                                                "host_name": "存在しない 人"})
        self.assertEqual(r.status, 201, r)
        tablet.csrf = r.json["csrf_token"]
        vid = self.srv.sql("SELECT MAX(id) FROM visits")[0][0]
        slip = self.reception.client.get(API + "/visits/%d" % vid).json
        self.assertIsNone(slip["host"])
        self.assertEqual(slip["host_text"], "存在しない 人")
        self.assertIn("visit_unassigned:%d" % vid, [t["key"] for t in self.tasks(self.reception)])
        # Reception names the host; the slip then waits on them, not on reception.
        r = self.reception.client.patch(API + "/visits/%d" % vid, {"version": slip["version"],
                                                                    "host_id": self.other.id})
        self.assertEqual(r.status, 200, r)
        self.assertNotIn("visit_unassigned:%d" % vid,
                         [t["key"] for t in self.tasks(self.reception)])
        self.assertIn("visit:%d" % vid, [t["key"] for t in self.tasks(self.other)])
        # Without a notice text, none need be accepted.
        s = self.reception.client.get(API + "/visits/settings").json
        r = self.reception.client.patch(API + "/visits/settings", {
            "version": s["version"], "notice_ja": "", "notice_en": ""})
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json["notice_version"], s["notice_version"] + 1)
        r2 = tablet.post(API + "/kiosk/visits", {"visitor_name": "伊藤", "purpose": "見学"})
        self.assertEqual(r2.status, 201, r2)
        r = self.reception.client.patch(API + "/visits/settings", {
            "version": r.json["version"], "notice_ja": s["notice_ja"], "notice_en": s["notice_en"]})
        self.assertEqual(r.status, 200, r)

    def test_kiosk_takes_a_few_slips_a_minute(self):
        # Someone at the tablet cannot flood the register and the hosts' mail: the seventh
        # slip within a minute is refused (429, Retry-After), nothing is written, and the
        # tablet's session stays for the next visitor.
        tablet, _ = self.start_kiosk()
        for _ in range(6):
            self.assertEqual(self.kiosk_slip(tablet).status, 201)
        head = self.srv.audit_head()
        count = self.srv.sql("SELECT COUNT(*) FROM visits")[0][0]
        r = self.kiosk_slip(tablet)
        self.assertProblem(r, 429, "too_many_slips")
        self.assertEqual(r.headers.get("Retry-After"), "60")
        self.assertEqual(self.srv.sql("SELECT COUNT(*) FROM visits")[0][0], count)
        self.assertEqual(self.srv.audit_head(), head)
        # A minute later (the slips' times moved back) the same session sends again.
        self.srv.sql("UPDATE visits SET created_at = created_at - 61 WHERE kiosk_id = "
                     "(SELECT kiosk_id FROM visits ORDER BY id DESC LIMIT 1)")
        self.assertEqual(self.kiosk_slip(tablet).status, 201)
        # Another kiosk is counted on its own.
        other, _ = self.start_kiosk()
        self.assertEqual(self.kiosk_slip(other).status, 201)

    def test_kiosk_notice_in_one_language_only(self):
        """A notice set only in Japanese is still the notice: a visitor who switches the kiosk
        to English is shown it and must accept it, and the slip says which text it was."""
        s = self.reception.client.get(API + "/visits/settings").json
        r = self.reception.client.patch(API + "/visits/settings", {
            "version": s["version"], "notice_ja": "ご記入の情報は入館の管理に使います。",
            "notice_en": ""})
        self.assertEqual(r.status, 200, r)
        version = r.json["version"]
        tablet, _ = self.start_kiosk()
        count = self.srv.sql("SELECT COUNT(*) FROM visits")[0][0]
        self.assertFieldError(tablet.post(API + "/kiosk/visits", {
            "visitor_name": "Smith", "purpose": "Meeting", "locale": "en"}),
            "notice_accepted", "required")
        self.assertEqual(self.srv.sql("SELECT COUNT(*) FROM visits")[0][0], count)
        r = tablet.post(API + "/kiosk/visits", {"visitor_name": "Smith", "purpose": "Meeting",
                                                "locale": "en", "notice_accepted": True})
        self.assertEqual(r.status, 201, r)
        vid = self.srv.sql("SELECT MAX(id) FROM visits")[0][0]
        slip = self.reception.client.get(API + "/visits/%d" % vid).json
        self.assertEqual((slip["notice_locale"], slip["notice_version"]),
                         ("ja", r.json["kiosk"]["notice_version"]))
        self.assertIsNotNone(slip["notice_accepted_at"])
        r = self.reception.client.patch(API + "/visits/settings", {
            "version": version, "notice_ja": s["notice_ja"], "notice_en": s["notice_en"]})
        self.assertEqual(r.status, 200, r)

    def test_kiosk_ends_when_its_officer_loses_reception(self):
        """A kiosk is reception's: when the permission to start one is taken from the officer's
        role (their sessions stay), the kiosk they started ends."""
        admin, reception = self.admin.client, ["visits.manage", "visits.register"]
        role = {"name": "frontdesk", "label_ja": "受付係", "label_en": "Front desk",
                "permissions": reception}
        r = admin.post(API + "/roles", role)
        self.assertEqual(r.status, 201, r)
        tablet = self.kiosk_started_by(self.srv.create_user("v_frontdesk", roles=["frontdesk"]))
        r = admin.patch(API + "/roles/%d" % r.json["id"], {"version": r.json["version"],
                                                           "permissions": reception[1:]})
        self.assertEqual(r.status, 200, r)
        count = self.srv.sql("SELECT COUNT(*) FROM visits")[0][0]
        self.assertProblem(self.kiosk_slip(tablet), 401, "unauthenticated")
        self.assertEqual(self.srv.sql("SELECT COUNT(*) FROM visits")[0][0], count)
        # Given back, it does not come back to life: reception starts the kiosk again.
        r = admin.patch(API + "/roles/%d" % r.json["id"], {"version": r.json["version"],
                                                           "permissions": reception})
        self.assertEqual(r.status, 200, r)
        self.assertProblem(self.kiosk_slip(tablet), 401, "unauthenticated")

    def test_kiosk_session_expires_and_ends_with_its_officer(self):
        s = self.reception.client.get(API + "/visits/settings").json
        r = self.reception.client.patch(API + "/visits/settings", {"version": s["version"],
                                                                   "kiosk_idle_minutes": 5})
        self.assertEqual(r.status, 200, r)
        tablet, started = self.start_kiosk()
        self.assertEqual(started["kiosk"]["idle_timeout_s"], 300)
        # Six idle minutes later the kiosk has ended.
        self.srv.sql("UPDATE sessions SET last_seen_at = last_seen_at - 360 WHERE kind = 'kiosk'")
        self.assertProblem(tablet.post(API + "/kiosk/visits", {"visitor_name": "x",
                                                               "purpose": "x",
                                                               "notice_accepted": True}),
                           401, "unauthenticated")
        r = self.reception.client.patch(API + "/visits/settings", {"version": r.json["version"],
                                                                   "kiosk_idle_minutes": 120})
        self.assertEqual(r.status, 200, r)
        # The kiosk is the officer's responsibility: it ends with their account.
        officer = self.srv.create_user("v_reception2", roles=["officer"])
        tablet = self.kiosk_started_by(officer)
        r = self.admin.client.post(API + "/users/%d/disable" % officer.id)
        self.assertIn(r.status, (200, 204), r)
        self.assertProblem(self.kiosk_slip(tablet), 401, "unauthenticated")
        # Started by an employee who may not: refused, and their session stays theirs.
        self.assertProblem(self.other.client.post(API + "/visits/kiosk", {"site_id": None}),
                           403, "forbidden")
        self.assertEqual(self.other.client.get(API + "/session").status, 200)

    def test_host_mailed_when_mail_is_on(self):
        sink = SmtpSink().start()
        try:
            s = self.admin.client.get(API + "/mail/settings").json
            r = self.admin.client.patch(API + "/mail/settings", {
                "version": s["version"], "enabled": True, "host": "127.0.0.1",
                "port": sink.port, "security": "none", "from_addr": "mamori@example.jp",
                "base_url": "https://mamori.example.jp"})
            self.assertEqual(r.status, 200, r)
            tablet, _ = self.start_kiosk(self.site["id"])
            r = tablet.post(API + "/kiosk/visits", {"visitor_name": "メール 確認",
                                                    "purpose": "納品", "host_name": "山田 太郎",
                                                    "notice_accepted": True})
            self.assertEqual(r.status, 201, r)
            vid = self.srv.sql("SELECT MAX(id) FROM visits")[0][0]
            queued = self.srv.sql("SELECT subject, body FROM mail_outbox WHERE to_addr = ?",
                                  ("yamada@example.jp",))
            self.assertTrue(queued)
            self.srv.cli("jobs", "run")
            msgs = [email.message_from_bytes(m, policy=email.policy.default)
                    for m in sink.wait(1)]
            mine = [m for m in msgs if "yamada@example.jp" in str(m["To"])]
            self.assertTrue(mine)
            text = mine[-1].get_body(("plain",)).get_content()
            self.assertIn("来訪者の受付", str(mine[-1]["Subject"]))
            self.assertIn("/visits/%d" % vid, text)
            self.assertNotIn("メール 確認", text)
        finally:
            s = self.admin.client.get(API + "/mail/settings").json
            self.admin.client.patch(API + "/mail/settings", {"version": s["version"],
                                                             "enabled": False})
            sink.close()

    # --- the office open/close log -------------------------------------------------------------

    def test_office_log_and_missing_closing(self):
        admin = self.admin.client
        r = admin.post(API + "/sites", {"name": "大阪支店", "manager_id": self.host.id})
        self.assertEqual(r.status, 201, r)
        site = r.json
        today = org_today()
        # The site has existed for ten days; nobody recorded anything yet.
        self.srv.sql("UPDATE sites SET created_at = created_at - 10 * 86400 WHERE id = ?",
                     (site["id"],))
        r = self.other.client.post(API + "/office-log/open", {"site_id": site["id"]})
        self.assertEqual(r.status, 201, r)
        day = [d for d in r.json["days"] if d["day"] == today.isoformat()][0]
        self.assertEqual(day["opened"]["by"]["id"], self.other.id)
        # Closing with the alarm not set needs a word on why.
        body = {"site_id": site["id"], "windows": True, "cabinets": True, "pcs_off": True,
                "alarm_set": False}
        self.assertFieldError(self.other.client.post(API + "/office-log/close", body), "note",
                              "required")
        body.update(alarm_set=True)
        r = self.other.client.post(API + "/office-log/close", body)
        self.assertEqual(r.status, 201, r)
        day = [d for d in r.json["days"] if d["day"] == today.isoformat()][0]
        self.assertEqual(day["closed"]["by"]["id"], self.other.id)
        self.assertTrue(day["closed"]["alarm_set"])
        self.assertFalse(day["missing_close"])
        ev = self.events("office_log.close", actor=self.other.login)[0]
        self.assertEqual(ev["summary"]["site_id"], site["id"])
        # The working days before today without a closing entry wait on the manager.
        keys = [t["key"] for t in self.tasks(self.host) if t["kind"] == "office_close"]
        missing = [k for k in keys if k.startswith("office_close:%d:" % site["id"])]
        self.assertTrue(missing)
        self.assertNotIn("office_close:%d:%s" % (site["id"], today.isoformat()), keys)
        late = missing[0].split(":")[2]
        # Someone records that day late; the task goes.
        r = self.host.client.post(API + "/office-log/close", {
            "site_id": site["id"], "day": late, "windows": True, "cabinets": True,
            "pcs_off": True, "alarm_set": True, "note": "翌日に確認しました"})
        self.assertEqual(r.status, 201, r)
        keys = [t["key"] for t in self.tasks(self.host)]
        self.assertNotIn("office_close:%d:%s" % (site["id"], late), keys)
        log = self.other.client.get(API + "/office-log?site_id=%d&from=%s&to=%s" % (
            site["id"], late, late)).json
        self.assertTrue(log["days"][0]["closed"]["late"])
        # Someone else is not told: the tasks are the site manager's.
        self.assertFalse([t for t in self.tasks(self.other) if t["kind"] == "office_close"])
        # Not ahead of today, not too far back, not at a site that does not exist.
        tomorrow = (today + datetime.timedelta(days=1)).isoformat()
        old = (today - datetime.timedelta(days=40)).isoformat()
        self.assertFieldError(self.other.client.post(API + "/office-log/open", {
            "site_id": site["id"], "day": tomorrow}), "day", "in_future")
        self.assertFieldError(self.other.client.post(API + "/office-log/open", {
            "site_id": site["id"], "day": old}), "day", "too_old")
        self.assertFieldError(self.other.client.post(API + "/office-log/open", {
            "site_id": 9999}), "site_id", "not_found")
        self.assertFieldError(self.other.client.get(
            API + "/office-log?from=2026-01-01&to=2026-06-01"), "from", "out_of_range")

    def test_sites(self):
        admin = self.admin.client
        self.assertFieldError(admin.post(API + "/sites", {"name": "本社"}), "name", "taken")
        self.assertProblem(self.other.client.post(API + "/sites", {"name": "x"}), 403, "forbidden")
        r = admin.post(API + "/sites", {"name": "倉庫", "track_closing": False})
        self.assertEqual(r.status, 201, r)
        r = admin.patch(API + "/sites/%d" % r.json["id"], {"version": 1, "active": False})
        self.assertEqual(r.status, 200, r)
        names = [s["name"] for s in self.other.client.get(API + "/sites").json["items"]]
        self.assertNotIn("倉庫", names)
        self.assertIn("倉庫", [s["name"] for s in admin.get(API + "/sites?all=1").json["items"]])
        self.assertFieldError(self.host.client.post(API + "/visits", {
            "visitor_name": "x", "purpose": "x", "site_id": r.json["id"]}), "site_id", "not_found")

    def test_register_lists_visitor_slips(self):
        entries = self.admin.client.get(API + "/pinfo?limit=200").json["items"]
        own = {e["own"]: e for e in entries if e.get("own")}
        self.assertIn("visits", own)
        self.assertIn("office_log", own)
        self.assertEqual(own["visits"]["record_count"],
                         self.srv.sql("SELECT COUNT(*) FROM visits")[0][0])
