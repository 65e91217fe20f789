/*
 * reports.h — mamori's printable documents as PDF downloads (lib/pdf.h), the same way for
 * every module: the organisation's name under the title, the moment it was made in each
 * footer, and the download recorded in the audit trail like every export.
 *
 * Besides the documents of the internal audit and the management review, this part serves
 * the PDFs of records that already have a screen and an Excel export: the incident report, the
 * training roster and the registers (assets, personal information, risks, SoA).
 */
#ifndef MAMORI_REPORTS_H
#define MAMORI_REPORTS_H

#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>

#include "../../http/http.h"
#include "../../lib/pdf.h"

/* The organisation's name (settings) into `out` (n bytes); "" when unset or unreadable. */
void report_org_name(struct app *app, struct db *db, char *out, size_t n);
/* "作成 YYYY-MM-DD HH:MM" in the organisation's time zone, into out. */
void report_made_at(char out[40]);

/* Builds a PDF with draw(p, arg) and answers it as the download `filename`, after appending
 * the export's audit event `action` on (object_type, object_id). The subtitle is the
 * organisation's name, followed by `subtitle` when given. Returns 0 with the answer set, or -1
 * (nothing sent). */
int reply_pdf(struct req *req, const char *title, const char *subtitle, bool landscape,
	      void (*draw)(struct pdf *p, void *arg), void *arg, const char *filename,
	      const char *action, const char *object_type, int64_t object_id);

/* A document of headed items ({title, items: [{heading, value}]}, as the incidents' report
 * documents are) drawn item by item: each heading, then its text. */
void report_document_pdf(struct pdf *p, json_t *doc);

#endif
