/*
 * pinfo.h — the personal information register (個人情報管理台帳): the personal information
 * the organisation handles, identified as JIS Q 15001:2023 6.1 (個人情報の特定; A.3.3.1 in
 * the 2017 edition) asks.
 *
 * One entry per body of personal information the organisation handles. The seven columns the
 * standard requires are mandatory: the data items (個人情報の項目), purpose of use (利用目的),
 * storage location (保管場所), storage method (保管方法), who has access (アクセス権を有する者),
 * use-by (利用期限) and retention deadline (保管期限); the two deadlines are words ("契約終了後
 * 5年"), as registers write them. Also kept: owning department, number of people, data
 * subjects, sensitive personal information, My Numbers (特定個人情報: an incident naming the
 * entry takes the fact from it), how it is acquired and whether directly from the
 * person in writing, how the purpose was notified, consent, third-party provision / joint use,
 * the outsourcing contractor, disposal, the information assets it lives in, and the lifecycle
 * risk analysis: for each of the five stages (acquisition/input, transfer/sending,
 * use/processing, storage/backup, deletion/disposal) its risks, the controls against them and
 * the residual risk — exported as one table (リスク分析結果, pinfo_risk_export).
 *
 * What auditors look for, kept as fields: whether the data is 保有個人データ (`retained`: the
 * people may ask to see, correct or stop it), provision to a third party with what APPI
 * Art. 29 asks to be recorded (recipient, when, which items, the consent or basis: required
 * when `tp_provided`), provision to a third party abroad (Art. 28: the country and the
 * information given to the person: required when `abroad`), pseudonymised / anonymised data
 * (`processing`) and My Number (`my_number`, 特定個人情報). Text values are trimmed, so a
 * required column of only spaces is refused.
 *
 * mamori's own personal data (accounts, training records, incident reports…) is registered
 * by `mamori init` and kept by the register's job from one declared list (own.c); such an
 * entry ("own") counts its people live and cannot be deleted.
 *
 * An entry says where personal data lives, so reading one (pinfo_read) is an audit event, as
 * is every page of the list (pinfo_list_audit, with the ids it returned) and every export.
 * Department scope and the yearly review as in registers.h.
 */
#ifndef MAMORI_PINFO_H
#define MAMORI_PINFO_H

#include <jansson.h>

#include "../modules.h"
#include "../registers/registers.h"

extern const struct route_table pinfo_routes;
extern const struct permission pinfo_permissions[];

/* The entry as the API shows it (no audit event: for internal use), or NULL. */
json_t *pinfo_json(struct db *db, const struct reg_scope *scope, int64_t id);
/* The entry for a person to read: appends the "pinfo.read" audit event first. NULL if there is
 * none in scope (check db_errkind for a database error). */
json_t *pinfo_read(struct db *db, const struct actor *who, const struct reg_scope *scope,
		   int64_t id);
/* The register's declaration for the shared steps (create, review, delete). */
extern const struct reg_record pinfo_kind;
enum status pinfo_update(struct db *db, const struct actor *who, const struct reg_scope *scope,
			 int64_t id, json_t *patch, struct ferrors *fe);

struct pinfo_filter {
	const char *q;
	int64_t department_id;
	int sensitive; /* -1 any */
	bool overdue;
};

int pinfo_list(struct db *db, const struct reg_scope *scope, const struct pinfo_filter *f,
	       int64_t cursor, int64_t limit, json_t **items, int64_t *next);
/* A page of the list is a read of every entry on it: appends "pinfo.list" with the ids
 * returned and the filters (q= searches every column, so even an empty page says something). */
int pinfo_list_audit(struct db *db, const struct actor *who, const struct pinfo_filter *f,
		     json_t *items);
enum status pinfo_export(struct db *db, const struct actor *who, const struct reg_scope *scope,
			 const struct pinfo_filter *f, struct reg_export *x);
/* The lifecycle risk analysis (リスク分析結果) as one table: a row per entry and stage
 * (acquisition/input … deletion/disposal) with its risks, controls and residual risk. */
enum status pinfo_risk_export(struct db *db, const struct actor *who, const struct reg_scope *scope,
			      const struct pinfo_filter *f, struct reg_export *x);
enum status pinfo_import(struct db *db, const struct actor *who, const struct reg_scope *scope,
			 const char *data, size_t len, enum csv_encoding enc, bool dry_run,
			 void (*progress)(void *, size_t, size_t), void *progress_arg,
			 struct reg_import_result *res, struct ferrors *fe);

/* --- mamori's own personal data ---------------------------------------------------------------
 *
 * A module that keeps personal data adds one entry to pinfo_own_data[] (own.c): a stable key,
 * the SQL that counts its people, and the entry as the register shows it. */

struct pinfo_own {
	const char *key;       /* stored in pinfo.own_key; never changes */
	const char *count_sql; /* "SELECT COUNT(...) FROM ..." (a literal, no parameters) */
	const char *name, *subjects, *items, *purpose, *acquisition, *storage_location,
		*storage_method, *access, *use_until, *retention_until, *disposal;
	bool sensitive, retained;
	/* The lifecycle analysis: risks, controls, residual risk per stage (acquire, transfer,
	 * use, store, dispose). */
	const char *lc[5][3];
};

extern const struct pinfo_own pinfo_own_data[]; /* ends with { 0 } */
const struct pinfo_own *pinfo_own_find(const char *key);
/* Registers each entry of pinfo_own_data that is not in the register yet (with its
 * pinfo.create event). Returns how many it added, or -1 on a database error. */
int pinfo_register_own(struct db *db, const struct actor *who);
/* The register's background job: keeps mamori's own entries registered. */
int pinfo_job(struct app *app, struct db *db);

/* Per department: how many assets and register entries it has and how many are overdue for
 * their yearly review (for the officer and top management: needs registers.all_departments);
 * records without a department in a last row (department_id null) when there are any. */
json_t *registers_review_status(struct db *db);

#endif
