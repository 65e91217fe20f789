"""What an attacker with some access would try next (issue 22):
- acting on an account or a role that holds more than oneself (reset, disable, move, weaken);
- keeping the administrator locked out from another address, flooding the trail with
  failed sign-ins, racing one TOTP code or recovery code, racing wrong passwords past the lock;
- signing in past the account's end date, or from another site's text/plain form;
- learning the reporter of an anonymous near-miss from the audit trail;
- reading the personal information register's list, or probing records, without a trace;
- a trail written before the chain was keyed, keyed once and verified."""
import csv
import io
import json
import threading
import time

from harness import (API, PG_URL, Client, ServerTestCase, audit_event_hash, org_today,
                     totp)


def events(client, query=""):
    """Every audit event matching `query`, newest first."""
    out, cursor = [], None
    while True:
        r = client.get(API + "/audit/events?limit=200" + query +
                       ("&cursor=" + cursor if cursor else ""))
        assert r.status == 200, r
        out += r.json["items"]
        cursor = r.json["next_cursor"]
        if cursor is None:
            return out


def all_at_once(n, fn):
    """Runs fn(i) in n threads released together; returns the results in order."""
    barrier = threading.Barrier(n)
    results = [None] * n

    def run(i):
        barrier.wait()
        results[i] = fn(i)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    return results


def set_settings(test, **values):
    admin = test.admin.client
    v = admin.get(API + "/settings").json["version"]
    r = admin.patch(API + "/settings", dict(values, version=v))
    test.assertEqual(r.status, 200, r)


