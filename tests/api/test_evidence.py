"""The evidence pack and the register PDFs: one ZIP that opens and lists every part as PDF and
xlsx with an index page and a manifest; its figures match what the API answers; the audit
trail's head in it is the trail's head; generating it is audited; who may ask (evidence.export
and the read permission of everything in it); bad periods refused with nothing written; the
pack and the PDFs are long work, and a person makes one pack at a time; `mamori evidence-pack`
writes the same pack."""
import io
import json
import os
import threading
import time
import zipfile
from datetime import timedelta

from harness import API, Client, ServerTestCase, SlowCommitsTestCase, org_today
from pdftext import pdf_text
from test_registers import PINFO, xlsx_rows
from test_routes import load_routes

# What a pack holds is read with these; evidence.export alone makes no pack.
PACK_READS = ("pinfo.read", "assets.read", "risks.read", "soa.read", "training.records",
              "internal_audit.read", "reviews.read", "incidents.read", "actions.read",
              "pledges.read", "registers.all_departments")

PARTS = ("01-pinfo-register", "02-asset-register", "03-risk-assessment",
         "04-statement-of-applicability", "05-training-plan", "06-training-roster",
         "07-internal-audit-reports", "08-management-reviews", "09-incidents",
         "10-corrective-actions", "11-pledges", "12-audit-trail")


def day(n=0):
    return (org_today() + timedelta(days=n)).isoformat()


