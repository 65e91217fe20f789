// Keyset pagination for list pages: the server gives `next_cursor`; going back needs the
// cursors of the pages seen, so they are kept in a stack. `reload()` starts again at page 1
// (after a filter changes).

import { reactive } from 'vue'
import type { Page } from './api'
import { problemText } from './forms'

export interface PagedList<T> {
  items: T[]
  loading: boolean
  error: string
  page: number
  hasPrev: boolean
  hasNext: boolean
  reload: () => Promise<void>
  next: () => Promise<void>
  prev: () => Promise<void>
}

export function usePagedList<T>(load: (cursor: string | null) => Promise<Page<T>>): PagedList<T> {
  // cursors[i] is the cursor that fetched page i+1 (null for the first page).
  let cursors: (string | null)[] = [null]
  let nextCursor: string | null = null
  let seq = 0

  const list = reactive({
    items: [] as T[],
    loading: false,
    error: '',
    page: 1,
    hasPrev: false,
    hasNext: false,
    reload: () => go(0, [null]),
    next: () => (nextCursor ? go(cursors.length, [...cursors, nextCursor]) : Promise.resolve()),
    prev: () => (cursors.length > 1 ? go(cursors.length - 2, cursors.slice(0, -1)) : Promise.resolve()),
  }) as PagedList<T>

  async function go(index: number, stack: (string | null)[]) {
    const mine = ++seq
    list.loading = true
    list.error = ''
    try {
      const p = await load(stack[index] ?? null)
      if (mine !== seq) return // a newer request (filter typed meanwhile) wins
      cursors = stack
      nextCursor = p.next_cursor
      list.items = p.items as typeof list.items
      list.page = stack.length
      list.hasPrev = stack.length > 1
      list.hasNext = !!p.next_cursor
    } catch (e) {
      if (mine === seq) list.error = problemText(e)
    } finally {
      if (mine === seq) list.loading = false
    }
  }

  return list
}
