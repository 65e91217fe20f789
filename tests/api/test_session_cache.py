"""Each request thread remembers the sessions it has loaded (src/auth/session.c). A change to a
session, its user or their roles must still take effect on the very next request, whichever
thread serves it: every test first makes each thread remember the session (many requests on
fresh connections), then changes something, then expects every following request to see it.
On PostgreSQL a second node checks the same from outside the process that made the change."""
import datetime
import unittest

from harness import API, PG_URL, Client, ServerTestCase, org_today

WARM = 12  # requests on fresh connections: both request threads serve some of them


def copy_of(client, server=None):
    c = Client(server or client.server)
    c.cookies, c.csrf = dict(client.cookies), client.csrf
    return c


class SessionCacheTest(ServerTestCase):
    def role(self, name, permissions):
        r = self.admin.client.post(API + "/roles", {"name": name, "label_ja": name,
                                                      "label_en": name,
                                                      "permissions": permissions})
        self.assertEqual(r.status, 201, r)
        return r.json

    def statuses(self, client, path=API + "/users?limit=1", n=WARM):
        return [client.get(path).status for _ in range(n)]

    def test_removed_permission_takes_effect_on_the_next_request(self):
        role = self.role("cache_readers", ["users.read"])
        acct = self.srv.create_user("cache-perm", roles=["cache_readers"])
        self.assertEqual(set(self.statuses(acct.client)), {200})
        r = self.admin.client.patch(API + "/roles/%d" % role["id"],
                                    {"version": role["version"], "permissions": []})
        self.assertEqual(r.status, 200, r)
        self.assertEqual(set(self.statuses(acct.client)), {403})

    def test_added_permission_takes_effect_on_the_next_request(self):
        role = self.role("cache_later", [])
        acct = self.srv.create_user("cache-add", roles=["cache_later"])
        self.assertEqual(set(self.statuses(acct.client)), {403})
        r = self.admin.client.patch(API + "/roles/%d" % role["id"],
                                    {"version": role["version"],
                                     "permissions": ["users.read"]})
        self.assertEqual(r.status, 200, r)
        self.assertEqual(set(self.statuses(acct.client)), {200})

    def test_sign_out_ends_every_copy_of_the_session_at_once(self):
        acct = self.srv.create_user("cache-out")
        other = copy_of(acct.client)
        self.assertEqual(set(self.statuses(other, API + "/session")), {200})
        self.assertEqual(acct.client.delete(API + "/session").status, 204)
        self.assertEqual(set(self.statuses(other, API + "/session")), {401})

    def test_sessions_revoked_by_an_administrator(self):
        # Resetting the password, disabling the account and taking a role away each end the
        # user's sessions: the next request, on any thread, is refused.
        for action in ("reset-password", "disable", "roles"):
            acct = self.srv.create_user("cache-rev-" + action[:5], roles=["employee",
                                                                          "manager"])
            self.assertEqual(set(self.statuses(acct.client, API + "/session")), {200})
            if action == "roles":
                v = self.admin.client.get(API + "/users/%d" % acct.id).json["version"]
                r = self.admin.client.patch(API + "/users/%d" % acct.id,
                                            {"version": v, "roles": ["employee"]})
            else:
                r = self.admin.client.post(API + "/users/%d/%s" % (acct.id, action))
            self.assertEqual(r.status, 200, r)
            self.assertEqual(set(self.statuses(acct.client, API + "/session")), {401}, action)

    def test_user_disabled_from_the_command_line(self):
        # Another process (or, on PostgreSQL, another connection) changes the database.
        acct = self.srv.create_user("cache-cli")
        self.assertEqual(set(self.statuses(acct.client, API + "/session")), {200})
        r = self.srv.cli("user", "disable", "cache-cli", "--reason", "left")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(set(self.statuses(acct.client, API + "/session")), {401})

    def test_account_past_its_last_day_is_signed_out_without_the_job(self):
        # The background job (which disables such accounts) does not run in the tests; the
        # session loading itself refuses an account whose valid_until has passed.
        acct = self.srv.create_user("cache-until", valid_until=org_today().isoformat())
        self.assertEqual(set(self.statuses(acct.client, API + "/session")), {200})
        yesterday = (org_today() - datetime.timedelta(days=1)).isoformat()
        self.srv.sql("UPDATE users SET valid_until = ? WHERE login = ?",
                     (yesterday, "cache-until"))
        r = acct.client.get(API + "/session")
        self.assertProblem(r, 401, "unauthenticated")
        self.assertEqual(self.srv.sql("SELECT status FROM users WHERE login = ?",
                                      ("cache-until",)), [("active",)])
        self.assertEqual(self.srv.sql("SELECT COUNT(*) FROM sessions s JOIN users u ON "
                                      "u.id = s.user_id WHERE u.login = ?",
                                      ("cache-until",)), [(0,)])

    def test_change_refused_after_the_session_changed_meanwhile(self):
        # A write confirms the session first: a copy of a signed-out session changes nothing.
        acct = self.srv.create_user("cache-write")
        other = copy_of(acct.client)
        # Changes run on threads of their own: make those remember the session too.
        self.assertEqual({other.patch(API + "/me", {"locale": "ja"}).status
                          for _ in range(WARM)}, {200})
        self.assertEqual(acct.client.delete(API + "/session").status, 204)
        r = other.patch(API + "/me", {"locale": "en"})
        self.assertProblem(r, 401, "unauthenticated")
        self.assertEqual(self.srv.sql("SELECT locale FROM users WHERE login = ?",
                                      ("cache-write",)), [("ja",)])