class EvidencePackTest(ServerTestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        srv, admin = cls.srv, cls.admin.client
        cls.officer = srv.create_user("ev_officer", roles=["officer"])
        cls.auditor = srv.create_user("ev_auditor", roles=["auditor"])
        cls.staff = srv.create_user("ev_staff", employment_type="part_time")
        sales = admin.post(API + "/departments", {"name": "営業部"}).json["id"]
        c = cls.officer.client
        assert c.post(API + "/assets", {"name": "顧客データベース", "asset_type": "data",
                                        "classification_id": 1, "c": 3, "i": 2, "a": 1,
                                        "department_id": sales}).status == 201
        body = dict(PINFO, department_id=sales, sensitive=True,
                    lc_acquire_risks="申込書の紛失", lc_acquire_controls="受付簿で管理")
        r = c.post(API + "/pinfo", body)
        assert r.status == 201, r
        cls.pinfo_id = r.json["id"]
        for i in range(3):
            r = cls.staff.client.post(API + "/incidents", {
                "kind": "near_miss" if i else "incident", "category": "missend",
                "title": "誤送信 %d" % i, "description": "宛先の確認漏れ"})
            assert r.status == 201, r
        r = c.post(API + "/actions", {"title": "宛先の二重確認", "owner_id": cls.staff.id,
                                      "due_on": day(10)})
        assert r.status == 201, r
        course = admin.get(API + "/courses").json["items"][0]["id"]
        r = admin.post(API + "/training/assignments", {
            "course_id": course, "targets": ["all"], "starts_on": day(-10), "due_date": day(20)})
        assert r.status == 201, r
        r = c.post(API + "/reviews", {"title": "年次レビュー", "period_from": day(-30),
                                      "period_to": day(0)})
        assert r.status == 201, r

    def pack(self, client, frm=None, to=None):
        r = client.get(API + "/evidence-pack?from=%s&to=%s" % (frm or day(-30), to or day(30)))
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.headers["Content-Type"], "application/zip")
        return zipfile.ZipFile(io.BytesIO(r.body))

    def test_pack_opens_lists_every_part_and_matches_the_api(self):
        z = self.pack(self.officer.client)
        head = self.srv.audit_head()  # before the reads below add their own events
        self.assertIsNone(z.testzip())
        names = set(z.namelist())
        for part in PARTS:
            self.assertIn(part + ".pdf", names)
            self.assertIn(part + ".xlsx", names)
        self.assertIn("00-index.pdf", names)
        self.assertIn("manifest.json", names)
        manifest = json.loads(z.read("manifest.json"))
        self.assertEqual([p["name"] for p in manifest["parts"]], list(PARTS))
        self.assertEqual(manifest["files"], len(names))
        # The index names every part and its file.
        index = "".join(pdf_text(z.read("00-index.pdf")).split())
        for p in manifest["parts"]:
            self.assertIn("".join(p["title"].split()), index)
            self.assertIn(p["name"] + ".pdf", index)
        self.assertIn("監査ログの検証結果", index)
        fig = {p["name"]: p["figures"] for p in manifest["parts"]}
        c = self.officer.client
        # Registers: as many entries as the API lists; the xlsx is the register's own export.
        pinfo = c.get(API + "/pinfo?limit=200").json["items"]
        self.assertEqual(fig["01-pinfo-register"]["rows"], len(pinfo))
        self.assertEqual(fig["01-pinfo-register"]["sensitive"],
                         len([p for p in pinfo if p["sensitive"]]))
        rows = xlsx_rows(z.read("01-pinfo-register.xlsx"))
        self.assertEqual(len(rows) - 1, len(pinfo))
        self.assertIn("利用目的", rows[0])
        text = "".join(pdf_text(z.read("01-pinfo-register.pdf")).split())
        for words in ("個人情報管理台帳とリスク分析", "顧客名簿", "商品の発送",
                      "ライフサイクルのリスク分析", "申込書の紛失", "受付簿で管理"):
            self.assertIn(words, text)
        self.assertEqual(fig["02-asset-register"]["rows"],
                         len(c.get(API + "/assets?limit=200").json["items"]))
        self.assertEqual(fig["04-statement-of-applicability"]["rows"], 93)
        # Incidents: the same count as the list (discovered in the period).
        incidents = c.get(API + "/incidents?limit=200").json["items"]
        self.assertEqual(fig["09-incidents"]["rows"], len(incidents))
        self.assertEqual(fig["09-incidents"]["near_misses"],
                         len([i for i in incidents if i["kind"] == "near_miss"]))
        self.assertEqual(len(xlsx_rows(z.read("09-incidents.xlsx"))) - 1, len(incidents))
        # Actions: those opened in the period.
        actions = c.get(API + "/actions?limit=200").json["items"]
        self.assertEqual(fig["10-corrective-actions"]["rows"], len(actions))
        # Training: the roster summary for duties due in the period.
        summary = c.get(API + "/training/roster/summary?due_from=%s&due_to=%s"
                        % (day(-30), day(30))).json["total"]
        for k in ("assigned", "completed", "overdue", "percent"):
            self.assertEqual(fig["06-training-roster"][k], summary[k], k)
        roster = "".join(pdf_text(z.read("06-training-roster.pdf")).split())
        self.assertIn("パート・アルバイト", roster)
        # Reviews in the period, with the dashboard's figures on paper.
        self.assertEqual(fig["08-management-reviews"]["rows"], 1)
        self.assertIn("年次レビュー", "".join(pdf_text(z.read("08-management-reviews.pdf")).split()))
        # Pledges: who has signed each published pledge's current version, as the pledges'
        # status list counts it (or, without the policies module, said to be not available).
        if not fig["11-pledges"]["available"]:
            self.assertIn("まだ導入されていない",
                          "".join(pdf_text(z.read("11-pledges.pdf")).split()))
        else:
            rows = signed = 0
            for p in c.get(API + "/policies?category=pledge").json["items"]:
                st = c.get(API + "/pledges/status?policy_id=%d" % p["id"]).json
                rows += st["total"]
                signed += sum(s["current"] for s in st["summary"])
            self.assertEqual((fig["11-pledges"]["rows"], fig["11-pledges"]["signed"]),
                             (rows, signed))
            self.assertGreater(rows, 0)
        # The audit trail: verified intact, and its head is the trail's head now.
        trail = manifest["audit_trail"]
        self.assertTrue(trail["intact"])
        seq, _, hash_ = head.partition(":")
        self.assertEqual((trail["head_seq"], trail["head_hash"]), (int(seq), hash_.strip()))
        self.assertIn(trail["head_hash"], pdf_text(z.read("12-audit-trail.pdf")).replace("\n", ""))
        # Generating it is audited, with the period.
        ev = self.srv.sql("SELECT actor_login, summary FROM audit_events WHERE action = "
                          "'evidence_pack.generate' ORDER BY seq DESC LIMIT 1")[0]
        self.assertEqual(ev[0], "ev_officer")
        self.assertEqual(json.loads(ev[1]), {"from": day(-30), "to": day(30)})

    def test_who_may_ask_and_bad_periods(self):
        self.assertProblem(self.staff.client.get(API + "/evidence-pack?from=%s&to=%s"
                                                 % (day(-1), day(0))), 403, "forbidden")
        self.assertIsNone(self.pack(self.auditor.client).testzip())
        head = self.srv.audit_head()
        c = self.officer.client
        r = c.get(API + "/evidence-pack?from=%s&to=%s" % (day(0), day(-1)))
        self.assertFieldError(r, "to", "before_start")
        r = c.get(API + "/evidence-pack?to=%s" % day(0))
        self.assertFieldError(r, "from", "required")
        r = c.get(API + "/evidence-pack?from=2015-01-01&to=%s" % day(0))
        self.assertFieldError(r, "to", "too_long")
        r = c.get(API + "/evidence-pack?from=2026-02-30&to=%s" % day(0))
        self.assertFieldError(r, "from", "invalid_date")
        self.assertEqual(self.srv.audit_head(), head)

    def test_register_and_roster_pdfs(self):
        c = self.officer.client
        for path, words in (("/assets.pdf", "顧客データベース"), ("/pinfo.pdf", "顧客名簿"),
                            ("/risks.pdf", "ヒートマップ"), ("/soa.pdf", "適用宣言書"),
                            ("/training/roster.pdf", "受講者名簿")):
            r = c.get(API + path)
            self.assertEqual((r.status, r.headers["Content-Type"]), (200, "application/pdf"), r)
            self.assertIn(words, "".join(pdf_text(r.body).split()), path)
        self.assertProblem(self.staff.client.get(API + "/training/roster.pdf"), 403, "forbidden")
        # Everyone reads their own department's registers: a person without one gets none.
        r = self.staff.client.get(API + "/assets.pdf")
        self.assertNotIn("顧客データベース", "".join(pdf_text(r.body).split()))

    def test_command_line(self):
        out = os.path.join(self.srv.tmp, "pack.zip")
        r = self.srv.cli("evidence-pack", "--from", day(-30), "--to", day(30), "--out", out)
        self.assertEqual(r.returncode, 0, r.stderr)
        with zipfile.ZipFile(out) as z:
            self.assertIsNone(z.testzip())
            self.assertEqual(sorted(n for n in z.namelist() if n.endswith(".pdf")),
                             sorted(["00-index.pdf"] + [p + ".pdf" for p in PARTS]))
        self.assertFalse(os.path.exists(out + ".part"))
        r = self.srv.cli("evidence-pack", "--from", day(0), "--to", day(-3), "--out", out)
        self.assertEqual(r.returncode, 2)
        self.assertIn("--to", r.stderr)


