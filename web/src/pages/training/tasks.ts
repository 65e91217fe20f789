// Home-page tasks: the courses assigned to me that I have not passed yet, overdue ones marked
// (web/src/tasks.ts lists this provider).
import { api } from '../../api'
import type { Task, TaskProvider } from '../../tasks'
import { loc, type Me } from './training'

export const trainingTasks: TaskProvider = {
  permission: 'training.take',
  load: async (): Promise<Task[]> => {
    const me = await api.get<Me>('/training/me')
    return me.items
      .filter((i) => i.status !== 'completed')
      .map((i) => ({
        key: `training:${i.course_id}`,
        kindKey: 'training.taskKind',
        title: loc(i.title),
        to: `/training/courses/${i.course_id}`,
        due: i.due_date,
        overdue: i.overdue,
      }))
  },
}
