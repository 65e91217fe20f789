-- 0501: failed sign-ins counted per client address (src/auth/throttle.h). One row per
-- address and login tried (failures in a row, the lock of that login for that address) and
-- one per address with login_key '' (failures in the current window, and the attempts
-- refused since the last coalesced audit event). users.failed_since starts the window of
-- the account's failures from all addresses (users.failed_logins).
CREATE TABLE signin_failures (
  address TEXT NOT NULL,
  login_key TEXT NOT NULL,
  failures BIGINT NOT NULL DEFAULT 0,
  window_start BIGINT NOT NULL DEFAULT 0,
  last_at BIGINT NOT NULL DEFAULT 0,
  locked_until BIGINT NOT NULL DEFAULT 0,
  refused BIGINT NOT NULL DEFAULT 0,
  refused_locked BIGINT NOT NULL DEFAULT 0,
  refused_throttled BIGINT NOT NULL DEFAULT 0,
  refused_since BIGINT NOT NULL DEFAULT 0,
  refused_last BIGINT NOT NULL DEFAULT 0,
  PRIMARY KEY (address, login_key)
);
CREATE INDEX signin_failures_login ON signin_failures (login_key);

ALTER TABLE users ADD COLUMN failed_since BIGINT NOT NULL DEFAULT 0;