class EvidencePackPermissionsTest(ServerTestCase):
    """Roles are editable: one given evidence.export alone must not read every register, and
    the staff's names, logins, scores and pledges, through the pack."""

    def test_a_pack_needs_every_read_permission_it_holds(self):
        admin = self.admin.client
        url = API + "/evidence-pack?from=%s&to=%s" % (day(-30), day(30))

        def member_of(name, perms):
            r = admin.post(API + "/roles", {"name": name, "label_ja": name, "label_en": name,
                                            "permissions": perms})
            self.assertEqual(r.status, 201, r)
            return self.srv.create_user(name + "_user", roles=[name]).client

        packs = len(self.srv.sql("SELECT seq FROM audit_events WHERE action = "
                                 "'evidence_pack.generate'"))
        only = member_of("pack_only", ["evidence.export"])
        r = self.assertProblem(only.get(url), 403, "forbidden")
        self.assertEqual(sorted(r.json["missing_permissions"]), sorted(PACK_READS))
        ev = self.srv.sql("SELECT actor_login, summary FROM audit_events WHERE action = "
                          "'access.denied' ORDER BY seq DESC LIMIT 1")[0]
        self.assertEqual(ev[0], "pack_only_user")
        self.assertEqual(sorted(json.loads(ev[1])["permissions"]), sorted(PACK_READS))
        # One missing is enough, and named.
        most = [p for p in PACK_READS if p not in ("pledges.read", "registers.all_departments")]
        short = member_of("pack_most", ["evidence.export"] + most)
        r = self.assertProblem(short.get(url), 403, "forbidden")
        self.assertEqual(sorted(r.json["missing_permissions"]),
                         ["pledges.read", "registers.all_departments"])
        self.assertEqual(len(self.srv.sql("SELECT seq FROM audit_events WHERE action = "
                                          "'evidence_pack.generate'")), packs)
        # With all of them, the pack.
        full = member_of("pack_full", ["evidence.export"] + list(PACK_READS))
        r = full.get(url)
        self.assertEqual((r.status, r.headers["Content-Type"]), (200, "application/zip"), r)


