/*
 * report_doc.h — the reports an incident sends outside, as documents: the PPC's report items
 * (施行規則第8条第1項: outline, data items, number of people, cause, secondary damage,
 * response to the people, publication, prevention, other), the Privacy Mark review body's
 * report items (JIPDEC's form: organisation, dates, outline, media, data items and count,
 * safeguards, timeline, source, response, publication, secondary damage, prevention), and the
 * notice letter to the people affected. Also the words the server writes for coded values
 * (exports, documents), the same words the screens use.
 *
 * Built from the incident as incident_json() shows it to incidents.manage, so a document holds
 * exactly what the screen holds. A document is JSON: {form, kind, title, lang, items:[{key,
 * heading, value}], text}; `text` lays the items out one after another for pasting into the
 * PPC's web form or the Privacy Mark portal. Instants are written in the organisation's zone
 * (tz_offset), dates with their weekday.
 */
#ifndef MAMORI_INCIDENTS_REPORT_DOC_H
#define MAMORI_INCIDENTS_REPORT_DOC_H

#include <jansson.h>
#include <stdbool.h>

/* Who reports: printed on every document. */
struct doc_org {
	const char *name;         /* the organisation's name (settings) */
	const char *pmark_number; /* Privacy Mark registration number, or "" */
	const char *review_body;  /* the review body's name, or "" */
};

/* The document for report `kind` (ppc_preliminary, ppc_final: the PPC's items;
 * review_body_preliminary, review_body: the review body's) of incident `inc`, made on `today`
 * (YYYY-MM-DD), in `lang` ("ja" or "en": headings and words; what people typed stays as
 * typed). NULL when `kind` is not one of these. */
json_t *incident_document(json_t *inc, const char *kind, const struct doc_org *org,
			  const char *today, const char *lang);

/* The document's items as plain text (caller frees). */
char *incident_document_text(json_t *doc);

/* True when `kind` is a report that is sent as a document (and frozen when marked done). */
bool incident_document_kind(const char *kind);

/* A draft of the notice to the people affected (本人への通知), in Japanese, from the recorded
 * facts: what happened, the data items, the cause, secondary damage, what the people can do
 * (a My Number may be changed at the municipality), and whom to ask. Caller frees. */
char *incident_notice_draft(json_t *inc, const struct doc_org *org, const char *today);

/* The word for coded value `code` of `group` (kind, category, status, severity, report,
 * report_status, reason) in `lang`; `code` itself when unknown. */
const char *incident_word(const char *group, const char *code, const char *lang);

#endif
