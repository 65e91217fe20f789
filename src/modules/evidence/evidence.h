/*
 * evidence.h — the evidence pack (審査用エビデンスパック): in one ZIP, what a Privacy Mark
 * renewal or an ISMS surveillance auditor asks to see for a period — the personal information
 * register with its lifecycle risk analysis, the asset register, the risk assessment and the
 * SoA, the training plan, rosters and test results, the internal audit reports, the management
 * review records, the incident and near-miss list, the corrective actions, the pledges' status
 * and the audit trail's verification with its head hash — each as PDF (A4, Japanese) and as
 * .xlsx, with an index page (00-index.pdf) and a machine-readable manifest.json of the files
 * and their figures.
 *
 * The pack is written part by part to a stream (libarchive, ZIP): one part's files are in
 * memory at a time, never the whole pack. Generating it is an audit event
 * ("evidence_pack.generate", with the period), appended before the first byte is written;
 * the registers' own exports add theirs, as every export does. The audit trail is verified
 * last, so its head covers the pack's own events.
 *
 * GET /api/v1/evidence-pack?from=&to= (evidence.export) and `mamori evidence-pack` share
 * evidence_pack_write(). Over HTTP the caller also needs the read permission of every part
 * (struct part's perm) and registers.all_departments: the pack holds all of it. It runs on
 * the long-work threads, one pack per person at a time (a second gets 429).
 */
#ifndef MAMORI_EVIDENCE_H
#define MAMORI_EVIDENCE_H

#include <jansson.h>
#include <stddef.h>

#include "../modules.h"

extern const struct route_table evidence_routes;
extern const struct permission evidence_permissions[];

/* Receives the ZIP's bytes; returns 0, or -1 to stop. */
typedef int (*evidence_write_fn)(void *arg, const void *data, size_t len);

/* Writes the pack for [from, to] (YYYY-MM-DD, checked by the caller) as `who` to `write`.
 * *manifest (may be NULL) gets the manifest (caller frees). ST_OK, or ST_DB when the database
 * or the stream failed (what was written is then incomplete: callers discard it). */
enum status evidence_pack_write(struct app *app, struct db *db, const struct actor *who,
				const char *from, const char *to, evidence_write_fn write,
				void *arg, json_t **manifest);

/* Checks a pack's period: both dates, from not after to, at most five years. */
void evidence_check_period(const char *from, const char *to, struct ferrors *fe);

#endif
