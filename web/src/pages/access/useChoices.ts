// What the request form chooses from: people (to change, as manager), departments, roles.
import { ref } from 'vue'
import { api } from '../../api'
import { loadDepartments, loadPeopleChoices } from '../../lookups'
import { can } from '../../session'
import type { Department, User } from '../../types'
import type { RoleChoice } from './types'

export function useChoices() {
  const people = ref<User[]>([])
  const departments = ref<Department[]>([])
  const roles = ref<RoleChoice[]>([])
  async function load() {
    const [p, d, r] = await Promise.all([
      can('users.read') ? loadPeopleChoices().catch(() => []) : Promise.resolve([]),
      can('departments.read') ? loadDepartments().catch(() => []) : Promise.resolve([]),
      api.get<{ roles: RoleChoice[] }>('/account-requests/choices').then((x) => x.roles).catch(() => []),
    ])
    people.value = p
    departments.value = d
    roles.value = r
  }
  return { people, departments, roles, load }
}