class EvidenceLongWorkTest(SlowCommitsTestCase):
    """The pack (the whole audit trail verified, up to five years read) and the PDFs run on the
    long-work threads, so the request threads go on answering everyone else; and a person
    makes one pack at a time (a second click while the first is made is refused), while
    others make theirs. One request thread; while a flag file exists every COMMIT waits 300 ms
    (test builds only), so that a pack, which commits at least five audit events, takes well
    over two seconds."""

    threads = 1

    def test_pdfs_and_the_pack_are_long_work(self):
        routes = [r for r in load_routes() if r["path"].endswith(".pdf")
                  or r["path"] == API + "/evidence-pack"]
        self.assertGreaterEqual(len(routes), 10)
        self.assertEqual([r["path"] for r in routes if not r["long"]], [])

    def test_one_pack_at_a_time_each(self):
        officer = self.srv.create_user("lw_officer", roles=["officer"]).client
        auditor = self.srv.create_user("lw_auditor", roles=["auditor"]).client
        url = API + "/evidence-pack?from=%s&to=%s" % (day(-30), day(0))

        def race(first, then):
            """`first` asks for a pack; half a second later, while it is being made, /healthz
            and `then` are asked. The answers, and whether /healthz's came well before the
            pack's (it was not kept waiting behind it)."""
            got = {}

            def make():
                got["pack"] = first.get(url)
                got["pack_done"] = time.monotonic()
            t = threading.Thread(target=make)
            t.start()
            time.sleep(0.5)
            health = Client(self.srv).get("/healthz")
            health_done = time.monotonic()
            second = then()
            t.join()
            return got["pack"], (health, got["pack_done"] - health_done > 0.5), second

        pack, (health, early), second = self.slowly(lambda: race(officer, lambda: officer.get(url)))
        self.assertEqual(pack.status, 200, pack)
        self.assertEqual(health.status, 200)
        self.assertTrue(early, "/healthz waited for the pack")
        self.assertProblem(second, 429, "evidence_pack_running")
        # Done, it may be asked again; and two people make theirs side by side.
        self.assertEqual(officer.get(url).status, 200)
        pack, _, second = self.slowly(lambda: race(officer, lambda: auditor.get(url)))
        self.assertEqual((pack.status, second.status), (200, 200), second)
