/* kinds.c — the retention schedule (保存期間表): every kind of the programme's own records that
 * holds personal data, how long it is kept and how it ends. docs/retention.md gives the
 * sources of each minimum. A module that starts keeping personal data adds its kind here (and
 * its entry to the personal information register, src/modules/pinfo/own.c). */
#include <string.h>

#include "retention.h"

/* The Privacy Mark is renewed every two years, and the renewal review looks at the records of
 * the two years of operation since the last one: records that show the programme at work are
 * kept at least that long. */
#define PMARK_JA                                                                                                                            \
	"法令で決まった保存期間はありません。プライバシーマークの更新審査 (2年ごと) で直近2年の運" \
	"用の記録を確認するため、2年より短くはできません。"
#define PMARK_EN                                                                                   \
	"No law sets a period. The Privacy Mark renewal review (every two years) looks at the "    \
	"last two years of records, so it cannot be shorter than two years."

static const char *const visit_steps[] = {
	"DELETE FROM timeline_events WHERE record_type = 'visit' AND record_id = ?",
	"DELETE FROM visits WHERE id = ?",
	NULL,
};

static const struct retention_kind visits_kind = {
	.kind = "visit",
	.label_ja = "来訪者記録",
	.label_en = "Visitor slips",
	.action = RETENTION_DELETE,
	.default_months = 24,
	.min_months = 24,
	.basis_ja = PMARK_JA,
	.basis_en = PMARK_EN,
	.table = "visits",
	/* From the visit's last time, but never from before the slip was registered: the times
	 * are typed in by people, and one in the distant past must not have the slip purged
	 * early (the API refuses one more than a day before registration; this also covers slips
	 * written before it did). */
	.expired = "FROM visits t WHERE CASE WHEN COALESCE(t.departed_at, t.arrived_at, "
		   "t.expected_arrival_at, t.created_at) > t.created_at THEN "
		   "COALESCE(t.departed_at, t.arrived_at, t.expected_arrival_at) ELSE "
		   "t.created_at END < ?",
	.steps = visit_steps,
};

static const char *const office_log_steps[] = {
	"DELETE FROM office_log WHERE id = ?",
	NULL,
};

static const struct retention_kind office_log_kind = {
	.kind = "office_log",
	.label_ja = "入退室記録 (最初の入室・最終退出)",
	.label_en = "Office open/close log",
	.action = RETENTION_DELETE,
	.default_months = 24,
	.min_months = 24,
	.basis_ja = PMARK_JA,
	.basis_en = PMARK_EN,
	.table = "office_log",
	.expired = "FROM office_log t WHERE t.day < ?",
	.cutoff_is_date = true,
	.steps = office_log_steps,
};

/* The incident stays (title, category, dates, reports made); what was sealed goes: the
 * description, the people's details, the notice letter, comments and the copies as sent. */
static const char *const incident_steps[] = {
	"UPDATE incidents SET description = '', personal_details = NULL, notice_letter = '', "
	"updated_at = ?, version = version + 1 WHERE id = ?",
	"UPDATE timeline_events SET body = NULL WHERE record_type = 'incident' AND record_id = ?",
	"DELETE FROM incident_report_copies WHERE incident_id = ?",
	NULL,
};

static const struct retention_kind incident_details_kind = {
	.kind = "incident_details",
	.label_ja = "事故・ヒヤリハットの詳細 (暗号化して保存した内容)",
	.label_en = "Sealed incident details",
	.action = RETENTION_SEAL,
	.default_months = 60,
	.min_months = 24,
	.basis_ja =
		"法令で決まった保存期間はありません。審査機関への報告とプライバシーマークの更新審"
		"査 (2年ごと) で確認されるため、終了から2年より短くはできません。事故の記録その"
		"もの (件名・分類・日付・報告の記録) は残り、詳細だけを元に戻せない形で消去しま"
		"す。",
	.basis_en = "No law sets a period. Reports to the review body and the Privacy Mark "
		    "renewal review (every two years) look at them, so it cannot be shorter than "
		    "two years after closing. The incident itself (title, category, dates, "
		    "reports made) stays; only its details are destroyed for good.",
	.table = "incidents",
	.expired = "FROM incidents t WHERE t.status IN ('closed', 'rejected', 'duplicate') AND "
		   "COALESCE(t.closed_at, t.updated_at) < ? AND (t.description <> '' OR "
		   "COALESCE(t.personal_details, '') <> '' OR t.notice_letter <> '' OR EXISTS "
		   "(SELECT 1 FROM incident_report_copies c WHERE c.incident_id = t.id) OR EXISTS "
		   "(SELECT 1 FROM timeline_events e WHERE e.record_type = 'incident' AND "
		   "e.record_id = t.id AND e.body IS NOT NULL))",
	.steps = incident_steps,
};

/* The account stays (its id is in the audit trail and in every record it touched); who it was
 * does not. Its sign-in secrets, notices and mails go with it. */
