/*
 * devices.h — devices and media (seeds 002 §2(イ)(2), 001 物理的媒体の管理, 004 PC編): the device
 * register (端末管理台帳), loans of devices (貸出) and requests to use removable media
 * (外部記憶媒体の利用申請).
 *
 * The register. A device has a kind (PC, smartphone, tablet, USB memory, external disk, SD
 * card, router, other), a unique asset tag, its holder or "in stock", a status (in use, in
 * stock, on loan, lost, disposed) and the security facts the seeds ask for. The server judges
 * those facts (device_posture): screen lock longer than 10 minutes, antivirus definitions or
 * patches older than the organisation's settings, a portable device without disk encryption,
 * file-sharing (P2P) software present, a loan past its due date. The flags show on the record
 * and make the "needs attention" list. A disposed device keeps its record (method, by whom,
 * when, witness) and is never lent again.
 *
 * Loans. A person asks for a device (a named one or "any PC"), with their duty, a contact and
 * the period; their manager approves through the workflow engine's approvals. A lender hands
 * the device over recording its security state, and the borrower or a lender records its
 * return with the checklist (data erased, virus scan, no unauthorised software, condition).
 * A device is out on at most one loan: of two simultaneous hand-overs exactly one wins (the
 * device is locked, its status checked and changed in the hand-over's transaction, and a
 * partial unique index on lent loans backs that up). Loans past their due date are tasks for
 * the borrower and their manager and flags in the register. The loan ledger (貸出管理台帳) is
 * the list with its filters, exported as CSV or .xlsx.
 *
 * Removable media. Only media in the register may be used. A request names the medium, the
 * purpose, the data and its classification, the period and the protection; the manager
 * approves it, and the privacy officer (media.privacy) too when the data is personal
 * information at the most protected classification level. Approved requests whose period
 * has ended close themselves (devices_job); the requests of a medium are its use history.
 *
 * Who sees what: holders of registers.all_departments, devices.write, loans.lend or
 * media.privacy see everything; anyone else sees their own devices, loans and requests and
 * those of the people they manage (their direct reports and the departments they manage or
 * deputise for). Outside that, a record is "not found".
 */
#ifndef MAMORI_DEVICES_H
#define MAMORI_DEVICES_H

#include <stdbool.h>
#include <stddef.h>

#include "../modules.h"

extern const struct route_table devices_routes;
extern const struct permission devices_permissions[];
extern const struct task_source devices_tasks[];
extern const struct workflow *const devices_workflows[];
extern const struct approval_kind devices_approvals[];

/* Expires approved media requests whose period has ended. */
int devices_job(struct app *app, struct db *db);

/* --- posture (pure rules, posture.c) ------------------------------------------------------- */

#define POSTURE_SCREEN_LOCK  0x01u /* longer than SCREEN_LOCK_MAX_MINUTES, or not recorded */
#define POSTURE_DEFINITIONS  0x02u /* antivirus definitions older than N days, or unknown */
#define POSTURE_PATCHES      0x04u /* last patch older than N days, or unknown */
#define POSTURE_ENCRYPTION   0x08u /* a portable device without disk encryption */
#define POSTURE_P2P          0x10u /* file-sharing (P2P) software present */
#define POSTURE_LOAN_OVERDUE 0x20u /* out on a loan past its due date */

/* Seed 004 (PC編): the screen saver locks within 10 minutes. Exactly 10 is within. */
#define SCREEN_LOCK_MAX_MINUTES 10

/* The organisation's thresholds (device settings). */
struct device_policy {
	int definitions_max_days; /* definitions this many days old are still current */
	int patch_max_days;
};

#define DEFINITIONS_MAX_DAYS_DEFAULT 7
#define PATCH_MAX_DAYS_DEFAULT       30

/* What the rules read of a device. Dates are YYYY-MM-DD or NULL (not recorded). */
struct device_state {
	const char *kind;   /* pc, smartphone, tablet, usb_memory, external_disk, sd_card, ... */
	const char *status; /* in_use, in_stock, on_loan, lost, disposed */
	int screen_lock_minutes; /* -1: not recorded */
	const char *definitions_on, *patched_on;
	bool portable, disk_encrypted, p2p_present;
	const char *loan_due_on; /* due date of the loan it is out on, or NULL */
};

/* The flags of a device on `today` (YYYY-MM-DD, the organisation's day). Lost and disposed
 * devices have none. Screen lock applies to PCs, smartphones and tablets; definitions to
 * PCs; patches to PCs, smartphones, tablets and routers. A date exactly N days old is still
 * current; N + 1 days is not. */
unsigned device_posture(const struct device_state *s, const struct device_policy *p,
			const char *today);

/* The API names of the flags set in `flags`, in a fixed order, into out (at most max);
 * returns how many. */
size_t device_flag_names(unsigned flags, const char **out, size_t max);

/* Kinds: is it removable media (USB memory, external disk, SD card)? Portable by default? */
bool device_kind_is_media(const char *kind);
bool device_kind_portable(const char *kind);

#endif
