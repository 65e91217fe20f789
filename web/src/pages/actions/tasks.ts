// Home-page tasks for action owners: their open corrective actions, soonest due first
// (web/src/tasks.ts lists this provider).
import { api, type Page } from '../../api'
import type { Task, TaskProvider } from '../../tasks'
import type { Action } from './types'

export const actionTasks: TaskProvider = {
  permission: 'actions.work',
  load: async (): Promise<Task[]> => {
    const p = await api.get<Page<Action>>('/actions?mine=1&state=open&limit=100')
    return p.items.map((a) => ({
      key: `action:${a.id}`,
      kindKey: 'actions.task',
      title: a.title,
      to: `/actions/${a.id}`,
      due: a.due_on,
      overdue: a.overdue,
    }))
  },
}
