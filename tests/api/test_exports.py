"""Exports, as a spreadsheet user meets them: no cell of any CSV export starts a formula — also
when the CP932 conversion would turn a look-alike (﹦ ＝ ＋ ﹢ ＠ ﹫ － …) into one; our own
formula guard comes off again on import (export → import → export gives the same cells);
characters CP932 lacks are reported, never replaced silently; CP932 is labelled Windows-31J;
file names carry the day; instants are in the organisation's time; Excel dates are dates."""
import csv
import datetime
import io
import json
import os
import re
import urllib.parse

from harness import API, ServerTestCase, org_today
from test_registers import xlsx_rows

# Look-alikes of formula characters, as a reporter might type them (full-width, small forms,
# the minus sign) and the real ones.
LOOKALIKES = ["﹦", "＝", "＋", "﹢", "＠", "﹫", "－", "﹣", "−", "=", "+", "-", "@"]
FORMULA_START = tuple("=+-@\t\r") + ("＝", "＋", "－", "＠", "﹦", "﹢", "﹣", "﹫", "−")
PINFO = {"items": "氏名、住所", "purpose": "商品の発送", "storage_location": "本社サーバ",
         "storage_method": "暗号化して保存", "access": "営業部員", "use_until": "契約終了まで",
         "retention_until": "契約終了後5年"}


def q(path, **params):
    return API + path + ("?" + urllib.parse.urlencode(params) if params else "")


def cells(body, encoding):
    """Every cell of a CSV file as written (guard included), row by row."""
    text = body.decode(encoding)
    if text.startswith("\ufeff"):
        text = text[1:]
    return list(csv.reader(io.StringIO(text, newline="")))


def formula_cells(rows):
    """Cells a spreadsheet would run as a formula (numbers like -5 aside)."""
    bad = []
    for r, row in enumerate(rows):
        for c in row:
            if c.startswith(FORMULA_START) and not re.fullmatch(r"-?\d+", c):
                bad.append((r + 1, c))
    return bad


class FormulaGuardTest(ServerTestCase):
    """Every list that exports CSV, in UTF-8 and CP932, with every look-alike in it."""

    CHARS = LOOKALIKES

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        admin = cls.admin.client
        cls.officer = cls.srv.create_user("exp_officer", roles=["officer"],
                                          name=cls.CHARS[0] + "HYPERLINK(\"http://x\")")
        cls.reporter = cls.srv.create_user("exp_reporter", name="＋田中")
        for i, ch in enumerate(cls.CHARS):
            text = ch + "HYPERLINK(\"http://evil.example/%d\")" % i
            r = admin.post(API + "/assets", {"name": text, "asset_type": "data",
                                             "classification_id": 2, "c": 1, "i": 1, "a": 1,
                                             "notes": text})
            assert r.status == 201, r
            r = admin.post(API + "/pinfo", dict(PINFO, name=text, subjects=text,
                                                 lc_use_risks=text))
            assert r.status == 201, r
            entry = r.json
            r = admin.post(API + "/risks", {"pinfo_id": entry["id"], "threat": text,
                                            "vulnerability": text, "likelihood": 1,
                                            "impact": 1, "treatment": "accept"})
            assert r.status == 201, r
            r = cls.reporter.client.post(API + "/incidents", {
                "category": "loss", "title": text, "description": text})
            assert r.status == 201, r
            r = cls.officer.client.post(API + "/actions", {
                "title": text, "owner_id": cls.reporter.id,
                "due_on": (org_today() + datetime.timedelta(days=7)).isoformat(),
                "cause": text, "plan": text})
            assert r.status == 201, r
        r = admin.patch(API + "/soa/1", {"version": 1, "justification": cls.CHARS[1] + "1+1",
                                         "evidence": cls.CHARS[0] + "1+1"})
        assert r.status == 200, r

    EXPORTS = ["/assets.csv", "/pinfo.csv", "/pinfo/risk-analysis.csv", "/risks.csv",
               "/soa.csv", "/incidents.csv", "/actions.csv", "/users.csv",
               "/audit/events.csv", "/training/roster.csv"]
    # Lists whose route lets the user ask for '?' in place of what CP932 lacks.
    REPLACEABLE = {"/assets.csv", "/pinfo.csv", "/pinfo/risk-analysis.csv", "/risks.csv",
                   "/soa.csv"}

    def test_no_cell_starts_a_formula_in_any_export(self):
        admin = self.admin.client
        for path in self.EXPORTS:
            with self.subTest(export=path, encoding="utf-8"):
                r = admin.get(API + path)
                self.assertEqual(r.status, 200, r)
                rows = cells(r.body, "utf-8")
                self.assertGreater(len(rows), 0 if "roster" in path else 1)
                self.assertEqual(formula_cells(rows), [])
            with self.subTest(export=path, encoding="cp932"):
                params = {"encoding": "cp932"}
                if path in self.REPLACEABLE:
                    params["unmappable"] = "replace"
                r = admin.get(q(path, **params))
                if r.status == 422 and self.CHARS is LOOKALIKES:
                    # A list that cannot replace refuses: nothing is written at all.
                    self.assertNotIn(path, self.REPLACEABLE)
                    self.assertEqual(r.json["code"], "unmappable")
                    continue
                self.assertEqual(r.status, 200, r.json and r.json.get("first"))
                self.assertEqual(r.headers["Content-Type"], "text/csv; charset=Windows-31J")
                self.assertFalse(r.body.startswith(b"\xef\xbb\xbf"))
                rows = cells(r.body, "cp932")
                self.assertEqual(formula_cells(rows), [])

    def test_each_lookalike_is_guarded_after_the_conversion(self):
        if self.CHARS is not LOOKALIKES:
            return
        admin = self.admin.client
        r = admin.get(q("/assets.csv", encoding="cp932", unmappable="replace"))
        rows = cells(r.body, "cp932")
        names = {row[1] for row in rows[1:]}
        # In CP932: ＝ ＋ ＠ － (and − written as －) keep their full-width form, guarded; the
        # small forms are not in CP932 and become '?', never the ASCII character.
        for ch, written in (("＝", "'＝"), ("＋", "'＋"), ("＠", "'＠"), ("－", "'－"),
                            ("−", "'－"), ("﹦", "?"), ("﹢", "?"), ("﹫", "?"), ("﹣", "?"),
                            ("=", "'="), ("+", "'+"), ("-", "'-"), ("@", "'@")):
            with self.subTest(char=ch):
                self.assertTrue(any(n.startswith(written + "HYPERLINK") for n in names),
                                (ch, written, sorted(names)))
        r = admin.get(API + "/assets.csv")
        names = {row[1] for row in cells(r.body, "utf-8")[1:]}
        for ch in LOOKALIKES:
            with self.subTest(char=ch, encoding="utf-8"):
                self.assertIn("'" + ch + "HYPERLINK(\"http://evil.example/%d\")"
                              % LOOKALIKES.index(ch), names)