static const char *const account_steps[] = {
	"DELETE FROM password_history WHERE user_id = ?",
	"DELETE FROM recovery_codes WHERE user_id = ?",
	"DELETE FROM sessions WHERE user_id = ?",
	"DELETE FROM mail_outbox WHERE user_id = ?",
	"DELETE FROM notifications WHERE user_id = ?",
	"DELETE FROM notification_prefs WHERE user_id = ?",
	"DELETE FROM signin_failures WHERE login_key = (SELECT login_key FROM users WHERE id = ?)",
	"UPDATE users SET name = '匿名化済み #' || CAST(id AS TEXT), login = '~anon-' || CAST(id "
	"AS TEXT), login_key = '~anon-' || CAST(id AS TEXT), email = NULL, purpose = '', "
	"dispatch_agency = NULL, totp_secret = NULL, totp_pending = NULL, mfa_enabled = 0, "
	"password_hash = '!', updated_at = ?, version = version + 1 WHERE id = ?",
	NULL,
};

static const struct retention_kind ended_accounts_kind = {
	.kind = "ended_account",
	.label_ja = "終了したアカウントの個人情報",
	.label_en = "Ended accounts' personal fields",
	.action = RETENTION_ANONYMISE,
	.default_months = 60,
	.min_months = 36,
	.basis_ja = "労働基準法第109条は労働関係の重要な書類を5年 (当分の間は3年、同法第143条) 保存"
		    "するよう定めています。アカウントの記録がこれに当たる場合に備えて、無効にしてか"
		    "ら3年より短くはできません。氏名・ログインID・メールアドレスなどを匿名化し、ア"
		    "カウントの番号は監査ログと記録のために残します。",
	.basis_en = "The Labour Standards Act (Art. 109) keeps important labour records for five "
		    "years (three for the time being, Art. 143). In case account records count as "
		    "such, it cannot be shorter than three years after the account was disabled. "
		    "Name, login, e-mail and the like are anonymised; the account's number stays "
		    "for the audit trail and the records.",
	.table = "users",
	.expired = "FROM users t WHERE t.status = 'disabled' AND t.updated_at < ? AND t.login NOT "
		   "LIKE '~%'",
	.steps = account_steps,
};

static const char *const training_steps[] = {
	"DELETE FROM training_attempt_items WHERE attempt_id = ?",
	"UPDATE training_duties SET attempt_id = NULL WHERE attempt_id = ?",
	"DELETE FROM training_attempts WHERE id = ?",
	NULL,
};

static const struct retention_kind training_kind = {
	.kind = "training_record",
	.label_ja = "教育の受講記録 (解答・得点)",
	.label_en = "Training records (answers, scores)",
	.action = RETENTION_DELETE,
	.default_months = 60,
	.min_months = 24,
	.basis_ja = PMARK_JA,
	.basis_en = PMARK_EN,
	.table = "training_attempts",
	.expired = "FROM training_attempts t WHERE t.status <> 'open' AND COALESCE(t.submitted_at, "
		   "t.started_at) < ?",
	.steps = training_steps,
};

/* The campaign item (the person's checklist for one cycle) stays, as done; the copy of the
 * answers the workflow engine kept on it (campaign_items.answer, JSON with the comments) goes
 * with its rows, so nothing of what was answered outlives the period. */
static const char *const checklist_steps[] = {
	"UPDATE campaign_items SET answer = NULL WHERE id = (SELECT campaign_item_id FROM "
	"checklist_answers WHERE id = ?)",
	"DELETE FROM checklist_answers WHERE id = ?",
	NULL,
};

/* Three years by default, as docs/retention.md declared it when the checklists module was
 * planned; not under the two years the Privacy Mark renewal looks at. */
static const struct retention_kind checklist_answers_kind = {
	.kind = "checklist_answer",
	.label_ja = "点検の回答",
	.label_en = "Checklist answers",
	.action = RETENTION_DELETE,
	.default_months = 36,
	.min_months = 24,
	.basis_ja = PMARK_JA,
	.basis_en = PMARK_EN,
	.table = "checklist_answers",
	.expired = "FROM checklist_answers t WHERE t.answered_at < ?",
	.steps = checklist_steps,
};

const struct retention_kind *const retention_kinds[] = {
	&visits_kind,
	&office_log_kind,
	&incident_details_kind,
	&ended_accounts_kind,
	&training_kind,
	&checklist_answers_kind,
	NULL,
};

const struct retention_kind *retention_kind_find(const char *kind)
{
	for (const struct retention_kind *const *k = retention_kinds; kind && *k; k++)
		if (!strcmp((*k)->kind, kind))
			return *k;
	return NULL;
}

const char *retention_action_name(enum retention_action a)
{
	switch (a) {
	case RETENTION_SEAL:
		return "seal";
	case RETENTION_ANONYMISE:
		return "anonymise";
	case RETENTION_DELETE:
	default:
		return "delete";
	}
}
