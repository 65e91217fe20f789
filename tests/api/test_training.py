"""Education (教育): courses, case-study quizzes graded by the server, versions, assignments,
records, rosters and their export, the starter course and `mamori content import`."""
import json
import os
import shutil
import tempfile
import time

from harness import API, REPO, ServerTestCase

STARTER = os.path.join(REPO, "content", "training", "starter")


def starter_key():
    """situation (ja) → set of correct choice texts (ja), from the shipped content."""
    with open(os.path.join(STARTER, "questions.json"), encoding="utf-8") as f:
        qs = json.load(f)
    return {q["situation"]["ja"]: {q["choices"][n - 1]["ja"] for n in q["correct"]} for q in qs}


def answers_for(attempt, key, right=True):
    """Shown choice numbers per item: the right ones, or a wrong pick."""
    out = {}
    for it in attempt["items"]:
        good = key[it["situation"]["ja"]]
        nums = [c["n"] for c in it["choices"] if (c["text"]["ja"] in good) == right]
        out[it["position"]] = nums if right else nums[:1]
    return out


class TrainingCase(ServerTestCase):
    """Helpers shared by the training tests."""

    def course_id(self, client, code="starter"):
        items = client.get(API + "/courses").json["items"]
        return [c for c in items if c["code"] == code][0]["id"]

    def start(self, client, cid, status=201):
        r = client.post(API + "/courses/%d/attempts" % cid, {})
        self.assertEqual(r.status, status, r)
        return r.json

    def answer_all(self, client, attempt, picks):
        for pos, nums in picks.items():
            r = client.request("PUT", API + "/training/attempts/%d/answers" % attempt["id"],
                               {"position": pos, "choices": nums})
            self.assertEqual(r.status, 204, r)

    def submit(self, client, attempt):
        return client.post(API + "/training/attempts/%d/submit" % attempt["id"], {})

    def small_course(self, n_questions=5, draw=5, pass_percent=80, **extra):
        """A published course whose right answer is always choice 2 (of 3)."""
        admin = self.admin.client
        body = {"title_ja": "小テスト", "title_en": "Small quiz", "draw_count": draw,
                "pass_percent": pass_percent}
        body.update(extra)
        r = admin.post(API + "/courses", body)
        self.assertEqual(r.status, 201, r)
        cid = r.json["course"]["id"]
        for i in range(n_questions):
            r = admin.post(API + "/courses/%d/questions" % cid, {
                "topic": "t%d" % (i % 3), "situation_ja": "状況 %d" % i,
                "situation_en": "Situation %d" % i,
                "choices_ja": ["誤り A%d" % i, "正解 %d" % i, "誤り B%d" % i],
                "choices_en": ["Wrong A%d" % i, "Right %d" % i, "Wrong B%d" % i],
                "correct": [2], "explanation_ja": "解説 %d の理由" % i,
                "explanation_en": "Why %d" % i})
            self.assertEqual(r.status, 201, r)
        self.publish(cid)
        return cid

    def publish(self, cid):
        admin = self.admin.client
        v = admin.get(API + "/courses/%d/draft" % cid).json["course"]["version"]
        r = admin.post(API + "/courses/%d/publish" % cid, {"version": v})
        self.assertEqual(r.status, 200, r)
        return r.json

    @staticmethod
    def small_picks(attempt, right_count):
        """Answer the first `right_count` items right ("正解") and the rest wrong."""
        picks = {}
        for k, it in enumerate(attempt["items"]):
            want = (k < right_count)
            picks[it["position"]] = [c["n"] for c in it["choices"]
                                     if c["text"]["ja"].startswith("正解") == want][:1]
        return picks


