-- 0630: sessions of two kinds. 'user' is a person signed in; 'kiosk' is a reception tablet
-- (受付端末) started by an officer, where visitors fill in their own visitor slip and can read
-- nothing (src/auth/session.h). A kiosk session keeps the officer who started it in user_id
-- (it ends with their account or a change of their roles) and its own idle limit in
-- idle_limit_s (NULL: the user's, from their roles).
ALTER TABLE sessions ADD COLUMN kind TEXT NOT NULL DEFAULT 'user';
ALTER TABLE sessions ADD COLUMN idle_limit_s BIGINT;
