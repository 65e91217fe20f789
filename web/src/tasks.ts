// The home page's "my tasks" panel. Each module that gives people something to do (training
// due, approvals waiting, checklists to answer) adds a provider here; the home page asks every
// provider the user may use and lists what they return, soonest due first.

import { trainingTasks } from './pages/training/tasks'
import { incidentTasks } from './pages/incidents/tasks'
import { actionTasks } from './pages/actions/tasks'
import { assetReviewTasks, pinfoReviewTasks } from './pages/assets/tasks'
import { riskAcceptTasks } from './pages/risks/tasks'

export interface Task {
  /** Stable key, e.g. `training:12`. */
  key: string
  /** i18n key of the task's kind, e.g. `tasks.kind.training`. */
  kindKey: string
  /** What to do, already in the user's words (a course title, a request's subject). */
  title: string
  /** Route to open the task. */
  to: string
  /** Due date YYYY-MM-DD, if any. */
  due?: string | null
  /** Past its due date (the server decides): the home page makes it stand out. */
  overdue?: boolean
}

export interface TaskProvider {
  /** Permission needed to ask this provider (undefined: everyone). */
  permission?: string
  load: () => Promise<Task[]>
}

/** Providers registered by modules. */
export const taskProviders: TaskProvider[] = [
  // Training: the courses assigned to me that I have not passed yet.
  trainingTasks,
  // Incidents: reporting deadlines near or missed, reports waiting for triage (officers).
  incidentTasks,
  // Corrective actions I own that are still open.
  actionTasks,
  // Registers: assets and personal information entries overdue for their yearly review.
  assetReviewTasks,
  pinfoReviewTasks,
  // Risks: the risks I own that wait for my acceptance.
  riskAcceptTasks,
]
