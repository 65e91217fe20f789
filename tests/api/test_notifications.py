"""Notifications: in the app and by e-mail through a real SMTP server on 127.0.0.1. Each event
gives its notice and mail to the right people only, in their language; a mail carries no
personal details of an incident; a mail queued before a crash is sent once after it; an
unreachable server is retried, then the mail is marked failed and shown to the administrator;
Japanese subjects are encoded and a name with line breaks cannot add a header; digests gather
a day's mails; the password is sealed at rest."""
import email
import email.header
import email.policy
import os
import signal
import time
from datetime import timedelta

from harness import API, ServerTestCase, SmtpSink, org_today


def day(n=0):
    return (org_today() + timedelta(days=n)).isoformat()


def parse(raw):
    return email.message_from_bytes(raw, policy=email.policy.default)


def body_of(msg):
    return msg.get_content()


class NotificationsTest(ServerTestCase):
    threads = 4
    server_env = {"MAMORI_WORKER_INTERVAL": "1"}

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.smtp = SmtpSink(auth=True).start()
        srv = cls.srv
        cls.head = srv.create_user("n_head", roles=["manager"], name="本部長 一郎",
                                   email="head@example.jp")
        cls.mgr = srv.create_user("n_mgr", roles=["manager"], name="課長 花子",
                                  email="mgr@example.jp", manager_id=cls.head.id)
        cls.emp = srv.create_user("n_emp", name="Ken Smith", email="ken@example.jp",
                                  locale="en")
        cls.officer = srv.create_user("n_officer", roles=["officer"], email="off@example.jp")
        r = srv.admin.client.post(API + "/departments", {"name": "総務部", "manager_id": cls.mgr.id})
        cls.dept = r.json["id"]
        v = srv.admin.client.get(API + "/users/%d" % cls.mgr.id).json["version"]
        srv.admin.client.patch(API + "/users/%d" % cls.mgr.id, {"version": v, "department_id": cls.dept})

    @classmethod
    def tearDownClass(cls):
        cls.smtp.close()
        super().tearDownClass()

    def configure(self, **over):
        s = self.srv.admin.client.get(API + "/mail/settings").json
        body = {"version": s["version"], "enabled": True, "host": "127.0.0.1",
                "port": self.smtp.port, "security": "none", "username": "mamori",
                "password": "mail-pass", "from_addr": "mamori@example.jp",
                "base_url": "https://mamori.example.jp"}
        body.update(over)
        r = self.srv.admin.client.patch(API + "/mail/settings", body)
        self.assertEqual(r.status, 200, r)
        return r.json

    def mails_to(self, addr, n=1):
        self.smtp.wait(len(self.smtp.messages()))  # settle
        end = time.time() + 20
        while time.time() < end:
            got = [parse(m) for m in self.smtp.messages()
                   if ("X-Envelope-To: <%s>" % addr).encode() in m or
                   ("X-Envelope-To: %s" % addr).encode() in m]
            if len(got) >= n:
                return got
            time.sleep(0.2)
        self.fail("no %d mail(s) to %s: %r" % (n, addr, self.smtp.messages()[-3:]))

    def new_role(self, name, permissions):
        r = self.srv.admin.client.post(API + "/roles", {
            "name": name, "label_ja": name, "label_en": name, "permissions": permissions})
        self.assertEqual(r.status, 201, r)
        return r.json

    def run_jobs(self):
        r = self.srv.cli("jobs", "run")
        self.assertEqual(r.returncode, 0, r.stderr)

    def test_1_settings_test_mail_and_sealed_password(self):
        self.configure()
        s = self.srv.admin.client.get(API + "/mail/settings").json
        self.assertTrue(s["has_password"])
        self.assertNotIn("password", s)
        # The password is not stored in plain text.
        stored = self.srv.sql("SELECT password FROM mail_settings WHERE id = 1")[0][0]
        self.assertNotIn("mail-pass", stored)
        # An officer reads but does not change them.
        self.assertProblem(self.officer.client.patch(API + "/mail/settings",
                                                     {"version": s["version"], "port": 25}), 403)
        r = self.srv.admin.client.post(API + "/mail/test", {"to": "check@example.jp"})
        self.assertEqual(r.status, 200, r)
        m = self.mails_to("check@example.jp")[0]
        self.assertIn("Test mail", m["Subject"])
        self.assertIn("テストメール", m["Subject"])
        self.assertFieldError(self.srv.admin.client.post(API + "/mail/test", {"to": "no address"}),
                              "to", "invalid_email")
        events = self.srv.admin.client.get(API + "/audit/events?action=mail_settings.update").json
        self.assertNotIn("mail-pass", str(events))

    def test_1b_no_test_mail_once_the_permission_is_taken_away(self):
        # A test mail leaves the server before anything is written: a session that every
        # thread remembers must still be checked before it goes (on PostgreSQL too, where a
        # remembered session is otherwise confirmed at the first write).
        self.configure()
        admin = self.srv.admin.client
        role = self.new_role("mail_testers", ["settings.read", "settings.write"])
        tester = self.srv.create_user("n_tester", roles=["mail_testers"])
        # Changes run on threads of their own: on fresh connections, enough of them that
        # every such thread remembers the session.
        for _ in range(32):
            r = tester.client.post(API + "/mail/test", {"to": "warm@example.jp"})
            self.assertEqual(r.status, 200, r)
        r = admin.patch(API + "/roles/%d" % role["id"],
                        {"version": role["version"], "permissions": ["settings.read"]})
        self.assertEqual(r.status, 200, r)
        for _ in range(16):
            r = tester.client.post(API + "/mail/test", {"to": "revoked@example.jp"})
            self.assertProblem(r, 403, "forbidden")
        # A mail that was sent would have arrived by the time this one does.
        self.assertEqual(admin.post(API + "/mail/test", {"to": "after@example.jp"}).status, 200)
        self.mails_to("after@example.jp")
        sent = [m for m in self.smtp.messages() if b"To: <revoked@example.jp>" in m]
        self.assertEqual(len(sent), 0, "test mails sent after the permission was taken away")

    def test_2_approval_needed_and_decided(self):
        self.configure()
        req = self.mgr.client.post(API + "/account-requests", {
            "kind": "new", "login": "n_newcomer", "name": "新人 六郎", "department_id": self.dept,
            "employment_type": "regular", "purpose": "総務の仕事"}).json
        r = self.mgr.client.post(API + "/account-requests/%d/transition" % req["id"],
                                 {"version": req["version"], "to": "submitted"})
        self.assertEqual(r.status, 200, r)
        approval = r.json["approval"]
        # The head has the notice in the app, unread, and a mail in Japanese with a link.
        n = self.head.client.get(API + "/me/notifications").json
        self.assertGreaterEqual(n["unread"], 1)
        self.assertEqual(n["items"][0]["kind"], "approval_needed")
        self.assertEqual(n["items"][0]["link"], "/approvals/%d" % approval["id"])
        m = self.mails_to("head@example.jp")[-1]
        self.assertEqual(str(m["Subject"]), "[mamori] 承認をお願いします：アカウント申請")
        text = body_of(m)
        self.assertIn("本部長 一郎 様", text)
        self.assertIn("https://mamori.example.jp/approvals/%d" % approval["id"], text)
        # Nobody else heard of it.
        self.assertEqual(self.emp.client.get(API + "/me/notifications").json["unread"], 0)
        r = self.head.client.post(API + "/approvals/%d/decision" % approval["id"],
                                  {"version": approval["version"], "decision": "approve"})
        self.assertEqual(r.status, 200, r)
        m = self.mails_to("mgr@example.jp")[-1]
        self.assertIn("申請が判断されました", str(m["Subject"]))
        # Read: the count goes down.
        ids = [x["id"] for x in self.head.client.get(API + "/me/notifications?unread=1").json["items"]]
        r = self.head.client.post(API + "/me/notifications/read", {"ids": ids})
        self.assertEqual(r.status, 204, r)
        self.assertEqual(self.head.client.get(API + "/me/notifications").json["unread"], 0)

    def test_3_tasks_remind_in_the_persons_language_once(self):
        self.configure()
        self.srv.admin.client.post(API + "/actions", {
            "title": "Shred the old forms", "owner_id": self.emp.id, "due_on": day(-2)})
        self.run_jobs()
        m = self.mails_to("ken@example.jp")[-1]
        self.assertEqual(str(m["Subject"]), "[mamori] Overdue: Corrective action")
        self.assertIn("Ken Smith,", body_of(m))
        self.assertIn("Subject: Shred the old forms", body_of(m))
        before = len(self.smtp.messages())
        self.run_jobs()  # the same state is not noticed twice
        time.sleep(1.5)
        self.assertEqual(len(self.smtp.messages()), before)

    def test_4_incident_mail_carries_no_personal_details(self):
        self.configure()
        self.emp.client.post(API + "/incidents", {
            "category": "missend", "title": "山田様の住所を別の方に送付",
            "description": "宛名を取り違えた"})
        self.run_jobs()
        m = self.mails_to("off@example.jp")[-1]
        raw = m.as_bytes()
        self.assertNotIn("山田".encode(), raw)
        self.assertNotIn("山田", body_of(m))
        self.assertIn("/incidents/", body_of(m))
        # The employee (no incidents.manage) was not told of the report to triage.
        kinds = [x["params"] and x["params"].get("task_kind") for x in
                 self.emp.client.get(API + "/me/notifications").json["items"]]
        self.assertNotIn("incident_triage", kinds)

    def test_5_no_header_injection(self):
        self.configure()
        self.srv.sql("UPDATE users SET name = ? WHERE id = ?",
                     ("悪意\r\nBcc: evil@example.net\r\nX-Evil: 1", self.emp.id))
        try:
            self.srv.admin.client.post(API + "/actions", {
                "title": "件名\r\nX-Injected: yes".replace("\r\n", " "), "owner_id": self.emp.id,
                "due_on": day(30)})
            self.run_jobs()
            raw = self.smtp.wait(1)[-1]
            for m in self.smtp.messages():
                self.assertNotIn(b"\nBcc:", m)
                self.assertNotIn(b"\nX-Evil:", m)
                self.assertNotIn(b"evil@example.net", m.split(b"\r\n\r\n", 1)[0])
            self.assertTrue(raw)
        finally:
            self.srv.sql("UPDATE users SET name = ? WHERE id = ?", ("Ken Smith", self.emp.id))

    def test_6_server_down_retried_then_failed_and_shown(self):
        self.configure(port=1)  # nothing listens there
        self.srv.admin.client.post(API + "/actions", {
            "title": "Lock the cabinet", "owner_id": self.emp.id, "due_on": day(20)})
        self.run_jobs()
        rows = self.srv.sql("SELECT id, attempts, status FROM mail_outbox WHERE to_addr = ? "
                            "AND subject LIKE '%new%' ORDER BY id DESC", ("ken@example.jp",))
        self.assertTrue(rows)
        mid = rows[0][0]
        for _ in range(10):
            self.srv.sql("UPDATE mail_outbox SET next_attempt_at = 0 WHERE id = ? AND "
                         "status = 'queued'", (mid,))
            self.run_jobs()
        status, attempts = self.srv.sql("SELECT status, attempts FROM mail_outbox WHERE id = ?",
                                        (mid,))[0]
        self.assertEqual((status, attempts), ("failed", 8))
        failed = self.srv.admin.client.get(API + "/mail/outbox?status=failed").json["items"]
        self.assertIn(mid, [x["id"] for x in failed])
        self.assertTrue(failed[0]["last_error"])
        self.assertTrue(self.srv.admin.client.get(API + "/audit/events?action=mail.failed").json["items"])
        # Back up: the administrator sends it again.
        self.configure()
        r = self.srv.admin.client.post(API + "/mail/outbox/%d/retry" % mid)
        self.assertEqual(r.status, 204, r)
        self.run_jobs()
        self.assertEqual(self.srv.sql("SELECT status FROM mail_outbox WHERE id = ?", (mid,))[0][0],
                         "sent")

    def test_7_digest_and_preferences(self):
        self.configure()
        prefs = self.mgr.client.get(API + "/me/notification-prefs").json
        r = self.mgr.client.patch(API + "/me/notification-prefs", {
            "version": prefs["version"], "digest": True, "digest_at": "00:00",
            "email_off": ["task_due_soon"]})
        self.assertEqual(r.status, 200, r)
        self.assertFieldError(self.mgr.client.patch(API + "/me/notification-prefs", {
            "version": r.json["version"], "digest_at": "25:00"}), "digest_at", "invalid_time")
        before = len([m for m in self.smtp.messages() if b"mgr@example.jp" in m])
        for t in ("First", "Second"):
            self.srv.admin.client.post(API + "/actions", {
                "title": t + " task", "owner_id": self.mgr.id, "due_on": day(40)})
        self.srv.sql("UPDATE notification_prefs SET last_digest_on = NULL WHERE user_id = ?",
                     (self.mgr.id,))
        self.run_jobs()
        mails = self.mails_to("mgr@example.jp", before + 1)
        self.assertEqual(len(mails), before + 1)  # one digest, not one mail each
        self.assertIn("本日のまとめ", str(mails[-1]["Subject"]))
        self.assertIn("新しいやることがあります", body_of(mails[-1]))

    def test_8_no_approval_or_campaign_without_the_permission(self):
        # Tasks, reminders and notices follow the route's permission: a person whose
        # approvals.use (campaigns.take) was taken away no longer hears of approvals
        # (campaign items), though they are still named on the step.
        self.configure()
        admin = self.srv.admin.client
        role = self.new_role("n_deciders", ["approvals.use", "campaigns.take"])
        boss = self.srv.create_user("n_boss", roles=["n_deciders"], email="boss@example.jp")
        r = admin.post(API + "/departments", {"name": "企画部", "manager_id": boss.id})
        self.assertEqual(r.status, 201, r)
        dept = r.json["id"]
        asker = self.srv.create_user("n_asker", roles=["manager"], email="asker@example.jp",
                                     manager_id=boss.id, department_id=dept)

        def ask(login):
            req = asker.client.post(API + "/account-requests", {
                "kind": "new", "login": login, "name": "新人 七郎", "department_id": dept,
                "employment_type": "regular", "purpose": "企画の仕事"}).json
            r = asker.client.post(API + "/account-requests/%d/transition" % req["id"],
                                  {"version": req["version"], "to": "submitted"})
            self.assertEqual(r.status, 200, r)
            return r.json["approval"]

        def notices():
            return [(x["kind"], x["link"]) for x in
                    boss.client.get(API + "/me/notifications?limit=200").json["items"]]

        first = ask("n_first")
        self.assertIn(("approval_needed", "/approvals/%d" % first["id"]), notices())
        r = self.officer.client.post(API + "/access-reviews", {
            "title": "企画部の権限棚卸", "starts_on": day(0), "due_on": day(14),
            "targets": ["department:%d" % dept]})
        self.assertEqual(r.status, 201, r)
        keys = [t["key"] for t in boss.client.get(API + "/me/tasks").json["items"]]
        self.assertIn("approval:%d" % first["id"], keys)
        self.assertTrue([k for k in keys if k.startswith("campaign_item:")], keys)
        self.mails_to("boss@example.jp")
        # Both permissions taken away: the tasks are gone from the home page.
        r = admin.patch(API + "/roles/%d" % role["id"],
                        {"version": role["version"], "permissions": ["training.take"]})
        self.assertEqual(r.status, 200, r)
        self.assertEqual(boss.client.get(API + "/me/tasks").json["items"], [])
        # No reminder of the overdue approval either, in the app or by mail.
        self.srv.sql("UPDATE approvals SET due_on = ? WHERE id = ?", (day(-1), first["id"]))
        self.run_jobs()
        self.assertNotIn("task_overdue", [k for k, _ in notices()])
        # A new request names them still, but they are not told of it.
        second = ask("n_second")
        self.assertNotIn(("approval_needed", "/approvals/%d" % second["id"]), notices())
        time.sleep(1.5)
        subjects = [str(parse(m)["Subject"]) for m in self.smtp.messages()
                    if b"boss@example.jp" in m]
        self.assertEqual(subjects.count("[mamori] 承認をお願いします：アカウント申請"), 1, subjects)
        self.assertFalse([x for x in subjects if "期限" in x], subjects)

    def test_9_mail_for_someone_gone_or_moved_is_not_sent(self):
        # A mail waits in the queue (the server is down) while its person leaves, or changes
        # their address: it is not sent to the old address, the administrator sees why, and
        # cannot send it again until the person is back.
        self.configure(port=1)
        admin = self.srv.admin.client
        leaver = self.srv.create_user("n_leaver", email="leaver@example.jp")
        mover = self.srv.create_user("n_mover", email="old@example.jp")
        for who in (leaver, mover):
            admin.post(API + "/actions", {"title": "Sort the archive", "owner_id": who.id,
                                          "due_on": day(20)})
        self.run_jobs()
        ids = {}
        for who, addr in ((leaver, "leaver@example.jp"), (mover, "old@example.jp")):
            rows = self.srv.sql("SELECT id FROM mail_outbox WHERE user_id = ?", (who.id,))
            self.assertEqual(len(rows), 1, rows)
            ids[addr] = rows[0][0]
        self.assertEqual(admin.post(API + "/users/%d/disable" % leaver.id).status, 200)
        v = admin.get(API + "/users/%d" % mover.id).json["version"]
        r = admin.patch(API + "/users/%d" % mover.id, {"version": v, "email": "new@example.jp"})
        self.assertEqual(r.status, 200, r)
        self.configure()
        # Due now (the server's own sender may be backing off from a refusal meanwhile).
        end = time.time() + 20
        while time.time() < end and self.srv.sql(
                "SELECT 1 FROM mail_outbox WHERE id IN (?, ?) AND status IN ('queued', "
                "'sending')", tuple(ids.values())):
            self.srv.sql("UPDATE mail_outbox SET next_attempt_at = 0 WHERE id IN (?, ?) AND "
                         "status = 'queued'", tuple(ids.values()))
            self.run_jobs()
        self.assertEqual(admin.post(API + "/mail/test", {"to": "after9@example.jp"}).status, 200)
        self.mails_to("after9@example.jp")
        for addr in ids:
            self.assertFalse([m for m in self.smtp.messages() if addr.encode() in m], addr)
        failed = {x["id"]: x for x in
                  admin.get(API + "/mail/outbox?status=failed&limit=200").json["items"]}
        self.assertIn("no longer active", failed[ids["leaver@example.jp"]]["last_error"])
        self.assertIn("address changed", failed[ids["old@example.jp"]]["last_error"])
        # Sending again asks the same question.
        self.assertProblem(admin.post(API + "/mail/outbox/%d/retry" % ids["old@example.jp"]),
                           409, "recipient_address_changed")
        self.assertProblem(admin.post(API + "/mail/outbox/%d/retry" % ids["leaver@example.jp"]),
                           409, "recipient_inactive")
        self.assertEqual(self.srv.sql("SELECT status FROM mail_outbox WHERE id IN (?, ?)",
                                      tuple(ids.values())), [("failed",), ("failed",)])
        # Back at work, the person gets it.
        self.assertEqual(admin.post(API + "/users/%d/enable" % leaver.id).status, 200)
        r = admin.post(API + "/mail/outbox/%d/retry" % ids["leaver@example.jp"])
        self.assertEqual(r.status, 204, r)
        self.run_jobs()
        self.mails_to("leaver@example.jp")

    def test_9b_approval_titles_are_not_mailed(self):
        # A take-out's approval title names its items and destination (a customer, perhaps):
        # shown in the app, never mailed, neither when it waits, nor as a reminder, nor when
        # it is decided. The mails say what kind of approval it is and link to it.
        self.configure()
        public = self.srv.admin.client.get(API + "/classifications").json["items"][-1]["id"]
        boss = self.srv.create_user("n_to_boss", roles=["manager"], email="to-boss@example.jp")
        asker = self.srv.create_user("n_to_asker", email="to-asker@example.jp",
                                     manager_id=boss.id)
        r = asker.client.post(API + "/takeouts", {
            "purpose": "提案", "destination": "株式会社ミライ商事 本社", "leave_on": day(0),
            "return_on": day(0), "checker_id": self.emp.id, "encrypted": True,
            "password": True, "copy": True, "minimum": True, "by_hand": True,
            "items": [{"kind": "paper", "label": "提案資料A", "classification_id": public}]})
        self.assertEqual(r.status, 201, r)
        approval = asker.client.get(API + "/takeouts/%d" % r.json["id"]).json["approval"]
        link = "/approvals/%d" % approval["id"]
        titles = [x["title"] for x in boss.client.get(API + "/me/notifications").json["items"]
                  if x["link"] == link]
        self.assertIn("ミライ商事", titles[0])  # in the app, for the signed-in approver
        self.run_jobs()  # due on the leave date, today: a reminder too
        r = boss.client.post(API + "/approvals/%d/decision" % approval["id"],
                             {"version": approval["version"], "decision": "approve"})
        self.assertEqual(r.status, 200, r)
        end = time.time() + 20
        while True:
            mails = [m for m in map(parse, self.smtp.messages())
                     if "https://mamori.example.jp" + link in body_of(m)]
            if len(mails) >= 3 or time.time() > end:
                break
            time.sleep(0.2)
        self.assertEqual(sorted(str(m["Subject"]) for m in mails), [
            "[mamori] 承認をお願いします：持ち出し申請", "[mamori] 期限が近づいています：承認",
            "[mamori] 申請が判断されました：持ち出し申請"])
        for m in mails:
            self.assertNotIn("ミライ", body_of(m))
            self.assertNotIn("提案資料", body_of(m))