class SubsetRuleTest(ServerTestCase):
    """A role with users.write (and what it hands out) but nothing else."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        admin = cls.admin.client
        employee = [r for r in admin.get(API + "/roles").json["items"]
                    if r["name"] == "employee"][0]
        r = admin.post(API + "/roles", {
            "name": "clerk", "label_ja": "人事担当", "label_en": "HR clerk",
            "permissions": sorted({"users.read", "users.write", "departments.read"} |
                                  set(employee["permissions"]))})
        assert r.status == 201, r
        cls.clerk = cls.srv.create_user("clerk1", roles=("clerk",))
        cls.dept = admin.post(API + "/departments", {"name": "総務部"}).json
        cls.targets = {name: cls.srv.create_user("t-" + name, roles=(name,))
                       for name in ("manager", "officer", "auditor")}
        cls.targets["admin"] = cls.admin
        cls.employee = cls.srv.create_user("t-employee", roles=("employee",))

    def user(self, acct):
        return self.admin.client.get(API + "/users/%d" % acct.id).json

    def test_cannot_act_on_anyone_holding_more(self):
        c = self.clerk.client
        for name, target in self.targets.items():
            with self.subTest(target=name):
                before = self.user(target)
                v = before["version"]
                attempts = [
                    ("user.reset_password", c.post(API + "/users/%d/reset-password" % target.id)),
                    ("user.disable", c.post(API + "/users/%d/disable" % target.id)),
                    ("user.enable", c.post(API + "/users/%d/enable" % target.id)),
                    ("user.update", c.patch(API + "/users/%d" % target.id,
                                            {"version": v, "department_id": self.dept["id"]})),
                    ("user.update", c.patch(API + "/users/%d" % target.id,
                                            {"version": v, "manager_id": self.clerk.id})),
                    ("user.update", c.patch(API + "/users/%d" % target.id,
                                            {"version": v, "valid_until": str(org_today())})),
                ]
                for action, r in attempts:
                    self.assertProblem(r, 403, "exceeds_own_permissions")
                    self.assertIn("permissions you do not hold", r.json["detail"])
                    self.assertNotIn("initial_password", r.body.decode())
                self.assertEqual(self.user(target), before)  # nothing changed
                # The password still works; the sessions are still there.
                self.assertEqual(target.client.get(API + "/session").status, 200)
                denied = [e for e in events(self.admin.client,
                                            "&action=access.denied&object_type=user&object_id=%d"
                                            % target.id) if e["actor_id"] == self.clerk.id]
                self.assertEqual(sorted(e["summary"]["action"] for e in denied),
                                 sorted(a for a, _ in attempts))
                for e in denied:
                    self.assertEqual(e["summary"]["reason"], "exceeds_own_permissions")
                    self.assertNotIn(e["summary"]["permission"], self.clerk_permissions())

    def clerk_permissions(self):
        return self.clerk.client.get(API + "/session").json["user"]["permissions"]

    def test_may_act_on_someone_holding_less(self):
        c, e = self.clerk.client, self.employee
        r = c.post(API + "/users/%d/reset-password" % e.id)
        self.assertEqual(r.status, 200, r)
        self.assertEqual(c.post(API + "/users/%d/disable" % e.id).status, 200)
        self.assertEqual(c.post(API + "/users/%d/enable" % e.id).status, 200)
        v = self.user(e)["version"]
        r = c.patch(API + "/users/%d" % e.id, {"version": v, "department_id": self.dept["id"],
                                               "manager_id": self.clerk.id})
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json["department_id"], self.dept["id"])

    def test_the_takeover_of_the_issue_is_refused(self):
        # users.write reset a manager's password, signed in as the manager and read the
        # personal information register: the reset is refused, so is everything after it.
        mgr = self.targets["manager"]
        r = self.clerk.client.post(API + "/users/%d/reset-password" % mgr.id)
        self.assertProblem(r, 403, "exceeds_own_permissions")
        self.assertEqual(Client(self.srv).sign_in(mgr.login, mgr.password).status, 200)


class RoleSubsetTest(ServerTestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        r = cls.admin.client.post(API + "/roles", {
            "name": "role_keeper", "label_ja": "ロール管理", "label_en": "Role keeper",
            "permissions": ["roles.read", "roles.write"]})
        assert r.status == 201, r
        cls.keeper = cls.srv.create_user("keeper1", roles=("role_keeper",))

    def roles(self):
        return {r["name"]: r for r in self.admin.client.get(API + "/roles").json["items"]}

    def test_cannot_weaken_a_role_holding_more(self):
        before = self.roles()
        c = self.keeper.client
        for name, patch in (("admin", {"mfa_required": False}),
                            ("officer", {"permissions": []}),
                            ("officer", {"label_ja": "なし"}),
                            ("auditor", {"permissions": ["roles.read"]}),
                            ("manager", {"privileged": True})):
            with self.subTest(role=name, patch=patch):
                role = before[name]
                r = c.patch(API + "/roles/%d" % role["id"], dict(patch, version=role["version"]))
                self.assertProblem(r, 403, "exceeds_own_permissions")
        self.assertEqual(self.roles(), before)
        denied = [e for e in events(self.admin.client, "&action=access.denied&object_type=role")
                  if e["actor_id"] == self.keeper.id]
        self.assertEqual(len(denied), 5)
        self.assertTrue(all(e["summary"]["action"] == "role.update" for e in denied))

    def test_may_change_a_role_within_own(self):
        r = self.admin.client.post(API + "/roles", {
            "name": "reader_only", "label_ja": "閲覧", "label_en": "Reader",
            "permissions": ["roles.read"]})
        self.assertEqual(r.status, 201, r)
        r = self.keeper.client.patch(API + "/roles/%d" % r.json["id"], {
            "version": r.json["version"], "mfa_required": True,
            "permissions": ["roles.read", "roles.write"]})
        self.assertEqual(r.status, 200, r)
        self.assertTrue(r.json["mfa_required"])


class ThrottleTest(ServerTestCase):
    threads = 4

    def test_a_stranger_cannot_lock_the_administrator_out(self):
        stranger = Client(self.srv, source="127.0.0.2")
        codes = [stranger.sign_in("admin", "Guess-%d-password" % i).json["code"]
                 for i in range(8)]
        self.assertEqual(codes, ["invalid_credentials"] * 4 + ["account_locked"] * 4)
        # The stranger's address is locked, not the administrator at their own desk.
        r = Client(self.srv).sign_in("admin", self.admin.password, self.admin.second_factor())
        self.assertEqual(r.status, 200, r)
        locked = [e for e in events(self.admin.client, "&action=user.locked&object_id=1")]
        self.assertEqual([e["ip"] for e in locked], ["127.0.0.2"])

    def test_many_addresses_still_lock_the_account(self):
        set_settings(self, lockout_threshold=3)
        try:
            u = self.srv.create_user("spread1")
            # Four addresses, each locking itself after three: twelve, four times three.
            for k in range(4):
                c = Client(self.srv, source="127.0.1.%d" % (k + 1))
                for i in range(3):
                    c.sign_in("spread1", "Wrong-password-%d" % i)
            r = Client(self.srv).sign_in("spread1", u.password)
            self.assertProblem(r, 401, "account_locked")
            e = events(self.admin.client, "&action=user.locked&object_id=%d" % u.id)[0]
            self.assertEqual(e["summary"], {"minutes": 15, "all_addresses": True})
            # A password reset lifts every lock.
            r = self.admin.client.post(API + "/users/%d/reset-password" % u.id)
            self.assertEqual(Client(self.srv, source="127.0.1.1").sign_in(
                "spread1", r.json["initial_password"]).status, 200)
        finally:
            set_settings(self, lockout_threshold=5)

    def test_an_address_spraying_logins_is_throttled(self):
        set_settings(self, lockout_threshold=3)
        try:
            u = self.srv.create_user("sprayed1")
            c = Client(self.srv, source="127.0.2.1")
            answers = [c.sign_in("spray-%02d" % i, "Summer2026pass").status for i in range(60)]
            self.assertEqual(answers, [401] * 60)
            r = c.sign_in("spray-61", "Summer2026pass")
            self.assertProblem(r, 429, "too_many_attempts")
            self.assertGreater(r.json["retry_after"], 0)
            self.assertLessEqual(r.json["retry_after"], 15 * 60)
            # Even the right password waits; other addresses do not.
            self.assertProblem(c.sign_in("sprayed1", u.password), 429, "too_many_attempts")
            self.assertEqual(Client(self.srv).sign_in("sprayed1", u.password).status, 200)
        finally:
            set_settings(self, lockout_threshold=5)

    def test_a_burst_is_coalesced_and_counted_exactly(self):
        self.srv.create_user("burst1")
        c = Client(self.srv, source="127.0.3.1")
        codes = [c.sign_in("burst1", "Wrong-password-x").json["code"] for _ in range(40)]
        self.assertEqual(codes.count("invalid_credentials"), 4)
        self.assertEqual(codes.count("account_locked"), 36)
        mine = lambda: [e for e in events(self.admin.client, "&action=session.login_failed")
                        if e["ip"] == "127.0.3.1"]
        self.assertEqual(len(mine()), 5)  # the judged ones, one by one
        r = self.srv.cli("jobs", "run")
        self.assertEqual(r.returncode, 0, r.stderr)
        got = mine()
        self.assertEqual(len(got), 6)
        self.assertEqual(got[0]["summary"]["count"], 35)
        self.assertEqual(got[0]["summary"]["locked"], 35)
        self.assertEqual(sum(e["summary"].get("count", 1) for e in got), 40)


class RaceTest(ServerTestCase):
    threads = 4

    def sessions(self, uid):
        return self.srv.sql("SELECT COUNT(*) FROM sessions WHERE user_id = ?", (uid,))[0][0]

    def mfa_user(self, login):
        u = self.srv.create_user(login, roles=("officer",))  # officers must use MFA
        self.assertIsNotNone(u.secret)
        return u

    def test_one_totp_code_gives_one_session(self):
        u = self.mfa_user("race-totp")
        code = u.next_totp()
        before = self.sessions(u.id)
        clients = [Client(self.srv, source="127.0.4.%d" % (i + 1)) for i in range(8)]
        rs = all_at_once(8, lambda i: clients[i].sign_in(u.login, u.password, code))
        self.assertEqual([r.status for r in rs].count(200), 1, rs)
        self.assertTrue(all(r.status == 401 for r in rs if r.status != 200), rs)
        self.assertEqual(self.sessions(u.id), before + 1)

    def test_one_recovery_code_gives_one_session(self):
        u = self.mfa_user("race-recovery")
        code = u.recovery.pop()
        before = self.sessions(u.id)
        clients = [Client(self.srv, source="127.0.5.%d" % (i + 1)) for i in range(8)]
        rs = all_at_once(8, lambda i: clients[i].sign_in(u.login, u.password, code))
        self.assertEqual([r.status for r in rs].count(200), 1, rs)
        self.assertEqual(self.sessions(u.id), before + 1)
        used = self.srv.sql("SELECT COUNT(*) FROM recovery_codes WHERE user_id = ? AND "
                            "used_at IS NOT NULL", (u.id,))[0][0]
        self.assertEqual(used, 1)

    def test_twenty_wrong_passwords_lock_after_exactly_five(self):
        u = self.srv.create_user("race-lock")
        clients = [Client(self.srv, source="127.0.6.1") for _ in range(20)]
        rs = all_at_once(20, lambda i: clients[i].sign_in(u.login, "Wrong-password-%d" % i))
        codes = [r.json["code"] for r in rs]
        self.assertEqual(codes.count("invalid_credentials"), 4, codes)
        self.assertEqual(codes.count("account_locked"), 16, codes)
        judged = [e for e in events(self.admin.client, "&action=session.login_failed&object_id=%d"
                                    % u.id) if e["summary"]["reason"] == "wrong_password"]
        self.assertEqual(len(judged), 5)
        self.assertEqual(sorted(e["summary"]["consecutive_failures"] for e in judged),
                         [1, 2, 3, 4, 5])
        self.assertEqual(len(events(self.admin.client, "&action=user.locked&object_id=%d" % u.id)), 1)
        self.assertProblem(Client(self.srv, source="127.0.6.1").sign_in(u.login, u.password),
                           401, "account_locked")
        self.assertEqual(self.srv.cli("jobs", "run").returncode, 0)
        refused = [e for e in events(self.admin.client, "&action=session.login_failed")
                   if e["ip"] == "127.0.6.1" and e["summary"].get("reason") == "refused"]
        self.assertEqual(sum(e["summary"]["count"] for e in refused), 16)


class SignInRulesTest(ServerTestCase):

    def test_sign_in_takes_json_only(self):
        body = json.dumps({"login": "admin", "password": self.admin.password,
                           "totp": self.admin.recovery.pop()}).encode()
        for ctype in ("text/plain", "application/x-www-form-urlencoded", "multipart/form-data",
                      "application/jsonp", None):
            with self.subTest(content_type=ctype):
                c = Client(self.srv)
                r = c.post(API + "/session", raw=body, content_type=ctype)
                self.assertProblem(r, 415, "unsupported_media_type")
                self.assertIsNone(c.token)
        c = Client(self.srv)
        r = c.post(API + "/session", raw=body, content_type="application/json; charset=utf-8")
        self.assertEqual(r.status, 200, r)

    def test_end_date_is_checked_at_sign_in(self):
        u = self.srv.create_user("ending1", valid_until=str(org_today()))
        self.assertEqual(Client(self.srv).sign_in("ending1", u.password).status, 200)
        self.srv.sql("UPDATE users SET valid_until = '2000-01-01' WHERE id = ?", (u.id,))
        r = Client(self.srv).sign_in("ending1", u.password)
        self.assertProblem(r, 401, "invalid_credentials")
        e = events(self.admin.client, "&action=session.login_failed&object_id=%d" % u.id)[0]
        self.assertEqual(e["summary"]["reason"], "expired")
        # The job has not run: the account is still marked active, and still refused.
        self.assertEqual(self.srv.sql("SELECT status FROM users WHERE id = ?", (u.id,)),
                         [("active",)])

    def test_only_real_time_zones(self):
        admin = self.admin.client
        for zone in ("Asia", "posixrules", "localtime", "Factory", "posix/Asia/Tokyo",
                     "right/Asia/Tokyo", "zone.tab", "Asia/Tokyo/", "asia/tokyo"):
            with self.subTest(zone=zone):
                v = admin.get(API + "/settings").json["version"]
                r = admin.patch(API + "/settings", {"version": v, "timezone": zone})
                self.assertFieldError(r, "timezone")
        self.assertEqual(admin.get(API + "/settings").json["timezone"], "Asia/Tokyo")
        set_settings(self, timezone="Japan")
        set_settings(self, timezone="Asia/Tokyo")


class AnonymousAuditTest(ServerTestCase):
    """The reporter of an anonymous near-miss is named in the trail to officers only
    (incidents.manage without users.write); auditors and those who run the system — the
    built-in administrator too, who holds every permission — see 「（匿名）」."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        admin = cls.admin.client
        for name, perms in (("sysops", ["users.read", "users.write", "roles.read",
                                        "departments.read", "audit.read", "audit.export",
                                        "settings.read", "settings.write"]),
                            ("audit_reader", ["audit.read", "audit.export"])):
            r = admin.post(API + "/roles", {"name": name, "label_ja": name, "label_en": name,
                                            "permissions": perms, "mfa_required": True})
            assert r.status == 201, r
        cls.alice = cls.srv.create_user("anon-alice", name="匿名 花子")
        cls.auditor = cls.srv.create_user("anon-auditor", roles=("auditor",))
        cls.sysops = cls.srv.create_user("anon-sysops", roles=("sysops",))
        cls.officer = cls.srv.create_user("anon-officer", roles=("officer", "audit_reader"))
        r = cls.alice.client.post(API + "/incidents", {
            "kind": "near_miss", "category": "missend", "anonymous": True,
            "title": "宛先を間違えかけた", "description": "送信前に気づいた"})
        assert r.status == 201, r
        cls.iid = r.json["id"]
        assert cls.alice.client.get(API + "/incidents/%d" % cls.iid).status == 200
        assert cls.alice.client.post(API + "/incidents/%d/comments" % cls.iid,
                                     {"body": "気をつけます"}).status == 201
        r = cls.alice.client.post(API + "/incidents", {
            "kind": "near_miss", "category": "missend", "title": "名前入りの報告",
            "description": "x"})
        assert r.status == 201, r
        cls.named = r.json["id"]

    def secrets(self):
        return ("anon-alice", "匿名 花子", '"actor_id": %d' % self.alice.id,
                '"actor_id":%d' % self.alice.id)

    def test_others_see_no_reporter(self):
        for who in (self.auditor, self.sysops, self.admin):
            with self.subTest(reader=who.login):
                c = who.client
                evs = events(c, "&object_type=incident&object_id=%d" % self.iid)
                self.assertEqual(sorted(e["action"] for e in evs),
                                 ["incident.comment", "incident.create", "incident.read"])
                for e in evs:
                    self.assertTrue(e["anonymous"], e)
                    self.assertIsNone(e["actor_login"])
                    self.assertIsNone(e["actor_id"])
                    self.assertEqual(e["ip"], "")
                    self.assertNotIn("sealed_actor", e["summary"])
                    one = c.get(API + "/audit/events/%d" % e["seq"])
                    self.assertEqual(one.json, e)
                    for text in (json.dumps(e, ensure_ascii=False), one.body.decode()):
                        for secret in self.secrets():
                            self.assertNotIn(secret, text)
                r = c.get(API + "/audit/events.csv?object_type=incident&object_id=%d" % self.iid)
                self.assertEqual(r.status, 200)
                text = r.body.decode("utf-8-sig")
                rows = list(csv.reader(io.StringIO(text, newline="")))[1:]
                self.assertEqual(len(rows), 3)
                self.assertTrue(all(row[3] == "（匿名）" and row[2] == "0" for row in rows), rows)
                for secret in self.secrets():
                    self.assertNotIn(secret, text)
                # Nor does a filter by the reporter find them.
                self.assertFalse([e for e in events(c, "&actor_id=%d" % self.alice.id)
                                  if e["object_type"] == "incident"
                                  and e["object_id"] == self.iid])
                self.assertFalse([e for e in events(c, "&actor=anon-alice")
                                  if e["object_id"] == self.iid])
                # A report with a name is shown as before.
                named = events(c, "&action=incident.create&object_id=%d" % self.named)[0]
                self.assertFalse(named["anonymous"])
                self.assertEqual(named["actor_login"], "anon-alice")

    def test_with_the_incident_pages_the_administrator_does_not_learn_it_either(self):
        # (Named to run after the tests that count the incident's events: these reads add some.)
        # The built-in administrator holds incidents.manage, but also users.write.
        for who, hidden in ((self.admin, True), (self.officer, False)):
            with self.subTest(reader=who.login):
                inc = who.client.get(API + "/incidents/%d" % self.iid).json
                self.assertEqual(inc["reporter_hidden"], hidden, inc)
                self.assertEqual("匿名 花子" in json.dumps(inc, ensure_ascii=False), not hidden)
                listed = [x for x in who.client.get(API + "/incidents?kind=near_miss").json["items"]
                          if x["id"] == self.iid]
                self.assertEqual(len(listed), 1)
                self.assertEqual("匿名 花子" in json.dumps(listed, ensure_ascii=False), not hidden)
                rows = list(csv.reader(io.StringIO(
                    who.client.get(API + "/incidents.csv").body.decode("utf-8-sig"), newline="")))
                row = [r for r in rows[1:] if r[0] == str(self.iid)]
                self.assertEqual(len(row), 1)
                self.assertEqual("匿名 花子" in row[0], not hidden, row)

    def test_an_officer_sees_the_reporter(self):
        evs = events(self.officer.client, "&object_type=incident&object_id=%d" % self.iid)
        self.assertEqual(len(evs), 3)
        for e in evs:
            self.assertTrue(e["anonymous"])
            self.assertEqual(e["actor_login"], "anon-alice")
            self.assertEqual(e["actor_id"], self.alice.id)
            self.assertEqual(e["ip"], "127.0.0.1")
            self.assertNotIn("sealed_actor", e["summary"])
        text = self.officer.client.get(
            API + "/audit/events.csv?object_type=incident&object_id=%d" % self.iid).body.decode(
            "utf-8-sig")
        self.assertIn("anon-alice", text)

    def test_the_chain_covers_what_is_stored(self):
        r = self.admin.client.post(API + "/audit/verify")
        self.assertTrue(r.json["intact"], r.json)
        stored = self.srv.sql("SELECT actor_id, actor_login, ip, summary FROM audit_events "
                              "WHERE object_type = 'incident' AND object_id = ?", (self.iid,))
        self.assertEqual(len(stored), 3)
        for actor_id, login, ip, summary in stored:
            self.assertEqual((actor_id, login, ip), (0, "", ""))
            self.assertTrue(json.loads(summary)["sealed_actor"].startswith("v1:"))
            self.assertNotIn("anon-alice", summary)


