/*
 * retention.h — how long each kind of record is kept (保存期間), and the purge that ends it.
 *
 * The programme's own records are personal information too (JIS Q 15001): they are kept only
 * as long as the rules say, and their deletion must be provable. Every kind of record that
 * holds personal data is declared once, in kinds.c — the retention schedule (保存期間表):
 * what it is, how long it is kept by default, the shortest period the organisation may set
 * and why (the law or rule behind that minimum, shown beside the setting), and how a record
 * ends — deleted, its sealed details destroyed (the record itself stays), or its personal
 * fields anonymised (accounts: their id stays, so audit events and foreign keys keep
 * pointing at a row).
 *
 * Counting: a record's retention runs from its reference time (a visit's departure, an
 * incident's closing, an account's ending…) for the kind's number of months. The cutoff is
 * today in the organisation's time zone minus those months (the day clamped to the month's
 * length), at 00:00 there: a record is expired when its reference time is before the cutoff,
 * so it is kept at least the full period and purged on the day after it ends (or at the first
 * job run after that).
 *
 * The purge (retention_purge, run by the retention module's job — `mamori jobs run`, or the
 * server's job loop on one node at a time) works in batches: each batch is one transaction
 * that purges up to RETENTION_BATCH records and appends exactly one "retention.purge" audit
 * event with the kind, the count, the ids as ranges, the cutoff and how many expired records
 * were left alone for a hold. A record under a legal hold (訴訟ホールド: retention_holds, one
 * record or every record of a kind) is never touched; holds and purges of one kind take the
 * same lock, so a hold placed while a purge runs is either seen by it or placed after it.
 *
 * Invariants of a declaration: `expired` selects only records the purge still changes (a
 * sealed incident or an anonymised account is not selected again), its one `?` is the cutoff;
 * each step takes the record's id as its last `?` and, when it has two, the purge's time
 * before it; the steps leave no row that refers to a deleted one.
 */
#ifndef MAMORI_RETENTION_H
#define MAMORI_RETENTION_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "../app.h"
#include "../audit/audit.h"
#include "../lib/errors.h"
#include "../store/store.h"

#define RETENTION_MAX_MONTHS  240 /* 20 years */
#define RETENTION_BATCH       500 /* records per purge transaction (and audit event) */
#define RETENTION_MAX_BATCHES 20  /* per kind and run; the rest waits for the next run */

enum retention_action {
	RETENTION_DELETE,    /* the record is deleted */
	RETENTION_SEAL,      /* its sealed details are destroyed; the record stays */
	RETENTION_ANONYMISE, /* its personal fields are replaced; the row stays */
};

struct retention_kind {
	const char *kind; /* stable identifier: settings, holds, audit events */
	const char *label_ja, *label_en;
	enum retention_action action;
	int default_months, min_months;
	/* Why the minimum is what it is (the law or the rule), shown with the setting. */
	const char *basis_ja, *basis_en;
	const char *table; /* the records' table: a hold names one of its ids */
	/* "FROM <table> t WHERE …": the records whose retention ended before the cutoff (the one
	 * `?`) and that the purge still changes. */
	const char *expired;
	bool cutoff_is_date;      /* the cutoff is bound as "YYYY-MM-DD" rather than Unix seconds */
	const char *const *steps; /* NULL-terminated: the statements that purge one record */
};

/* The schedule: every kind the purge runs, NULL-terminated (kinds.c). */
extern const struct retention_kind *const retention_kinds[];

/* The kind named `kind` in the schedule, or NULL. */
const struct retention_kind *retention_kind_find(const char *kind);
const char *retention_action_name(enum retention_action a); /* "delete", "seal", "anonymise" */

/* --- pure rules --------------------------------------------------------------------------- */

/* The cutoff of `months` counted back from `today` (YYYY-MM-DD): the date, and its 00:00 in
 * the organisation's time zone as Unix seconds. -1 if today is not a date. */
int retention_cutoff(const char *today, int months, char date[11], int64_t *instant);
/* Ascending ids as ranges of consecutive ids: [[first, last], …] (a new array). */
json_t *retention_ranges(const int64_t *ids, size_t n);

/* --- settings ----------------------------------------------------------------------------- */

/* The months kind `k` is kept (its setting, else its default) and the setting's version (0
 * when never set). -1 on database error. */
int retention_months(struct db *db, const struct retention_kind *k, int *months, int64_t *version);
/* Sets how long kind `kind` is kept: at least its minimum, at most RETENTION_MAX_MONTHS;
 * `version` is the one the caller saw (0 for a kind never set). One transaction with its
 * "retention.period" audit event. */
enum status retention_set_months(struct db *db, const struct actor *who, const char *kind,
				 int months, int64_t version, struct ferrors *fe);
/* The schedule as the API shows it: every kind with its period, minimum, basis, how many
 * records are expired now (and not held), how many expired ones a hold keeps, and its last
 * purge. NULL on database error. */
json_t *retention_schedule(struct db *db, const char *today);

/* --- holds -------------------------------------------------------------------------------- */

/* Places a hold on record `record_id` of `kind` (0: every record of the kind) with a reason.
 * The record must exist. One transaction with its "retention.hold" audit event. */
enum status retention_hold_place(struct db *db, const struct actor *who, const char *kind,
				 int64_t record_id, const char *reason, int64_t *id,
				 struct ferrors *fe);
/* Lifts hold `id` (stale version: ST_CONFLICT) with a reason; "retention.hold_lift". */
enum status retention_hold_lift(struct db *db, const struct actor *who, int64_t id, int64_t version,
				const char *reason, struct ferrors *fe);
/* One hold as the API shows it, or NULL (none, or database error: see db_errkind). */
json_t *retention_hold_json(struct db *db, int64_t id);
/* The holds, newest first: active ones only, or all; NULL on database error. */
json_t *retention_holds(struct db *db, bool active_only, int64_t cursor, int64_t limit,
			int64_t *next);

/* --- the purge ---------------------------------------------------------------------------- */

struct retention_result {
	int64_t purged;  /* records purged */
	int64_t held;    /* expired records a hold kept */
	int64_t batches; /* purges (audit events) written */
};

/* Purges what of kind `k` has expired on `today` (see above). `who` is the actor of the
 * audit events (the job). -1 on database error (batches already committed stay). */
int retention_purge(struct db *db, const struct actor *who, const struct retention_kind *k,
		    const char *today, struct retention_result *out);

/* Every kind of the schedule, for today (the job). -1 if any failed (the others still ran). */
int retention_run(struct app *app, struct db *db);

#endif
