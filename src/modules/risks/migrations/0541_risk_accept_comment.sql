-- 0541: the risk owner's words when accepting a risk (受容の理由): why the residual risk is
-- tolerable. Required with each acceptance and cleared when the acceptance is withdrawn.
ALTER TABLE risks ADD COLUMN accept_comment TEXT;
