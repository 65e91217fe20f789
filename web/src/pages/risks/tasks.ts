// Home-page tasks for risk owners (web/src/tasks.ts lists this provider): the risks they own
// that wait for their acceptance of the residual risk.
import { api, type Page } from '../../api'
import { session } from '../../session'
import type { Task, TaskProvider } from '../../tasks'
import type { Risk } from './risks'

export const riskAcceptTasks: TaskProvider = {
  permission: 'risks.read',
  load: async (): Promise<Task[]> => {
    const me = session.user?.id
    if (!me) return []
    const p = await api.get<Page<Risk>>(`/risks?owner_id=${me}&accepted=no&limit=100`)
    return p.items.map((r) => ({
      key: `risk-accept:${r.id}`,
      kindKey: 'risks.task.accept',
      title: r.target_name ? `${r.threat} (${r.target_name})` : r.threat,
      to: `/risks/${r.id}`,
      due: r.review_on,
    }))
  },
}
