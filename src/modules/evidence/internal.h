/* internal.h — the evidence pack's parts (parts.c) as pack.c writes them. */
#ifndef MAMORI_EVIDENCE_INTERNAL_H
#define MAMORI_EVIDENCE_INTERNAL_H

#include <jansson.h>
#include <stdbool.h>

#include "evidence.h"
#include "../../lib/pdf.h"

/* The pack's machine-readable list of files and figures. */
#define EVIDENCE_MANIFEST "manifest.json"

struct roster_filter;
struct reg_scope;

struct part_ctx {
	struct app *app;
	struct db *db;
	const struct actor *who;
	const char *from, *to;
	const struct reg_scope *scope;      /* the registers' records included */
	const struct roster_filter *roster; /* the roster's filter (NULL: due in the period) */
	bool pdf_only;                      /* a PDF download: no .xlsx, no export events */
};

/* What a part builds: its .xlsx file, how its PDF is drawn, and its figures. */
struct part_out {
	char *xlsx; /* malloc'd */
	size_t xlsx_len;
	void (*draw)(struct pdf *p, json_t *data); /* draws the PDF's body from `data` */
	json_t *data;                              /* owned */
	json_t *figures;                           /* owned: {"rows": n, ...} */
	bool landscape;
	bool available; /* false: the module is not installed (the files say so) */
};

struct part {
	const char *name;  /* file base name: "01-pinfo-register" */
	const char *title; /* 「個人情報管理台帳」 */
	const char *basis; /* the requirements an auditor checks it against */
	int (*build)(const struct part_ctx *c, struct part_out *o);
	/* The permission that reads what it holds through the API, which a pack asked for over
	 * HTTP needs (NULL: nothing that needs one). */
	const char *perm;
};

extern const struct part evidence_parts[];
extern const size_t evidence_part_count;

/* The audit trail's verification: {intact, events, head_seq, head_hash, reason, ...}. NULL on
 * database error. */
json_t *evidence_trail(struct db *db, const char *from, const char *to);

#endif