class FormulaGuardInCp932Test(FormulaGuardTest):
    """The same with only the look-alikes CP932 has: every list, also those that refuse to
    replace characters, then writes its CP932 file — each cell guarded after conversion."""

    CHARS = ["＝", "＋", "＠", "－", "−", "=", "+", "-", "@"]


class RoundTripTest(ServerTestCase):
    """Our own export imports back to the same values: export → import → export."""

    VALUES = ["-", "+81-3-1234-5678", "'quoted", "''twice", "=1+1", "＝全角", "−5℃", "@mention",
              "plain", "表・ソ・能 ①㈱髙ｶﾞ～－"]

    def rows_of(self, body, encoding):
        rows = cells(body, encoding)
        head = rows[0]
        drop = {head.index(h) for h in ("ID", "更新日時") if h in head}
        return [[c for i, c in enumerate(row) if i not in drop] for row in rows]

    def check_register(self, path, make, delete, encoding):
        admin = self.admin.client
        for n, v in enumerate(self.VALUES):
            make(admin, "RT%s-%02d" % (encoding, n), v)
        params = {"q": "RT%s-" % encoding}
        if encoding == "cp932":
            params["encoding"] = "cp932"
        first = admin.get(q(path + ".csv", **params))
        self.assertEqual(first.status, 200, first)
        before = self.rows_of(first.body, encoding)
        self.assertEqual(len(before), len(self.VALUES) + 1)
        for item in admin.get(q(path, q="RT%s-" % encoding, limit=200)).json["items"]:
            delete(admin, item)
        r = admin.post(q(path + "/import", dry_run=0, encoding=encoding), raw=first.body,
                       content_type="text/csv")
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json["imported"], len(self.VALUES))
        second = admin.get(q(path + ".csv", **params))
        self.assertEqual(self.rows_of(second.body, encoding), before)
        return admin.get(q(path, q="RT%s-" % encoding, limit=200)).json["items"]

    def test_assets_round_trip_in_utf8_and_cp932(self):
        def make(admin, name, v):
            r = admin.post(API + "/assets", {"name": name, "asset_type": "data",
                                             "classification_id": 2, "c": 1, "i": 1, "a": 1,
                                             "notes": v, "location": v})
            self.assertEqual(r.status, 201, r)

        def delete(admin, a):
            self.assertEqual(admin.delete(API + "/assets/%d" % a["id"],
                                          {"version": a["version"]}).status, 204)
        for enc in ("utf-8", "cp932"):
            with self.subTest(encoding=enc):
                items = self.check_register("/assets", make, delete, enc)
                # CP932 writes the minus sign − with its own code for the same character, read
                # back as －; every other value comes back exactly.
                want = [v.replace("−", "－") if enc == "cp932" else v for v in self.VALUES]
                self.assertEqual(sorted(a["notes"] for a in items), sorted(want))

    def test_pinfo_round_trip(self):
        def make(admin, name, v):
            r = admin.post(API + "/pinfo", dict(PINFO, name=name, subjects=v,
                                                 lc_store_residual=v, tp_provided=True,
                                                 tp_recipient="配送業者", tp_when=v,
                                                 tp_items="氏名、住所", tp_consent=v))
            self.assertEqual(r.status, 201, r)

        def delete(admin, p):
            self.assertEqual(admin.delete(API + "/pinfo/%d" % p["id"],
                                          {"version": p["version"]}).status, 204)
        items = self.check_register("/pinfo", make, delete, "utf-8")
        self.assertEqual(sorted(p["subjects"] for p in items), sorted(self.VALUES))
        self.assertEqual(sorted(p["tp_consent"] for p in items), sorted(self.VALUES))


