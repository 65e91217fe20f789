-- 0300: education (教育) — courses with lessons and a pool of case-study questions, the
-- published versions people take, attempts with their drawn questions, assignments to
-- groups of people and each person's duty per cycle. Portable SQL (SQLite and PostgreSQL).

-- The editable course (the draft). Texts are kept in Japanese and English; an empty English
-- text falls back to Japanese. `code` names a course loaded from content/ so that
-- `mamori content import` updates it instead of adding a copy.
CREATE TABLE training_courses (
  id @ID@,
  code TEXT UNIQUE,
  title_ja TEXT NOT NULL,
  title_en TEXT NOT NULL DEFAULT '',
  description_ja TEXT NOT NULL DEFAULT '',
  description_en TEXT NOT NULL DEFAULT '',
  draw_count INTEGER NOT NULL DEFAULT 20,
  pass_percent INTEGER NOT NULL DEFAULT 80,
  time_limit_minutes INTEGER NOT NULL DEFAULT 0,
  max_attempts INTEGER NOT NULL DEFAULT 0,
  archived INTEGER NOT NULL DEFAULT 0,
  draft_dirty INTEGER NOT NULL DEFAULT 1,
  current_version_id BIGINT,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  version BIGINT NOT NULL DEFAULT 1
);

CREATE TABLE training_lessons (
  id @ID@,
  course_id BIGINT NOT NULL REFERENCES training_courses (id),
  position INTEGER NOT NULL,
  title_ja TEXT NOT NULL,
  title_en TEXT NOT NULL DEFAULT '',
  body_ja TEXT NOT NULL DEFAULT '',
  body_en TEXT NOT NULL DEFAULT '',
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  version BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX training_lessons_course ON training_lessons (course_id, position);

-- Choices are JSON arrays of strings; `correct` a JSON array of 1-based choice numbers.
CREATE TABLE training_questions (
  id @ID@,
  course_id BIGINT NOT NULL REFERENCES training_courses (id),
  qkey TEXT NOT NULL,
  topic TEXT NOT NULL,
  situation_ja TEXT NOT NULL,
  situation_en TEXT NOT NULL DEFAULT '',
  choices_ja TEXT NOT NULL,
  choices_en TEXT NOT NULL DEFAULT '[]',
  correct TEXT NOT NULL,
  explanation_ja TEXT NOT NULL,
  explanation_en TEXT NOT NULL DEFAULT '',
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  version BIGINT NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX training_questions_key ON training_questions (course_id, qkey);

-- A published version: the quiz settings and a JSON snapshot of lessons and questions, never
-- changed after publishing, so every record points at exactly what its taker saw.
CREATE TABLE training_course_versions (
  id @ID@,
  course_id BIGINT NOT NULL REFERENCES training_courses (id),
  number INTEGER NOT NULL,
  title_ja TEXT NOT NULL,
  title_en TEXT NOT NULL DEFAULT '',
  draw_count INTEGER NOT NULL,
  pass_percent INTEGER NOT NULL,
  time_limit_minutes INTEGER NOT NULL,
  max_attempts INTEGER NOT NULL,
  lesson_count INTEGER NOT NULL,
  question_count INTEGER NOT NULL,
  content TEXT NOT NULL,
  published_at BIGINT NOT NULL,
  published_by BIGINT,
  published_by_login TEXT NOT NULL DEFAULT ''
);
CREATE UNIQUE INDEX training_course_versions_number ON training_course_versions (course_id, number);

CREATE TABLE training_attempts (
  id @ID@,
  user_id BIGINT NOT NULL REFERENCES users (id),
  course_id BIGINT NOT NULL REFERENCES training_courses (id),
  course_version_id BIGINT NOT NULL REFERENCES training_course_versions (id),
  status TEXT NOT NULL DEFAULT 'open',
  taken_on TEXT NOT NULL,
  started_at BIGINT NOT NULL,
  deadline_at BIGINT,
  submitted_at BIGINT,
  question_count INTEGER NOT NULL,
  correct_count INTEGER,
  score_percent INTEGER,
  passed INTEGER,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  version BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX training_attempts_user ON training_attempts (user_id, course_id, id);
CREATE INDEX training_attempts_course ON training_attempts (course_id, passed);

-- The questions drawn for an attempt: which snapshot question, the order its choices are
-- shown in (comma-separated 0-based indexes into the original choices), the answer given
-- (bit i = shown choice i+1 selected) and, after grading, whether it was right.
CREATE TABLE training_attempt_items (
  attempt_id BIGINT NOT NULL REFERENCES training_attempts (id),
  position INTEGER NOT NULL,
  question_index INTEGER NOT NULL,
  question_id BIGINT NOT NULL,
  choice_order TEXT NOT NULL,
  answer_mask INTEGER,
  correct INTEGER,
  PRIMARY KEY (attempt_id, position)
);

CREATE TABLE training_assignments (
  id @ID@,
  course_id BIGINT NOT NULL REFERENCES training_courses (id),
  starts_on TEXT NOT NULL,
  due_date TEXT NOT NULL,
  recurrence TEXT NOT NULL DEFAULT 'once',
  active INTEGER NOT NULL DEFAULT 1,
  created_by BIGINT,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  version BIGINT NOT NULL DEFAULT 1
);

-- Who an assignment is for: kind 'all', 'department' (ref_id), 'role' (ref_text),
-- 'employment' (ref_text) or 'user' (ref_id). A person matching any target is assigned.
CREATE TABLE training_assignment_targets (
  assignment_id BIGINT NOT NULL REFERENCES training_assignments (id),
  kind TEXT NOT NULL,
  ref_id BIGINT,
  ref_text TEXT
);
CREATE INDEX training_assignment_targets_a ON training_assignment_targets (assignment_id);

-- One person's duty to pass a course in one cycle of an assignment.
CREATE TABLE training_duties (
  id @ID@,
  assignment_id BIGINT NOT NULL REFERENCES training_assignments (id),
  user_id BIGINT NOT NULL REFERENCES users (id),
  course_id BIGINT NOT NULL REFERENCES training_courses (id),
  cycle_start TEXT NOT NULL,
  due_date TEXT NOT NULL,
  completed_at BIGINT,
  attempt_id BIGINT,
  created_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX training_duties_cycle ON training_duties (assignment_id, user_id, cycle_start);
CREATE INDEX training_duties_user ON training_duties (user_id, course_id);
CREATE INDEX training_duties_course ON training_duties (course_id, due_date);

-- Everyone takes training; officers manage it; officers and auditors read every record;
-- managers read their own department's.
INSERT INTO role_permissions (role_id, permission)
  SELECT r.id, 'training.take' FROM roles r
  WHERE r.name IN ('admin', 'officer', 'auditor', 'manager', 'employee', 'executive');
INSERT INTO role_permissions (role_id, permission)
  SELECT r.id, p.permission FROM roles r, (
    SELECT 'training.manage' AS permission UNION ALL SELECT 'training.records'
    UNION ALL SELECT 'training.team') p
  WHERE r.name = 'admin';
INSERT INTO role_permissions (role_id, permission)
  SELECT r.id, p.permission FROM roles r, (
    SELECT 'training.manage' AS permission UNION ALL SELECT 'training.records') p
  WHERE r.name = 'officer';
INSERT INTO role_permissions (role_id, permission)
  SELECT r.id, 'training.records' FROM roles r WHERE r.name = 'auditor';
INSERT INTO role_permissions (role_id, permission)
  SELECT r.id, 'training.team' FROM roles r WHERE r.name = 'manager';
