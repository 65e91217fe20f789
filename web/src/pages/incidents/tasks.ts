// Home-page tasks for officers: reports outside whose deadlines are near or missed, and new
// reports waiting for triage (web/src/tasks.ts lists this provider).
import { api } from '../../api'
import { i18n } from '../../i18n'
import type { Task, TaskProvider } from '../../tasks'
import type { Dashboard } from './types'
import { reportKindLabel } from './labels'

const t = (k: string, p: Record<string, unknown>) => i18n.global.t(k, p)

export const incidentTasks: TaskProvider = {
  permission: 'incidents.manage',
  load: async (): Promise<Task[]> => {
    const d = await api.get<Dashboard>('/incidents/dashboard')
    const deadlines = d.deadlines
      .filter((x) => x.flag === 'soon' || x.flag === 'missed')
      .map((x) => ({
        key: `incident:${x.incident_id}:${x.report}`,
        kindKey: 'incidents.task.report',
        title: t('incidents.task.line', { id: x.incident_id, title: x.title, kind: reportKindLabel(x.report) }),
        to: `/incidents/${x.incident_id}`,
        due: x.due,
        overdue: x.flag === 'missed',
      }))
    const triage = d.awaiting_triage.map((x) => ({
      key: `incident:${x.id}:triage`,
      kindKey: 'incidents.task.triage',
      title: `${t('incidents.number', { id: x.id })} ${x.title}`,
      to: `/incidents/${x.id}`,
      due: null,
    }))
    return [...deadlines, ...triage]
  },
}
