// The people pages' routes and navigation entry, collected by router.ts and nav.ts.
import type { RouteRecordRaw } from 'vue-router'
import type { NavEntry } from '../../nav'

export const routes: RouteRecordRaw[] = [
  {
    path: '/people',
    name: 'people',
    component: () => import('./UserListPage.vue'),
    meta: { perm: 'users.read', title: 'people.title' },
  },
  {
    path: '/people/new',
    name: 'people-new',
    component: () => import('./UserNewPage.vue'),
    meta: { perm: 'users.write', title: 'people.newTitle' },
  },
  {
    path: '/people/import',
    name: 'people-import',
    component: () => import('./ImportPage.vue'),
    meta: { perm: 'users.write', title: 'people.importTitle' },
    props: { what: 'people' },
  },
  {
    path: '/departments/import',
    name: 'departments-import',
    component: () => import('./ImportPage.vue'),
    meta: { perm: 'departments.write', title: 'departments.importTitle' },
    props: { what: 'departments' },
  },
  {
    path: '/people/:id(\\d+)',
    name: 'person',
    component: () => import('./UserDetailPage.vue'),
    meta: { perm: 'users.read', title: 'people.detailTitle' },
    props: true,
  },
  {
    path: '/departments',
    name: 'departments',
    component: () => import('./DepartmentsPage.vue'),
    meta: { perm: 'departments.read', title: 'departments.title' },
  },
]

export const nav: NavEntry[] = [
  { order: 30, to: '/people', label: 'nav.people', perm: 'users.read', match: ['people', 'people-new', 'people-import', 'person'] },
  { order: 31, to: '/departments', label: 'nav.departments', perm: 'departments.read', match: ['departments', 'departments-import'] },
]

// The module message files these pages use (web/src/i18n/modules/); the router loads them
// before a page shows.
export const messages = ['setup']
