// What the request form chooses from: the colleague who checks the return and the
// classification levels (GET /takeouts/choices).
import { ref } from 'vue'
import { api } from '../../api'
import type { Level, Person } from './types'

export function useChoices() {
  const checkers = ref<(Person & { department?: string | null })[]>([])
  const levels = ref<Level[]>([])
  async function load() {
    const c = await api.get<{ checkers: (Person & { department?: string | null })[]; levels: Level[] }>('/takeouts/choices')
    checkers.value = c.checkers
    levels.value = c.levels
  }
  return { checkers, levels, load }
}