@unittest.skipUnless(PG_URL, "several nodes need PostgreSQL (MAMORI_DB)")
class SessionCacheTwoNodesTest(ServerTestCase):
    """The node that did not make the change learns of it on its next request."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        from test_nodes import Node
        cls.node2 = Node(cls.srv)

    @classmethod
    def tearDownClass(cls):
        try:
            cls.node2.stop()
        finally:
            super().tearDownClass()

    def test_removed_permission_and_sign_out_on_the_other_node(self):
        r = self.admin.client.post(API + "/roles", {"name": "nodes_readers", "label_ja": "n",
                                                      "label_en": "n",
                                                      "permissions": ["users.read"]})
        self.assertEqual(r.status, 201, r)
        role = r.json
        acct = self.srv.create_user("cache-nodes", roles=["nodes_readers"])
        on2 = copy_of(acct.client, self.node2)
        self.assertEqual({on2.get(API + "/users?limit=1").status for _ in range(WARM)}, {200})
        r = self.admin.client.patch(API + "/roles/%d" % role["id"],
                                    {"version": role["version"], "permissions": []})
        self.assertEqual(r.status, 200, r)
        self.assertEqual({on2.get(API + "/users?limit=1").status for _ in range(WARM)}, {403})
        self.assertEqual(acct.client.delete(API + "/session").status, 204)
        self.assertEqual({on2.get(API + "/session").status for _ in range(WARM)}, {401})

    def test_disabled_and_reset_on_the_other_node(self):
        for action in ("disable", "reset-password"):
            acct = self.srv.create_user("cache-n2-" + action[:5])
            on2 = copy_of(acct.client, self.node2)
            self.assertEqual({on2.get(API + "/session").status for _ in range(WARM)}, {200})
            r = self.admin.client.post(API + "/users/%d/%s" % (acct.id, action))
            self.assertEqual(r.status, 200, r)
            self.assertEqual({on2.get(API + "/session").status for _ in range(WARM)}, {401},
                             action)
            # A change through the other node is refused too (confirmed before its write).
            self.assertProblem(on2.patch(API + "/me", {"locale": "en"}), 401,
                               "unauthenticated")