class CrashTest(ServerTestCase):
    """A mail queued just before the server dies is sent once after it comes back."""
    server_env = {"MAMORI_WORKER_INTERVAL": "3600"}

    def test_kill_between_queueing_and_sending(self):
        smtp = SmtpSink().start()
        try:
            admin = self.srv.admin.client
            emp = self.srv.create_user("c_emp", email="crash@example.jp")
            s = admin.get(API + "/mail/settings").json
            admin.patch(API + "/mail/settings", {
                "version": s["version"], "enabled": True, "host": "127.0.0.1",
                "port": smtp.port, "security": "none", "from_addr": "m@example.jp"})
            admin.post(API + "/actions", {"title": "Queue me", "owner_id": emp.id,
                                          "due_on": day(3)})
            # Queue the reminder without sending (the CLI's job run sends too: run the
            # reminder through the server's own job by restarting it with a short interval).
            self.srv.restart(env={"MAMORI_JOB_INTERVAL": "1", "MAMORI_WORKER_INTERVAL": "3600"})
            end = time.time() + 20
            while time.time() < end and not self.srv.sql(
                    "SELECT 1 FROM mail_outbox WHERE to_addr = 'crash@example.jp'"):
                time.sleep(0.2)
            self.assertTrue(self.srv.sql("SELECT 1 FROM mail_outbox WHERE to_addr = "
                                         "'crash@example.jp' AND status = 'queued'"))
            os.kill(self.srv.proc.pid, signal.SIGKILL)
            self.srv.proc.wait()
            self.srv.proc = None
            self.srv.start(env={"MAMORI_WORKER_INTERVAL": "1"})
            mails = smtp.wait(1)
            time.sleep(2.5)
            mails = [m for m in smtp.messages() if b"crash@example.jp" in m]
            self.assertEqual(len(mails), 1)
        finally:
            smtp.close()
