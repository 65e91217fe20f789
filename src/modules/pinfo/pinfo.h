/*
 * pinfo.h — the personal information register (個人情報管理台帳, JIS Q 15001 A.3.3.1).
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
 * use/processing, storage/backup, deletion/disposal) its risks and the controls against them.
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
			 const struct pinfo_filter *f, enum reg_format fmt, char **out,
			 size_t *len);
enum status pinfo_import(struct db *db, const struct actor *who, const struct reg_scope *scope,
			 const char *data, size_t len, enum csv_encoding enc, bool dry_run,
			 void (*progress)(void *, size_t, size_t), void *progress_arg,
			 struct reg_import_result *res, struct ferrors *fe);

/* Per department: how many assets and register entries it has and how many are overdue for
 * their yearly review (for the officer and top management: needs registers.all_departments). */
json_t *registers_review_status(struct db *db);

#endif
