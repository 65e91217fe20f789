// The training pages' routes and navigation entry, collected by router.ts and nav.ts.
import type { RouteRecordRaw } from 'vue-router'
import type { NavEntry } from '../../nav'
import { can } from '../../session'

export const routes: RouteRecordRaw[] = [
  { path: '/training', name: 'training', component: () => import('./MyTrainingPage.vue'), meta: { perm: 'training.take', title: 'training.title' } },
  { path: '/training/courses/:id(\\d+)', name: 'training-course', component: () => import('./CoursePage.vue'), meta: { perm: 'training.take', title: 'training.course' }, props: true },
  { path: '/training/courses/:id(\\d+)/lessons/:n(\\d+)', name: 'training-lesson', component: () => import('./LessonPage.vue'), meta: { perm: 'training.take', title: 'training.lesson' }, props: true },
  { path: '/training/attempts/:id(\\d+)', name: 'training-attempt', component: () => import('./AttemptPage.vue'), meta: { perm: 'training.take', title: 'training.quiz' }, props: true },
  { path: '/training/certificates/:id(\\d+)', name: 'training-certificate', component: () => import('./CertificatePage.vue'), meta: { perm: 'training.take', title: 'training.certificate.title' }, props: true },
  { path: '/training/manage', name: 'training-manage', component: () => import('./ManageCoursesPage.vue'), meta: { perm: 'training.manage', title: 'training.manage.title' } },
  { path: '/training/manage/courses/:id(\\d+)', name: 'training-course-edit', component: () => import('./CourseEditPage.vue'), meta: { perm: 'training.manage', title: 'training.manage.edit' }, props: true },
  { path: '/training/assignments', name: 'training-assignments', component: () => import('./AssignmentsPage.vue'), meta: { perm: 'training.manage', title: 'training.assign.title' } },
  { path: '/training/roster', name: 'training-roster', component: () => import('./RosterPage.vue'), meta: { title: 'training.roster.title' }, beforeEnter: () => can('training.records') || can('training.team') || { name: 'forbidden' } },
  { path: '/training/people/:id(\\d+)', name: 'training-person', component: () => import('./PersonRecordsPage.vue'), meta: { title: 'training.roster.person' }, props: true, beforeEnter: () => can('training.records') || can('training.team') || { name: 'forbidden' } },
]

export const nav: NavEntry[] = [
  { order: 70, to: '/training', label: 'training.nav', perm: 'training.take' },
]

// The module message files these pages use (web/src/i18n/modules/); the router loads them
// before a page shows.
export const messages = ['training']
