// The part of every module's messages that the app carries from its first load, whatever the
// page: every key named `nav` (the navigation's labels: `<area>.nav`, `visits.office.nav`),
// and the module's "taskKinds" ({kind: label}) and
// "recordTypes", merged into `tasks.kind` (the home page's list of what waits for you,
// GET /me/tasks) and `tasks.record` (the approvals inbox names what each request is).
// `modules/<area>.<locale>.json?shared` is that part of a file (web/build-plugins.mjs).

type Messages = Record<string, unknown>

export function withShared<T extends Messages>(core: T, files: Record<string, Messages>): T {
  const merged: Messages = { ...core }
  const tasks = (core.tasks as Messages | undefined) ?? {}
  const kinds: Messages = { ...(tasks.kind as Messages | undefined) }
  const records: Messages = {}
  for (const [path, part] of Object.entries(files)) {
    const area = /\/modules\/([a-z_]+)\.(?:ja|en)\.json/.exec(path)?.[1]
    if (!area) continue
    merged[area] = part
    Object.assign(kinds, part.taskKinds as Messages | undefined)
    Object.assign(records, part.recordTypes as Messages | undefined)
  }
  merged.tasks = { ...tasks, kind: kinds, record: records }
  return merged as T
}
