// Shapes and small helpers the training pages share. Texts come from the server in both
// languages ({ja, en}); `loc` shows the UI language, falling back to Japanese when a text has
// no English yet.
import { ApiError } from '../../api'
import { currentLocale, i18n } from '../../i18n'

export interface Loc {
  ja: string
  en: string
}

export function loc(t: Loc | null | undefined): string {
  if (!t) return ''
  return (currentLocale() === 'en' && t.en) || t.ja || t.en || ''
}

/** A topic tag in words when the UI knows it, else the tag itself. */
export function topicLabel(tag: string): string {
  const key = `training.topics.${tag}`
  return i18n.global.te(key) || i18n.global.te(key, 'ja') ? i18n.global.t(key) : tag
}

export interface Course {
  id: number
  code: string | null
  title: Loc
  description: Loc
  draw_count: number
  pass_percent: number
  time_limit_minutes: number
  max_attempts: number
  archived: boolean
  has_unpublished_changes: boolean
  published_version: number | null
  published_at: string | null
  lesson_count: number
  question_count: number
  version: number
}

export interface AttemptSummary {
  id: number
  course_id?: number
  course_title?: Loc
  status: 'open' | 'submitted' | 'expired'
  score_percent: number | null
  passed: boolean | null
  started_at: string
  submitted_at: string | null
  course_version: number
  taken_on?: string
  correct_count?: number | null
  question_count?: number
}

export interface CourseDetail extends Course {
  lessons: { n: number; title: Loc }[]
  mine: {
    attempts: AttemptSummary[]
    open_attempt_id: number | null
    start: 'new' | 'resume' | 'limit' | 'unpublished' | 'archived'
    attempts_this_year: number
    passed_at: string | null
  }
}

export interface Choice {
  n: number
  text: Loc
}

export interface AttemptItem {
  position: number
  topic: string
  situation: Loc
  choices: Choice[]
  answer: number[]
  multiple: boolean
  correct?: number[]
  is_correct?: boolean
  explanation?: Loc
}

export interface Attempt extends AttemptSummary {
  user: { id: number; name: string; login: string }
  course_id: number
  course_title: Loc
  deadline_at: string | null
  question_count: number
  correct_count: number | null
  pass_percent: number
  answered_count: number
  now: string
  items: AttemptItem[]
}

export interface MyItem {
  course_id: number
  title: Loc
  due_date: string
  status: 'pending' | 'overdue' | 'completed'
  overdue: boolean
  completed_at: string | null
  attempt_id: number | null
}

export interface Me {
  items: MyItem[]
  attempts: AttemptSummary[]
  today: string
}

export interface Lesson {
  id: number
  course_id: number
  position: number
  title: Loc
  body: Loc
  version: number
}

export interface Question {
  id: number
  course_id: number
  key: string
  topic: string
  situation: Loc
  choices: { ja: string[]; en: string[] }
  correct: number[]
  explanation: Loc
  version: number
}

export interface CourseVersion {
  id: number
  number: number
  title: Loc
  draw_count: number
  pass_percent: number
  lesson_count: number
  question_count: number
  published_at: string
  published_by: string
}

export interface Draft {
  course: Omit<Course, 'published_version' | 'published_at' | 'lesson_count' | 'question_count'>
  lessons: Lesson[]
  questions: Question[]
  versions: CourseVersion[]
}

export interface Assignment {
  id: number
  course_id: number
  course_title: Loc
  starts_on: string
  due_date: string
  recurrence: 'once' | 'yearly'
  active: boolean
  version: number
  current_cycle: { start: string; due_date: string } | null
  assigned: number
  completed: number
  overdue: number
  targets: { target: string; kind: string; label: string | null }[]
}

export interface RosterRow {
  id: number
  user: {
    id: number
    login: string
    name: string
    department_id: number | null
    department_name: string | null
    employment_type: string
    status: string
  }
  course_id: number
  course_title: Loc
  cycle_start: string
  due_date: string
  status: 'pending' | 'overdue' | 'completed'
  completed_at: string | null
  attempt_id: number | null
  score_percent: number | null
  course_version: number | null
  attempts: number
  best_score: number | null
}

export interface SummaryRow {
  department_id: number | null
  department_name: string | null
  assigned: number
  completed: number
  overdue: number
  percent: number
}

export interface Certificate {
  number: string
  attempt_id: number
  person: { id: number; name: string; login: string; department_name: string | null; employment_type: string }
  course_id: number
  course_title: Loc
  course_version: number
  score_percent: number
  correct_count: number
  question_count: number
  passed_at: string
  taken_on: string
  org_name: string
}

/** Records routes: everyone's (officers, auditors) or the caller's departments (managers). */
export function recordsBase(canAll: boolean): string {
  return canAll ? '/training' : '/training/team'
}

/** A node of a lesson's Markdown tree (see the server's training_markdown). */
export interface MdNode {
  t: string
  v?: string
  c?: MdNode[]
  level?: number
  ordered?: boolean
  start?: number
  href?: string
}

/**
 * Runs a request and, when it fails, puts this module's words on the codes the core message
 * files do not know (choice_count, time_over, …), so forms show them in the UI language.
 */
export async function trCall<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn()
  } catch (e) {
    if (e instanceof ApiError) {
      const te = (k: string) => i18n.global.te(k) || i18n.global.te(k, 'ja')
      for (const fe of e.errors) {
        const k = `training.errors.${fe.code}`
        if (!i18n.global.te(`errors.field.${fe.code}`) && te(k)) fe.message = i18n.global.t(k)
      }
      const k = `training.errors.${e.code}`
      if (te(k)) e.detail = i18n.global.t(k)
    }
    throw e
  }
}