class QuizTest(TrainingCase):

    def test_starter_course_is_loaded_by_init(self):
        emp = self.srv.create_user("tr_starter")
        c = emp.client
        items = c.get(API + "/courses").json["items"]
        starter = [x for x in items if x["code"] == "starter"]
        self.assertEqual(len(starter), 1, items)
        s = starter[0]
        self.assertEqual(s["published_version"], 1)
        self.assertGreaterEqual(s["question_count"], 40)
        self.assertGreaterEqual(s["draw_count"], 20)
        self.assertEqual(s["pass_percent"], 80)
        self.assertTrue(s["title"]["ja"] and s["title"]["en"])
        detail = c.get(API + "/courses/%d" % s["id"]).json
        self.assertGreaterEqual(len(detail["lessons"]), 10)
        self.assertEqual(detail["mine"]["start"], "new")
        # Lessons come as a tree of text nodes in the asked language.
        ja = c.get(API + "/courses/%d/lessons/1" % s["id"]).json
        en = c.get(API + "/courses/%d/lessons/1?lang=en" % s["id"]).json
        self.assertEqual(ja["doc"]["t"], "document")
        self.assertNotEqual(json.dumps(ja["doc"]), json.dumps(en["doc"]))
        self.assertProblem(c.get(API + "/courses/%d/lessons/99" % s["id"]), 404)
        # The question pool with its answers is for course editors only.
        self.assertProblem(c.get(API + "/courses/%d/draft" % s["id"]), 403, "forbidden")

    def test_answers_never_reach_the_browser_before_submit(self):
        emp = self.srv.create_user("tr_peek")
        c = emp.client
        cid = self.course_id(c)
        with open(os.path.join(STARTER, "questions.json"), encoding="utf-8") as f:
            explanations = [q["explanation"]["ja"] for q in json.load(f)]
        a = self.start(c, cid)
        self.assertEqual(a["status"], "open")
        self.assertEqual(len(a["items"]), 20)
        self.assertEqual(len({it["situation"]["ja"] for it in a["items"]}), 20)
        answers_from = [a, c.get(API + "/training/attempts/%d" % a["id"]).json,
                        c.get(API + "/courses/%d" % cid).json, c.get(API + "/training/me").json]
        for body in answers_from:
            text = json.dumps(body, ensure_ascii=False)
            self.assertNotIn('"correct"', text)
            self.assertNotIn('"explanation"', text)
            self.assertNotIn('"is_correct"', text)
            for e in explanations:
                self.assertNotIn(e, text)
        # Starting again resumes the same attempt instead of drawing a fresh one.
        again = self.start(c, cid, status=200)
        self.assertEqual(again["id"], a["id"])
        # After submitting: right answers and explanations for every question.
        self.answer_all(c, a, answers_for(a, starter_key()))
        r = self.submit(c, a)
        self.assertEqual(r.status, 200, r)
        self.assertTrue(r.json["passed"])
        self.assertEqual(r.json["score_percent"], 100)
        for it in r.json["items"]:
            self.assertTrue(it["is_correct"])
            self.assertTrue(it["explanation"]["ja"])
            self.assertEqual(sorted(it["correct"]), sorted(it["answer"]))

    def test_cannot_submit_twice_or_change_answers_after(self):
        emp = self.srv.create_user("tr_twice")
        c = emp.client
        cid = self.small_course()
        a = self.start(c, cid)
        self.answer_all(c, a, self.small_picks(a, 5))
        r = self.submit(c, a)
        self.assertEqual(r.status, 200, r)
        self.assertProblem(self.submit(c, a), 409, "already_submitted")
        r = c.request("PUT", API + "/training/attempts/%d/answers" % a["id"],
                      {"position": 1, "choices": [1]})
        self.assertProblem(r, 409, "already_submitted")
        # The grade stands as it was.
        got = c.get(API + "/training/attempts/%d" % a["id"]).json
        self.assertEqual((got["score_percent"], got["passed"]), (100, True))
        submits = self.srv.sql("SELECT COUNT(*) FROM audit_events WHERE action = "
                               "'training.attempt.submit' AND object_id = ?", (a["id"],))[0][0]
        self.assertEqual(submits, 1)

    def test_other_people_cannot_see_or_touch_an_attempt(self):
        owner = self.srv.create_user("tr_owner")
        other = self.srv.create_user("tr_other")
        cid = self.small_course()
        a = self.start(owner.client, cid)
        self.assertProblem(other.client.get(API + "/training/attempts/%d" % a["id"]), 404)
        r = other.client.request("PUT", API + "/training/attempts/%d/answers" % a["id"],
                                 {"position": 1, "choices": [1]})
        self.assertProblem(r, 404)
        self.assertProblem(other.client.post(API + "/training/attempts/%d/submit" % a["id"], {}), 404)
        # Bad answers are refused with the field named.
        r = owner.client.request("PUT", API + "/training/attempts/%d/answers" % a["id"],
                                 {"position": 1, "choices": [4]})
        self.assertFieldError(r, "choices", "invalid_choice")
        r = owner.client.request("PUT", API + "/training/attempts/%d/answers" % a["id"],
                                 {"position": 99, "choices": [1]})
        self.assertProblem(r, 404)

    def test_pass_mark_exactly_80_percent_passes(self):
        emp = self.srv.create_user("tr_mark")
        c = emp.client
        cid = self.small_course(n_questions=5, draw=5, pass_percent=80)
        a = self.start(c, cid)
        self.answer_all(c, a, self.small_picks(a, 3))
        r = self.submit(c, a)
        self.assertEqual((r.json["correct_count"], r.json["score_percent"], r.json["passed"]),
                         (3, 60, False))
        # A retake draws again and reshuffles; 4 of 5 is exactly 80% and passes.
        b = self.start(c, cid)
        self.assertNotEqual(a["id"], b["id"])
        self.answer_all(c, b, self.small_picks(b, 4))
        r = self.submit(c, b)
        self.assertEqual((r.json["correct_count"], r.json["score_percent"], r.json["passed"]),
                         (4, 80, True))
        # The certificate exists for the passed attempt only.
        cert = c.get(API + "/training/attempts/%d/certificate" % b["id"])
        self.assertEqual(cert.status, 200, cert)
        self.assertEqual(cert.json["score_percent"], 80)
        self.assertEqual(cert.json["person"]["login"], "tr_mark")
        self.assertProblem(c.get(API + "/training/attempts/%d/certificate" % a["id"]), 404)

    def test_retake_draws_differently_and_respects_the_limit(self):
        emp = self.srv.create_user("tr_retake")
        c = emp.client
        cid = self.small_course(n_questions=12, draw=4, max_attempts=2)
        a = self.start(c, cid)
        self.submit(c, a)
        b = self.start(c, cid)
        first = {it["situation"]["ja"] for it in a["items"]}
        second = {it["situation"]["ja"] for it in b["items"]}
        self.assertEqual(len(second), 4)
        self.assertFalse(first & second, "a retake avoids the questions of the last attempt")
        self.submit(c, b)
        r = c.post(API + "/courses/%d/attempts" % cid, {})
        self.assertProblem(r, 403, "attempt_limit")
        self.assertEqual(c.get(API + "/courses/%d" % cid).json["mine"]["start"], "limit")

    def test_time_limit_is_enforced_by_the_server(self):
        emp = self.srv.create_user("tr_timer")
        c = emp.client
        cid = self.small_course(time_limit_minutes=10)
        a = self.start(c, cid)
        self.assertIsNotNone(a["deadline_at"])
        picks = self.small_picks(a, 5)
        first = min(picks)
        self.answer_all(c, a, {first: picks[first]})
        # The clock runs out (the deadline moves into the past, beyond the grace).
        self.srv.sql("UPDATE training_attempts SET deadline_at = deadline_at - 3600 WHERE id = ?",
                     (a["id"],))
        self.assertProblem(self.submit(c, a), 409, "time_over")
        got = c.get(API + "/training/attempts/%d" % a["id"]).json
        self.assertEqual(got["status"], "expired")
        self.assertEqual(got["correct_count"], 1)  # what was saved in time is graded
        self.assertFalse(got["passed"])
        r = c.request("PUT", API + "/training/attempts/%d/answers" % a["id"],
                      {"position": 2, "choices": [1]})
        self.assertProblem(r, 409, "already_submitted")

    def test_unknown_or_unpublished_courses(self):
        emp = self.srv.create_user("tr_unpub")
        r = self.admin.client.post(API + "/courses", {"title_ja": "下書きだけ"})
        cid = r.json["course"]["id"]
        self.assertProblem(emp.client.get(API + "/courses/%d" % cid), 404)
        self.assertProblem(emp.client.post(API + "/courses/%d/attempts" % cid, {}), 404)
        self.assertNotIn(cid, [x["id"] for x in emp.client.get(API + "/courses").json["items"]])
        self.assertProblem(emp.client.post(API + "/courses/99999/attempts", {}), 404)


