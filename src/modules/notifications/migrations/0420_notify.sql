-- 0420: notifications — notices per person (in the app), the mail outbox, each person's
-- preferences (which kinds by e-mail, a daily digest instead), and the organisation's mail
-- server (the password sealed like TOTP secrets).

CREATE TABLE notifications (
  id @ID@,
  user_id BIGINT NOT NULL REFERENCES users (id),
  kind TEXT NOT NULL,
  key TEXT NOT NULL,
  title TEXT NOT NULL DEFAULT '',
  link TEXT,
  params TEXT,
  urgent INTEGER NOT NULL DEFAULT 0,
  created_at BIGINT NOT NULL,
  read_at BIGINT
);
CREATE UNIQUE INDEX notifications_key ON notifications (user_id, key);
CREATE INDEX notifications_user ON notifications (user_id, id);
CREATE INDEX notifications_unread ON notifications (user_id, read_at);

-- status: held (waits for the person's digest) → queued → sending → sent, or failed after
-- the last retry; digested when a digest took it up.
CREATE TABLE mail_outbox (
  id @ID@,
  notification_id BIGINT REFERENCES notifications (id),
  user_id BIGINT REFERENCES users (id),
  to_addr TEXT NOT NULL,
  to_name TEXT,
  subject TEXT NOT NULL,
  body TEXT NOT NULL,
  status TEXT NOT NULL DEFAULT 'queued',
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at BIGINT NOT NULL,
  claimed_at BIGINT,
  last_error TEXT,
  created_at BIGINT NOT NULL,
  sent_at BIGINT
);
CREATE INDEX mail_outbox_due ON mail_outbox (status, next_attempt_at);
CREATE INDEX mail_outbox_user ON mail_outbox (user_id, status);

CREATE TABLE notification_prefs (
  user_id BIGINT PRIMARY KEY REFERENCES users (id),
  email_off TEXT NOT NULL DEFAULT '[]',
  digest INTEGER NOT NULL DEFAULT 0,
  digest_at TEXT NOT NULL DEFAULT '08:00',
  last_digest_on TEXT,
  version BIGINT NOT NULL DEFAULT 1
);

CREATE TABLE mail_settings (
  id INTEGER PRIMARY KEY,
  enabled INTEGER NOT NULL DEFAULT 0,
  host TEXT NOT NULL DEFAULT '',
  port INTEGER NOT NULL DEFAULT 587,
  security TEXT NOT NULL DEFAULT 'starttls',
  username TEXT NOT NULL DEFAULT '',
  password TEXT,
  from_addr TEXT NOT NULL DEFAULT '',
  from_name TEXT NOT NULL DEFAULT 'mamori',
  base_url TEXT NOT NULL DEFAULT '',
  due_soon_days INTEGER NOT NULL DEFAULT 2,
  version BIGINT NOT NULL DEFAULT 1
);
INSERT INTO mail_settings (id) VALUES (1);

-- Where the reminders left off (a rolling pass over people), one row.
CREATE TABLE notify_state (
  id INTEGER PRIMARY KEY,
  next_user_id BIGINT NOT NULL DEFAULT 0
);
INSERT INTO notify_state (id) VALUES (1);
