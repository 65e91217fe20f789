"""The accounts job: expired accounts (valid_until passed) and idle accounts are disabled and
audited; `mamori jobs run` works while the server runs (SQLite WAL)."""
import time
from datetime import timedelta

from harness import API, Client, ServerTestCase, org_today as today

DAY = 86400


class AccountsJobTest(ServerTestCase):

    def run_jobs(self, env=None):
        r = self.srv.cli("jobs", "run", env=env)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)

    def user(self, uid):
        return self.admin.client.get(API + "/users/%d" % uid).json

    def disable_events(self, uid):
        r = self.admin.client.get(API + "/audit/events?action=user.disable&object_id=%d" % uid)
        return r.json["items"]

    def test_expired_account_is_disabled(self):
        u = self.srv.create_user("expiring", valid_until=(today() + timedelta(days=30))
                                 .isoformat())
        keep = self.srv.create_user("notexpiring",
                                    valid_until=(today() + timedelta(days=30)).isoformat())
        self.run_jobs()
        self.assertEqual(self.user(u.id)["status"], "active")
        # The end date passes (set directly: the API refuses dates in the past).
        self.srv.sql("UPDATE users SET valid_until = ? WHERE id = ?",
                     ((today() - timedelta(days=2)).isoformat(), u.id))
        self.run_jobs()
        got = self.user(u.id)
        self.assertEqual(got["status"], "disabled")
        self.assertEqual(got["disabled_reason"], "expired")
        self.assertEqual(self.user(keep.id)["status"], "active")
        ev = self.disable_events(u.id)
        self.assertEqual(len(ev), 1)
        self.assertEqual(ev[0]["summary"], {"reason": "expired"})
        self.assertEqual(ev[0]["ip"], "job")
        self.assertIsNone(ev[0]["actor_id"])
        # Signed out at once, and cannot sign in.
        self.assertProblem(u.client.get(API + "/session"), 401)
        self.assertProblem(Client(self.srv).sign_in("expiring", u.password), 401,
                           "invalid_credentials")
        # Running again changes nothing more.
        self.run_jobs()
        self.assertEqual(len(self.disable_events(u.id)), 1)
        # The last valid day is still valid: an account ending today stays.
        self.srv.sql("UPDATE users SET valid_until = ? WHERE id = ?",
                     (today().isoformat(), keep.id))
        self.run_jobs()
        self.assertEqual(self.user(keep.id)["status"], "active")

    def test_idle_accounts_are_disabled(self):
        admin = self.admin.client
        idle = self.srv.create_user("idle1")
        recent = self.srv.create_user("idle2")
        never = self.srv.create_user("idle3", finish=False)
        now = int(time.time())
        self.srv.sql("UPDATE users SET last_login_at = ? WHERE id = ?", (now - 91 * DAY, idle.id))
        self.srv.sql("UPDATE users SET last_login_at = ? WHERE id = ?", (now - 89 * DAY, recent.id))
        self.srv.sql("UPDATE users SET created_at = ? WHERE id = ?", (now - 120 * DAY, never.id))
        self.run_jobs()
        self.assertEqual(self.user(idle.id)["status"], "disabled")
        self.assertEqual(self.user(idle.id)["disabled_reason"], "idle")
        self.assertEqual(self.disable_events(idle.id)[0]["summary"], {"reason": "idle"})
        self.assertEqual(self.user(never.id)["disabled_reason"], "idle")
        self.assertEqual(self.user(recent.id)["status"], "active")
        self.assertEqual(self.user(self.admin.id)["status"], "active")
        self.assertProblem(idle.client.get(API + "/session"), 401)
        # The period is a setting; 0 turns idle-disabling off.
        s = admin.get(API + "/settings").json
        self.assertEqual(admin.patch(API + "/settings", {"version": s["version"],
                                                         "idle_disable_days": 0}).status, 200)
        self.srv.sql("UPDATE users SET last_login_at = ? WHERE id = ?",
                     (now - 1000 * DAY, recent.id))
        self.run_jobs()
        self.assertEqual(self.user(recent.id)["status"], "active")
        s = admin.get(API + "/settings").json
        self.assertEqual(admin.patch(API + "/settings", {"version": s["version"],
                                                         "idle_disable_days": 30}).status, 200)
        self.srv.sql("UPDATE users SET last_login_at = ? WHERE id = ?",
                     (now - 31 * DAY, recent.id))
        self.run_jobs()
        self.assertEqual(self.user(recent.id)["disabled_reason"], "idle")
        s = admin.get(API + "/settings").json
        admin.patch(API + "/settings", {"version": s["version"], "idle_disable_days": 90})

    def test_the_server_runs_the_job_itself(self):
        u = self.srv.create_user("served_expiry")
        self.srv.sql("UPDATE users SET valid_until = ? WHERE id = ?",
                     ((today() - timedelta(days=5)).isoformat(), u.id))
        self.srv.restart(env={"MAMORI_JOB_INTERVAL": "1"})
        deadline = time.time() + 10
        while time.time() < deadline:
            st = self.srv.sql("SELECT status, disabled_reason FROM users WHERE id = ?", (u.id,))[0]
            if st[0] == "disabled":
                break
            time.sleep(0.1)
        self.assertEqual(tuple(st), ("disabled", "expired"))
        self.__class__.admin.client = self.admin.new_client()

    def test_time_passing_expires_an_account(self):
        """A future end date, then the job run with the clock a few days ahead."""
        u = self.srv.create_user("future_end",
                                 valid_until=(today() + timedelta(days=1)).isoformat())
        self.run_jobs()
        self.assertEqual(self.srv.sql("SELECT status FROM users WHERE id = ?", (u.id,))[0][0],
                         "active")
        self.run_jobs(env={"MAMORI_TEST_CLOCK_OFFSET": str(4 * DAY)})
        self.assertEqual(tuple(self.srv.sql("SELECT status, disabled_reason FROM users "
                                            "WHERE id = ?", (u.id,))[0]), ("disabled", "expired"))
        # The clock ahead also ended every session older than the absolute limit.
        self.assertEqual(self.srv.sql("SELECT COUNT(*) FROM sessions")[0][0], 0)
        self.__class__.admin.client = self.admin.new_client()