class UnmappableTest(ServerTestCase):
    """Characters CP932 lacks are reported before anything is written."""

    def test_reported_then_replaced_only_when_asked(self):
        admin = self.admin.client
        r = admin.post(API + "/pinfo", dict(PINFO, name="𠮷野家の会員名簿", subjects="会員 ♡"))
        self.assertEqual(r.status, 201, r)
        entry = r.json
        seq = self.srv.sql("SELECT MAX(seq) FROM audit_events")[0][0]
        r = admin.get(q("/pinfo.csv", encoding="cp932"))
        self.assertProblem(r, 422, "unmappable")
        self.assertEqual((r.json["count"], r.json["rows"]), (2, 1))
        first = r.json["first"][0]
        self.assertEqual((first["row"], first["column"], first["char"], first["record"]),
                         (2 + [x["id"] for x in admin.get(API + "/pinfo?limit=200")
                               .json["items"]].index(entry["id"]),
                          "台帳名", "𠮷", str(entry["id"])))
        # Nothing left the server: no export event.
        self.assertEqual(self.srv.sql("SELECT COUNT(*) FROM audit_events WHERE seq > ? AND "
                                      "action = 'export.pinfo'", (seq,))[0][0], 0)
        # Asked for, '?' stands in for each, and the event says how many.
        r = admin.get(q("/pinfo.csv", encoding="cp932", unmappable="replace"))
        self.assertEqual(r.status, 200, r)
        text = r.body.decode("cp932")
        self.assertIn("?野家の会員名簿", text)
        self.assertIn("会員 ?", text)
        summary = json.loads(self.srv.sql("SELECT summary FROM audit_events WHERE action = "
                                          "'export.pinfo' ORDER BY seq DESC LIMIT 1")[0][0])
        self.assertEqual((summary["format"], summary["replaced"]), ("csv-cp932", 2))
        # UTF-8 keeps every character; Excel too.
        self.assertIn("𠮷野家の会員名簿", admin.get(API + "/pinfo.csv").body.decode("utf-8-sig"))
        rows = xlsx_rows(admin.get(API + "/pinfo.xlsx").body)
        self.assertIn("𠮷野家の会員名簿", [row[1] for row in rows])
        # The command line stops the same way, and replaces only when told.
        out = os.path.join(self.srv.tmp, "p.csv")
        r = self.srv.cli("export", "pinfo", "--encoding", "cp932", out)
        self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
        self.assertIn("台帳名", r.stderr)
        self.assertFalse(os.path.exists(out))
        r = self.srv.cli("export", "pinfo", "--encoding", "cp932", "--replace-unmappable", out)
        self.assertEqual(r.returncode, 0, r.stderr)

    def test_files_are_dated_times_local_and_excel_dates_real(self):
        admin = self.admin.client
        r = admin.post(API + "/assets", {"name": "日付の確認", "asset_type": "paper",
                                         "classification_id": 3, "c": 1, "i": 1, "a": 1,
                                         "reviewed_on": "2026-04-01"})
        self.assertEqual(r.status, 201, r)
        asset = r.json
        today = org_today().isoformat()
        for path, name in (("/assets.csv", "assets-%s.csv" % today),
                           ("/assets.xlsx", "assets-%s.xlsx" % today),
                           ("/soa.xlsx", "soa-%s.xlsx" % today),
                           ("/incidents.csv", "incidents-%s.csv" % today),
                           ("/pinfo/risk-analysis.csv", "pinfo-risk-analysis-%s.csv" % today)):
            with self.subTest(path=path):
                r = admin.get(API + path)
                self.assertEqual(r.status, 200, r)
                self.assertEqual(r.headers["Content-Disposition"],
                                 'attachment; filename="%s"' % name)
        # 更新日時 in the organisation's time (Asia/Tokyo), as the screens show it.
        utc = datetime.datetime.strptime(asset["updated_at"], "%Y-%m-%dT%H:%M:%SZ")
        local = (utc + datetime.timedelta(hours=9)).strftime("%Y-%m-%d %H:%M:%S")
        rows = cells(admin.get(API + "/assets.csv").body, "utf-8")
        row = [x for x in rows if x[1] == "日付の確認"][0]
        self.assertEqual(row[rows[0].index("更新日時")], local)
        self.assertEqual(row[rows[0].index("最終見直し日")], "2026-04-01")
        # In Excel both are dates, not text: read back as date-times.
        rows = xlsx_rows(admin.get(API + "/assets.xlsx").body)
        row = [x for x in rows if x[1] == "日付の確認"][0]
        self.assertEqual(str(row[rows[0].index("最終見直し日")]), "2026-04-01 00:00:00")
        self.assertEqual(str(row[rows[0].index("更新日時")]), local)