class ReadTraceTest(ServerTestCase):
    """Reading the personal information register's list and probing other people's records
    leave audit events."""

    def test_pinfo_list_is_audited_with_the_ids_returned(self):
        admin = self.admin.client
        base = {"items": "氏名、住所", "purpose": "発送", "storage_location": "本社",
                "storage_method": "暗号化", "access": "営業部", "use_until": "契約終了まで",
                "retention_until": "5年"}
        ids = [admin.post(API + "/pinfo", dict(base, name="顧客名簿 %d" % i)).json["id"]
               for i in range(3)]
        r = admin.get(API + "/pinfo?q=%E9%A1%A7%E5%AE%A2&limit=2")
        self.assertEqual(r.status, 200, r)
        e = events(admin, "&action=pinfo.list")[0]
        self.assertEqual(e["summary"]["ids"], [i["id"] for i in r.json["items"]])
        self.assertEqual(e["summary"]["ids"], ids[:2])
        self.assertEqual(e["summary"]["q"], "顧客")
        r = admin.get(API + "/pinfo?sensitive=no&q=zzz-none")
        self.assertEqual(r.json["items"], [])
        e = events(admin, "&action=pinfo.list")[0]
        self.assertEqual(e["summary"], {"ids": [], "q": "zzz-none", "sensitive": False})

    def test_incident_lists_carry_no_sealed_details(self):
        emp = self.srv.create_user("list-emp")
        r = emp.client.post(API + "/incidents", {"category": "loss", "title": "紛失",
                                                 "description": "秘密の説明"})
        self.assertEqual(r.status, 201, r)
        items = self.admin.client.get(API + "/incidents").json["items"]
        text = json.dumps(items, ensure_ascii=False)
        self.assertNotIn("秘密の説明", text)
        self.assertFalse(any("description" in i or "personal_details" in i for i in items))

    def test_a_404_probe_is_recorded(self):
        owner = self.srv.create_user("probe-owner")
        prober = self.srv.create_user("probe-other")
        r = owner.client.post(API + "/incidents", {"category": "loss", "title": "私の報告",
                                                   "description": "x"})
        iid = r.json["id"]
        for path, oid in (("/incidents/%d" % iid, iid), ("/pinfo/999999", 999999),
                          ("/incidents/999999", 999999)):
            with self.subTest(path=path):
                r = prober.client.get(API + path)
                self.assertProblem(r, 404, "not_found")
                e = events(self.admin.client, "&action=access.denied&actor_id=%d" % prober.id)[0]
                self.assertEqual(e["summary"], {"method": "GET", "path": API + path,
                                                "route": API + path.rsplit("/", 1)[0] +
                                                "/{id:int}", "status": 404})
                self.assertEqual(e["object_id"], oid)