class EditingTest(TrainingCase):

    def test_validation_and_conflicts(self):
        admin = self.admin.client
        cid = admin.post(API + "/courses", {"title_ja": "検証用"}).json["course"]["id"]
        base = {"topic": "email", "situation_ja": "状況", "explanation_ja": "解説"}
        r = admin.post(API + "/courses/%d/questions" % cid, dict(base, choices_ja=["一つだけ"],
                                                                 correct=[1]))
        self.assertFieldError(r, "choices_ja", "choice_count")
        r = admin.post(API + "/courses/%d/questions" % cid, dict(base, choices_ja=["a", "b"],
                                                                 correct=[3]))
        self.assertFieldError(r, "correct", "invalid_choice")
        r = admin.post(API + "/courses/%d/questions" % cid, dict(base, choices_ja=["a", "b"],
                                                                 choices_en=["a"], correct=[1]))
        self.assertFieldError(r, "choices_en", "choice_count")
        r = admin.post(API + "/courses/%d/questions" % cid, dict(base, topic="Bad Topic",
                                                                 choices_ja=["a", "b"], correct=[1]))
        self.assertFieldError(r, "topic", "invalid_topic")
        r = admin.post(API + "/courses/%d/questions" % cid, dict(base, choices_ja=["a", "b"],
                                                                 correct=[1, 2]))
        self.assertEqual(r.status, 201, r)
        q = r.json
        # Publishing a quiz that draws more than the pool is refused.
        v = admin.get(API + "/courses/%d/draft" % cid).json["course"]["version"]
        self.assertFieldError(admin.post(API + "/courses/%d/publish" % cid, {"version": v}),
                              "draw_count", "too_few_questions")
        r = admin.patch(API + "/courses/%d" % cid, {"version": v, "draw_count": 1})
        self.assertEqual(r.status, 200, r)
        self.assertProblem(admin.patch(API + "/courses/%d" % cid, {"version": v, "draw_count": 2}),
                           409, "conflict")
        self.assertProblem(admin.patch(API + "/training/questions/%d" % q["id"],
                                       {"version": q["version"] + 5, "topic": "x"}), 409, "conflict")
        r = admin.patch(API + "/training/questions/%d" % q["id"], {"version": q["version"],
                                                                   "correct": [2]})
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json["correct"], [2])

    def test_editing_a_published_course_makes_a_new_version(self):
        admin = self.admin.client
        emp = self.srv.create_user("tr_versions")
        cid = self.small_course(n_questions=3, draw=3)
        first = self.start(emp.client, cid)
        self.assertEqual(first["course_version"], 1)
        self.submit(emp.client, first)
        draft = admin.get(API + "/courses/%d/draft" % cid).json
        self.assertFalse(draft["course"]["has_unpublished_changes"])
        q = draft["questions"][0]
        r = admin.patch(API + "/training/questions/%d" % q["id"],
                        {"version": q["version"], "situation_ja": "書き換えた状況"})
        self.assertEqual(r.status, 200, r)
        r = admin.post(API + "/courses/%d/lessons" % cid, {"title_ja": "追加の章",
                                                           "body_ja": "本文です。"})
        self.assertEqual(r.status, 201, r)
        lesson = r.json
        # An editor working from an older version of the lesson is told, and nothing changes.
        self.assertProblem(admin.patch(API + "/training/lessons/%d" % lesson["id"],
                                       {"version": lesson["version"] + 1, "title_ja": "古い版"}),
                           409, "conflict")
        r = admin.patch(API + "/training/lessons/%d" % lesson["id"],
                        {"version": lesson["version"], "title_ja": "追加の章（改）"})
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json["title"]["ja"], "追加の章（改）")
        draft = admin.get(API + "/courses/%d/draft" % cid).json
        self.assertTrue(draft["course"]["has_unpublished_changes"])
        # People still take version 1 until the change is published.
        shown = emp.client.get(API + "/courses/%d" % cid).json
        self.assertEqual(shown["published_version"], 1)
        self.assertEqual(shown["lessons"], [])
        published = self.publish(cid)
        self.assertEqual([v["number"] for v in published["versions"]], [2, 1])
        second = self.start(emp.client, cid)
        self.assertEqual(second["course_version"], 2)
        self.assertIn("書き換えた状況", [it["situation"]["ja"] for it in second["items"]])
        # The earlier attempt still shows the version and questions it was taken with.
        old = emp.client.get(API + "/training/attempts/%d" % first["id"]).json
        self.assertEqual(old["course_version"], 1)
        self.assertNotIn("書き換えた状況", [it["situation"]["ja"] for it in old["items"]])

    def test_lessons_render_without_markup(self):
        admin = self.admin.client
        cid = self.small_course(n_questions=1, draw=1)
        r = admin.post(API + "/courses/%d/lessons" % cid, {
            "title_ja": "危ない章",
            "body_ja": "# 見出し\n\n<script>alert(1)</script>\n\n[罠](javascript:alert(1)) と "
                       "[正しい](https://example.jp/) **強調**"})
        self.assertEqual(r.status, 201, r)
        self.publish(cid)
        doc = self.admin.client.get(API + "/courses/%d/lessons/1" % cid).json["doc"]
        text = json.dumps(doc)
        self.assertNotIn("<script", text)
        self.assertNotIn("javascript:", text)
        self.assertIn('"href": "https://example.jp/"', text)
        r = admin.post(API + "/training/preview", {"markdown": "<b>x</b> *y*"})
        self.assertNotIn("<b>", json.dumps(r.json))

    def test_employee_cannot_edit(self):
        emp = self.srv.create_user("tr_noedit")
        self.assertProblem(emp.client.post(API + "/courses", {"title_ja": "x"}), 403)
        cid = self.course_id(emp.client)
        self.assertProblem(emp.client.post(API + "/courses/%d/publish" % cid, {"version": 1}), 403)
        self.assertProblem(emp.client.post(API + "/training/assignments",
                                           {"course_id": cid, "targets": ["all"],
                                            "due_date": "2099-01-01"}), 403)

    def test_content_import_updates_by_code(self):
        tmp = tempfile.mkdtemp(prefix="mamori-content-")
        try:
            course = os.path.join(tmp, "starter")
            shutil.copytree(STARTER, course)
            r = self.srv.cli("content", "import", tmp)
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertIn("no change", r.stdout)
            with open(os.path.join(course, "questions.json"), encoding="utf-8") as f:
                qs = json.load(f)
            qs[0]["situation"]["ja"] += "(改訂)"
            with open(os.path.join(course, "questions.json"), "w", encoding="utf-8") as f:
                json.dump(qs, f, ensure_ascii=False)
            r = self.srv.cli("content", "import", course)
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertIn("new version", r.stdout)
            cid = self.course_id(self.admin.client)
            draft = self.admin.client.get(API + "/courses/%d/draft" % cid).json
            self.assertEqual(draft["versions"][0]["number"], 2)
            self.assertEqual(len([c for c in self.admin.client.get(API + "/courses").json["items"]
                                  if c["code"] == "starter"]), 1)
            # A broken file is refused with a sentence and nothing changes.
            with open(os.path.join(course, "questions.json"), "w") as f:
                f.write("[{")
            r = self.srv.cli("content", "import", course)
            self.assertEqual(r.returncode, 1)
            self.assertIn("questions.json", r.stderr)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)


