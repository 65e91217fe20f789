/*
 * cli.h — the command line: one file per subcommand, dispatched from main.c.
 *
 * Exit codes: 0 ok, 1 a check failed (e.g. the audit chain is broken), 2 usage or I/O error.
 * Error messages say what to do next.
 */
#ifndef MAMORI_CLI_H
#define MAMORI_CLI_H

#include "../app.h"
#include "../audit/audit.h"

#define EXIT_CHECK 1
#define EXIT_USAGE 2

int cmd_init(int argc, char **argv);
int cmd_serve(int argc, char **argv);
int cmd_migrate(int argc, char **argv);
int cmd_user(int argc, char **argv);
int cmd_backup(int argc, char **argv);
int cmd_restore(int argc, char **argv);
int cmd_check(int argc, char **argv);
int cmd_audit(int argc, char **argv);
int cmd_jobs(int argc, char **argv);
int cmd_routes(int argc, char **argv);
int cmd_import(int argc, char **argv);
int cmd_export(int argc, char **argv);
int cmd_content(int argc, char **argv);

/* What every command that touches the database takes. */
struct cli_args {
	const char *data;     /* --data DIR */
	const char *db;       /* --db URL (or MAMORI_DB) */
	const char *value[8]; /* the command's own options, in the order of `extra` */
};

/* Parses --data, --db, --help and the command's own long options: `extra` lists their names
 * (NULL-terminated, at most 8), a trailing '=' meaning the option takes a value; a flag
 * stores "1". On return optind indexes the first operand. Returns -1 to go on, otherwise the
 * exit code (0 after --help, EXIT_USAGE on a bad option, with `usage` printed). */
int cli_parse(int argc, char **argv, const char *usage, const char *const *extra,
	      struct cli_args *out);
/* Checks --data, opens the app, runs fn(app, db, arg), releases the app. */
int cli_with_db(const struct cli_args *a, const char *cmd,
		int (*fn)(struct app *app, struct db *db, void *arg), void *arg);

/* Opens the app for a data folder (and --db / MAMORI_DB) and migrates. Prints why on error. */
int cli_open(struct app *app, const char *data, const char *db_url, struct db **db);
/* Keys a trail written before the audit chain was keyed (audit_upgrade), saying so. */
int cli_audit_upgrade(struct db *db);
/* The actor for changes made from the command line: "cli:<os user>". */
struct actor cli_actor(void);
/* "--data DIR" is required: prints usage hint and returns EXIT_USAGE when missing. */
int cli_need_data(const char *data, const char *cmd);
/* `mamori init`: the starter checklists and policy documents next to the training content. */
void content_load_starter(struct db *db, const struct actor *who);
/* Runs every module's job once. */
/* Runs every module's short worker once (sending queued mail). */
int cli_run_workers(struct app *app, struct db *db);
int cli_run_jobs(struct app *app, struct db *db);

#endif