class KeyedUpgradeTest(ServerTestCase):
    """A trail written before the chain was keyed: unkeyed hashes and no head record (made
    here from a running server's trail, as the earlier version wrote it)."""

    def test_existing_trail_is_keyed_once_and_verifies(self):
        for i in range(3):
            self.srv.create_user("old%d" % i)
        self.srv.stop()
        try:
            rows = self.srv.sql("SELECT seq, at, actor_id, actor_login, ip, action, object_type, "
                                "object_id, summary FROM audit_events ORDER BY seq")
            prev = "0" * 64
            for row in rows:
                h = audit_event_hash(prev, *row)
                self.srv.sql("UPDATE audit_events SET prev_hash = ?, hash = ? WHERE seq = ?",
                             (prev, h, row[0]))
                prev = h
            self.srv.sql("DROP TABLE audit_head")
            self.srv.sql("DELETE FROM schema_migrations WHERE version = 500")
            n = len(rows)
            r = self.srv.cli("audit", "verify")
            self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
            self.assertIn("intact: %d events" % (n + 1), r.stdout)
            self.assertIn("keyed from event %d" % (n + 1), r.stdout)
            self.assertIn("keyed from event %d" % (n + 1), r.stderr)  # said once, when done
            rekey = self.srv.sql("SELECT action, summary FROM audit_events WHERE seq = ?",
                                 (n + 1,))[0]
            self.assertEqual(rekey[0], "audit.rekey")
            self.assertEqual(json.loads(rekey[1]), {"unkeyed_events": n, "unkeyed_intact": True,
                                                    "unkeyed_head": "%d:%s" % (n, prev)})
            r = self.srv.cli("audit", "verify")
            self.assertNotIn("keyed from event", r.stderr)  # once only
            self.assertEqual(self.srv.sql("SELECT COUNT(*) FROM audit_events WHERE action = "
                                          "'audit.rekey'"), [(1,)])
        finally:
            self.srv.start()
        # The server appends keyed events after it; all verifies.
        self.assertEqual(Client(self.srv).sign_in("admin", "wrong-Password-1").status, 401)
        r = self.admin.client.post(API + "/audit/verify")
        self.assertEqual(r.status, 200, r)
        self.assertTrue(r.json["intact"], r.json)
        self.assertEqual(r.json["keyed_from"], n + 1)
        head = self.admin.client.get(API + "/audit/head").json
        self.assertEqual(head["seq"], r.json["head"]["seq"])
        self.assertEqual(head["expect_head"], "%d:%s" % (head["seq"], head["hash"]))
        self.assertEqual(self.srv.audit_head(), head["expect_head"])
        # Editing an old, unkeyed event and recomputing the old hashes breaks the first
        # keyed event, which holds the old head.
        self.srv.sql("UPDATE audit_events SET actor_login = 'mallory' WHERE seq = 2")
        prev = "0" * 64
        for row in self.srv.sql("SELECT seq, at, actor_id, actor_login, ip, action, object_type, "
                                "object_id, summary FROM audit_events WHERE seq <= ? ORDER BY seq",
                                (n,)):
            h = audit_event_hash(prev, *row)
            self.srv.sql("UPDATE audit_events SET prev_hash = ?, hash = ? WHERE seq = ?",
                         (prev, h, row[0]))
            prev = h
        r = self.srv.cli("audit", "verify")
        self.assertEqual(r.returncode, 1, r.stdout)
        self.assertIn("BROKEN at event %d:" % (n + 1), r.stdout)


