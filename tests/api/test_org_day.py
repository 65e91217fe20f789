"""The organisation's day, whatever the entry point: with the clock pinned at 16:30 UTC it is
already 01:30 the next day in Tokyo, and every command that writes or names a date — init,
import, export, user add, jobs run, and serve — uses Tokyo's day, on a machine whose own zone
is UTC. Each puts the organisation's time zone in force before its work; reading the settings
does not (it once did, and `mamori import` then stored the UTC day)."""
import csv
import io
import os
import time
from datetime import date, datetime, timedelta, timezone

from harness import API, ServerTestCase

# Two days ahead, so that the real clock's dates (the API's checks) are all before it.
UTC_DAY = (datetime.now(timezone.utc) + timedelta(days=2)).date()
TOKYO_DAY = UTC_DAY + timedelta(days=1)
AT = datetime(UTC_DAY.year, UTC_DAY.month, UTC_DAY.day, 16, 30, tzinfo=timezone.utc)


def pinned():
    """The environment of a process whose clock reads 16:30 UTC on UTC_DAY, on a machine set
    to UTC."""
    return {"MAMORI_TEST_CLOCK_OFFSET": str(int(AT.timestamp() - time.time())), "TZ": "UTC"}


def a_year_on(d):
    try:
        return d.replace(year=d.year + 1)
    except ValueError:  # 29 February
        return date(d.year + 1, 2, 28)


class OrganisationDayTest(ServerTestCase):

    @classmethod
    def setUpClass(cls):
        cls.init_env = pinned()
        super().setUpClass()

    def test_1_init_registers_its_own_entries_on_the_tokyo_day(self):
        rows = self.srv.sql("SELECT reviewed_on, review_due FROM pinfo WHERE own_key IS NOT NULL")
        self.assertTrue(rows)
        for reviewed, due in rows:
            self.assertEqual(reviewed, TOKYO_DAY.isoformat())
            self.assertEqual(due, a_year_on(TOKYO_DAY).isoformat())

    def test_2_import_and_export_use_the_tokyo_day(self):
        path = os.path.join(self.srv.tmp, "day.csv")
        with open(path, "w", encoding="utf-8", newline="") as f:
            f.write("資産名,種別,機密区分,機密性,完全性,可用性,最終見直し日\r\n"
                    "見直し日なし,ソフトウェア,社外秘,2,1,1,\r\n"
                    # Tokyo's today: in the future for the UTC day, refused there.
                    "東京の今日,ソフトウェア,社外秘,2,1,1,%s\r\n" % TOKYO_DAY.isoformat())
        r = self.srv.cli("import", "assets", path, env=pinned())
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        rows = dict((name, (reviewed, due)) for name, reviewed, due in self.srv.sql(
            "SELECT name, reviewed_on, review_due FROM assets "
            "WHERE name IN ('見直し日なし', '東京の今日')"))
        for name in ("見直し日なし", "東京の今日"):
            self.assertEqual(rows[name], (TOKYO_DAY.isoformat(), a_year_on(TOKYO_DAY).isoformat()),
                             name)
        # The export writes instants in Tokyo's time: the import happened at 01:30 there.
        out = os.path.join(self.srv.tmp, "day-export.csv")
        r = self.srv.cli("export", "assets", "--format", "csv", out, env=pinned())
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        with open(out, encoding="utf-8-sig", newline="") as f:
            table = list(csv.reader(f))
        head = table[0]
        row = next(r for r in table[1:] if r[head.index("資産名")] == "見直し日なし")
        self.assertEqual(row[head.index("最終見直し日")], TOKYO_DAY.isoformat())
        self.assertTrue(row[head.index("更新日時")].startswith(TOKYO_DAY.isoformat() + " 01:"),
                        row)

    def test_3_user_add_judges_the_end_date_by_the_tokyo_day(self):
        r = self.srv.cli("user", "add", "--login", "dayended", "--name", "前日 終了",
                         "--valid-until", UTC_DAY.isoformat(), env=pinned())
        self.assertNotEqual(r.returncode, 0, r.stdout)
        self.assertIn("valid_until", r.stderr)
        r = self.srv.cli("user", "add", "--login", "daylast", "--name", "当日 終了",
                         "--valid-until", TOKYO_DAY.isoformat(), env=pinned())
        self.assertEqual(r.returncode, 0, r.stderr)

    def test_4_jobs_and_serve_use_the_tokyo_day(self):
        ended = self.srv.create_user("dayover", valid_until=UTC_DAY.isoformat())
        last = self.srv.create_user("daylastday", valid_until=TOKYO_DAY.isoformat())
        r = self.srv.cli("jobs", "run", env=pinned())
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        status = dict(self.srv.sql("SELECT id, status FROM users WHERE id IN (?, ?)",
                                   (ended.id, last.id)))
        # The end date was yesterday in Tokyo; the last valid day is today there.
        self.assertEqual(status, {ended.id: "disabled", last.id: "active"})
        # The server, started at the same moment, judges and names days alike.
        self.srv.restart(env=pinned())
        admin = self.admin.new_client()
        r = admin.post(API + "/assets", {"name": "サーバの今日", "asset_type": "data",
                                         "classification_id": 1, "c": 1, "i": 1, "a": 1})
        self.assertEqual(r.status, 201, r)
        self.assertEqual(r.json["reviewed_on"], TOKYO_DAY.isoformat())
        r = admin.get(API + "/assets.csv")
        self.assertEqual(r.status, 200, r)
        self.assertIn('filename="assets-%s.csv"' % TOKYO_DAY.isoformat(),
                      r.headers.get("Content-Disposition", ""))
        table = list(csv.reader(io.StringIO(r.body.decode("utf-8-sig"))))
        row = next(x for x in table[1:] if x[table[0].index("資産名")] == "サーバの今日")
        self.assertTrue(row[table[0].index("更新日時")].startswith(TOKYO_DAY.isoformat() + " 01:"))
