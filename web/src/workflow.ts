// Shapes the workflow engine gives every record (src/workflow/workflow.h): the moves the
// signed-in person may make now, and the record's timeline.

/** One allowed transition (`allowed_transitions`): plain states are accepted too. */
export interface Move {
  to: string
  group?: string | null
  comment_required?: boolean
}

export interface TimelineEntry {
  at: string
  actor: { id: number; name?: string } | null
  kind: string
  from_status?: string | null
  to_status?: string | null
  body?: string | null
  note?: string | null
  internal?: boolean
  data?: Record<string, unknown>
}
