// Home-page tasks for the people who keep the registers (web/src/tasks.ts lists these
// providers): information assets and personal information register entries whose yearly review
// is overdue, inside what the user may see (the server scopes managers to their department).
import { api, type Page } from '../../api'
import type { Task, TaskProvider } from '../../tasks'

interface Reviewable {
  id: number
  name: string
  review_due: string
}

/** A provider for register `what` (`assets`, `pinfo`) whose records open at `/<what>/<id>`. */
function overdueReviews(what: 'assets' | 'pinfo', permission: string, kindKey: string): TaskProvider {
  return {
    permission,
    load: async (): Promise<Task[]> => {
      const p = await api.get<Page<Reviewable>>(`/${what}?review=overdue&limit=100`)
      return p.items.map((r) => ({
        key: `${what}-review:${r.id}`,
        kindKey,
        title: r.name,
        to: `/${what}/${r.id}`,
        due: r.review_due,
        overdue: true,
      }))
    },
  }
}

export const assetReviewTasks = overdueReviews('assets', 'assets.write', 'assets.task.review')
export const pinfoReviewTasks = overdueReviews('pinfo', 'pinfo.write', 'pinfo.task.review')