class ChainAttacksTest(ServerTestCase):
    """Someone who can write the database but has not master.key (a PostgreSQL administrator,
    a restored copy): each attack is found by plain `mamori audit verify`, on either engine.
    Each attack is undone from the rows kept here before the next."""

    COLUMNS = ("seq, at, actor_id, actor_login, ip, action, object_type, object_id, summary, "
               "prev_hash, hash")

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        try:
            for i in range(3):
                cls.srv.create_user("chain%d" % i)
            cls.srv.stop()
            cls.rows = cls.srv.sql("SELECT %s FROM audit_events ORDER BY seq" % cls.COLUMNS)
            cls.head = cls.srv.sql("SELECT seq, hash, keyed_from, mac FROM audit_head")[0]
        except BaseException:
            cls.srv.close(keep=True)
            raise

    @classmethod
    def tearDownClass(cls):
        cls.srv.start()
        super().tearDownClass()

    def tearDown(self):
        self.srv.sql("DELETE FROM audit_events")
        for row in self.rows:
            self.srv.sql("INSERT INTO audit_events (%s) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                         % self.COLUMNS, row)
        self.srv.sql("DELETE FROM audit_head")
        self.srv.sql("INSERT INTO audit_head (id, seq, hash, keyed_from, mac) VALUES "
                     "(1, ?, ?, ?, ?)", self.head)
        self.assertEqual(self.srv.cli("audit", "verify").returncode, 0)

    def broken(self, words):
        r = self.srv.cli("audit", "verify")
        self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
        self.assertIn("BROKEN", r.stdout)
        self.assertIn(words, r.stdout)
        return r

    def rehash(self, first):
        """Recomputes every hash from seq `first` on, as the forger can: without the key."""
        prev = self.srv.sql("SELECT hash FROM audit_events WHERE seq = ?", (first - 1,))[0][0]
        for row in self.srv.sql("SELECT %s FROM audit_events WHERE seq >= ? ORDER BY seq"
                                % self.COLUMNS, (first,)):
            h = audit_event_hash(prev, *row[:9])
            self.srv.sql("UPDATE audit_events SET prev_hash = ?, hash = ? WHERE seq = ?",
                         (prev, h, row[0]))
            prev = h
        n = self.srv.sql("SELECT MAX(seq) FROM audit_events")[0][0]
        self.srv.sql("UPDATE audit_head SET seq = ?, hash = ?", (n, prev))

    def test_truncate(self):
        n = len(self.rows)
        self.srv.sql("DELETE FROM audit_events WHERE seq > ?", (n - 3,))
        self.broken("truncated")

    def test_wipe(self):
        self.srv.sql("DELETE FROM audit_events")
        self.broken("wiped")
        self.srv.sql("DELETE FROM audit_head")
        r = self.broken("wiped")
        self.assertNotIn("0 events", r.stdout)

    def test_edit_and_recompute(self):
        k = len(self.rows) // 2
        self.srv.sql("UPDATE audit_events SET actor_login = 'scapegoat' WHERE seq = ?", (k,))
        self.rehash(k)
        self.broken("BROKEN at event %d:" % k)

    def test_delete_and_renumber(self):
        k = len(self.rows) // 2
        self.srv.sql("DELETE FROM audit_events WHERE seq = ?", (k,))
        for seq in range(k + 1, len(self.rows) + 1):
            self.srv.sql("UPDATE audit_events SET seq = ? WHERE seq = ?", (seq - 1, seq))
        self.rehash(k)
        self.broken("BROKEN at event %d:" % k)