class AssignmentTest(TrainingCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        admin = cls.admin.client
        cls.sales = admin.post(API + "/departments", {"name": "営業部"}).json["id"]
        cls.dev = admin.post(API + "/departments", {"name": "開発部"}).json["id"]

    def test_department_assignment_new_joiners_roster_and_export(self):
        admin = self.admin.client
        mgr = self.srv.create_user("tr_mgr", roles=["manager"], department_id=self.sales)
        s1 = self.srv.create_user("tr_sales1", department_id=self.sales,
                                  employment_type="dispatched")
        d1 = self.srv.create_user("tr_dev1", department_id=self.dev)
        cid = self.course_id(admin)
        r = admin.post(API + "/training/assignments", {
            "course_id": cid, "targets": ["department:%d" % self.sales], "due_date": "2099-03-31",
            "recurrence": "yearly"})
        self.assertFieldError(r, "due_date", "out_of_range")  # yearly: due within a year
        r = admin.post(API + "/training/assignments", {
            "course_id": cid, "targets": ["department:%d" % self.sales], "due_date": "2099-03-31"})
        self.assertEqual(r.status, 201, r)
        self.assertEqual(r.json["assigned"], 2)  # the manager and s1
        # A person who joins the department later gets it too.
        s2 = self.srv.create_user("tr_sales2", department_id=self.sales)
        mine = s2.client.get(API + "/training/me").json["items"]
        self.assertEqual([(i["course_id"], i["status"]) for i in mine], [(cid, "pending")])
        self.assertEqual(d1.client.get(API + "/training/me").json["items"], [])

        # s1 passes; the roster shows the score, the version and the certificate.
        a = self.start(s1.client, cid)
        self.answer_all(s1.client, a, answers_for(a, starter_key()))
        self.assertTrue(self.submit(s1.client, a).json["passed"])
        self.assertEqual(s1.client.get(API + "/training/me").json["items"][0]["status"], "completed")

        # The manager sees their department only, through the team routes.
        self.assertProblem(mgr.client.get(API + "/training/roster"), 403, "forbidden")
        team = mgr.client.get(API + "/training/team/roster?course_id=%d" % cid).json["items"]
        logins = {row["user"]["login"] for row in team}
        self.assertEqual(logins, {"tr_mgr", "tr_sales1", "tr_sales2"})
        done = [row for row in team if row["user"]["login"] == "tr_sales1"][0]
        self.assertEqual((done["status"], done["score_percent"], done["course_version"]),
                         ("completed", 100, 1))
        summary = mgr.client.get(API + "/training/team/roster/summary?course_id=%d" % cid).json
        self.assertEqual([(x["department_name"], x["assigned"], x["completed"])
                          for x in summary["items"]], [("営業部", 3, 1)])
        self.assertEqual(summary["total"]["percent"], 33)
        self.assertProblem(mgr.client.get(API + "/training/team/people/%d" % d1.id), 404)
        hist = mgr.client.get(API + "/training/team/people/%d" % s1.id).json
        self.assertEqual(hist["attempts"][0]["score_percent"], 100)
        # A manager may read the graded attempt of their own staff, not of others.
        self.assertEqual(mgr.client.get(API + "/training/attempts/%d" % a["id"]).status, 200)
        other = self.start(d1.client, cid)
        self.submit(d1.client, other)
        self.assertProblem(mgr.client.get(API + "/training/attempts/%d" % other["id"]), 404)

        # The officer sees every department, filters by status, and exports.
        off = self.srv.create_user("tr_officer", roles=["officer"])
        rows = off.client.get(API + "/training/roster?course_id=%d&status=pending" % cid).json
        self.assertEqual({r["user"]["login"] for r in rows["items"]}, {"tr_mgr", "tr_sales2"})
        r = off.client.get(API + "/training/roster.csv?course_id=%d" % cid)
        self.assertEqual(r.status, 200, r)
        self.assertIn("text/csv", r.headers["Content-Type"])
        self.assertIn("attachment", r.headers["Content-Disposition"])
        text = r.body.decode("utf-8")
        self.assertTrue(text.startswith("\ufeff氏名,"), text[:40])
        line = [l for l in text.splitlines() if "tr_sales1" in l][0]
        self.assertIn("派遣社員", line)
        self.assertIn("完了", line)
        self.assertIn("TR-%06d" % a["id"], line)
        r = off.client.get(API + "/training/roster.csv?course_id=%d&encoding=cp932" % cid)
        self.assertIn("派遣社員", r.body.decode("cp932"))
        r = off.client.get(API + "/training/roster.xlsx?course_id=%d" % cid)
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.body[:2], b"PK")
        r = mgr.client.get(API + "/training/team/roster.csv")
        self.assertNotIn("tr_dev1", r.body.decode("utf-8"))
        exports = self.srv.sql("SELECT COUNT(*) FROM audit_events WHERE action = "
                               "'export.training_roster'")[0][0]
        self.assertGreaterEqual(exports, 4)
        reads = self.srv.sql("SELECT COUNT(*) FROM audit_events WHERE action = "
                             "'training.roster.read'")[0][0]
        self.assertGreaterEqual(reads, 2)
        # Employees see no roster at all.
        self.assertProblem(s1.client.get(API + "/training/roster"), 403)
        self.assertProblem(s1.client.get(API + "/training/team/roster"), 403)

    def test_employment_type_target_overdue_and_withdrawal(self):
        admin = self.admin.client
        p = self.srv.create_user("tr_part", employment_type="part_time")
        cid = self.small_course(n_questions=2, draw=2)
        starts = time.strftime("%Y-%m-%d", time.gmtime(time.time() - 40 * 86400))
        due = time.strftime("%Y-%m-%d", time.gmtime(time.time() - 10 * 86400))
        r = admin.post(API + "/training/assignments", {
            "course_id": cid, "targets": ["employment:part_time"], "starts_on": starts,
            "due_date": due, "recurrence": "yearly"})
        self.assertEqual(r.status, 201, r)
        asg = r.json
        self.assertEqual(asg["overdue"], 1)
        mine = p.client.get(API + "/training/me").json["items"]
        self.assertEqual([(i["status"], i["overdue"]) for i in mine], [("overdue", True)])
        r = admin.post(API + "/training/assignments", {"course_id": cid, "targets": ["role:nobody"],
                                                        "due_date": "2099-01-01"})
        self.assertFieldError(r, "targets", "not_found")
        r = admin.post(API + "/training/assignments", {"course_id": cid, "targets": ["planet:x"],
                                                        "due_date": "2099-01-01"})
        self.assertFieldError(r, "targets", "invalid_target")
        # Withdrawing the assignment takes back the open duty.
        self.assertProblem(admin.patch(API + "/training/assignments/%d" % asg["id"],
                                       {"version": asg["version"] + 1, "active": False}), 409)
        r = admin.patch(API + "/training/assignments/%d" % asg["id"],
                        {"version": asg["version"], "active": False})
        self.assertEqual(r.status, 200, r)
        self.assertEqual(p.client.get(API + "/training/me").json["items"], [])
