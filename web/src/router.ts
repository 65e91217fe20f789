// Routes, and the one guard that decides where a visitor may go: signed out → sign-in;
// a pending gate (forced password change, MFA enrolment) → that page; a route's permission
// missing → the "not allowed" page. The server enforces all of this too; the guard only
// spares people a page that would refuse them.

import { createRouter, createWebHistory, type RouteRecordRaw } from 'vue-router'
import { can, pendingGate, refreshSession, session, loadPublicSettings } from './session'

declare module 'vue-router' {
  interface RouteMeta {
    /** Reachable without signing in. */
    public?: boolean
    /** Permission the route needs. */
    perm?: string
    /** i18n key of the page title (document.title). */
    title?: string
    /** The page that clears a gate: reachable while that gate is pending. */
    gate?: 'password' | 'mfa'
    /** Shown without the app shell (sign-in and gate pages). */
    bare?: boolean
  }
}

const routes: RouteRecordRaw[] = [
  {
    path: '/signin',
    name: 'signin',
    component: () => import('./pages/auth/SignInPage.vue'),
    meta: { public: true, bare: true, title: 'signin.title' },
  },
  {
    path: '/password',
    name: 'password',
    component: () => import('./pages/auth/ChangePasswordPage.vue'),
    meta: { gate: 'password', title: 'password.title' },
  },
  {
    path: '/mfa/setup',
    name: 'mfa-setup',
    component: () => import('./pages/auth/MfaSetupPage.vue'),
    meta: { gate: 'mfa', title: 'mfa.setupTitle' },
  },
  {
    path: '/',
    name: 'home',
    component: () => import('./pages/home/HomePage.vue'),
    meta: { title: 'home.title' },
  },
  {
    path: '/account',
    name: 'account',
    component: () => import('./pages/account/AccountPage.vue'),
    meta: { title: 'account.title' },
  },
  {
    path: '/people',
    name: 'people',
    component: () => import('./pages/people/UserListPage.vue'),
    meta: { perm: 'users.read', title: 'people.title' },
  },
  {
    path: '/people/new',
    name: 'people-new',
    component: () => import('./pages/people/UserNewPage.vue'),
    meta: { perm: 'users.write', title: 'people.newTitle' },
  },
  {
    path: '/people/:id(\\d+)',
    name: 'person',
    component: () => import('./pages/people/UserDetailPage.vue'),
    meta: { perm: 'users.read', title: 'people.detailTitle' },
    props: true,
  },
  {
    path: '/departments',
    name: 'departments',
    component: () => import('./pages/people/DepartmentsPage.vue'),
    meta: { perm: 'departments.read', title: 'departments.title' },
  },
  {
    path: '/roles',
    name: 'roles',
    component: () => import('./pages/roles/RolesPage.vue'),
    meta: { perm: 'roles.read', title: 'roles.title' },
  },
  {
    path: '/roles/new',
    name: 'role-new',
    component: () => import('./pages/roles/RoleFormPage.vue'),
    meta: { perm: 'roles.write', title: 'roles.newTitle' },
  },
  {
    path: '/roles/:id(\\d+)',
    name: 'role',
    component: () => import('./pages/roles/RoleFormPage.vue'),
    meta: { perm: 'roles.read', title: 'roles.editTitle' },
    props: true,
  },
  {
    path: '/audit',
    name: 'audit',
    component: () => import('./pages/audit/AuditListPage.vue'),
    meta: { perm: 'audit.read', title: 'audit.title' },
  },
  {
    path: '/audit/:seq(\\d+)',
    name: 'audit-event',
    component: () => import('./pages/audit/AuditEventPage.vue'),
    meta: { perm: 'audit.read', title: 'audit.eventTitle' },
    props: true,
  },
  // Training (教育)
  { path: '/training', name: 'training', component: () => import('./pages/training/MyTrainingPage.vue'), meta: { perm: 'training.take', title: 'training.title' } },
  { path: '/training/courses/:id(\\d+)', name: 'training-course', component: () => import('./pages/training/CoursePage.vue'), meta: { perm: 'training.take', title: 'training.course' }, props: true },
  { path: '/training/courses/:id(\\d+)/lessons/:n(\\d+)', name: 'training-lesson', component: () => import('./pages/training/LessonPage.vue'), meta: { perm: 'training.take', title: 'training.lesson' }, props: true },
  { path: '/training/attempts/:id(\\d+)', name: 'training-attempt', component: () => import('./pages/training/AttemptPage.vue'), meta: { perm: 'training.take', title: 'training.quiz' }, props: true },
  { path: '/training/certificates/:id(\\d+)', name: 'training-certificate', component: () => import('./pages/training/CertificatePage.vue'), meta: { perm: 'training.take', title: 'training.certificate.title' }, props: true },
  { path: '/training/manage', name: 'training-manage', component: () => import('./pages/training/ManageCoursesPage.vue'), meta: { perm: 'training.manage', title: 'training.manage.title' } },
  { path: '/training/manage/courses/:id(\\d+)', name: 'training-course-edit', component: () => import('./pages/training/CourseEditPage.vue'), meta: { perm: 'training.manage', title: 'training.manage.edit' }, props: true },
  { path: '/training/assignments', name: 'training-assignments', component: () => import('./pages/training/AssignmentsPage.vue'), meta: { perm: 'training.manage', title: 'training.assign.title' } },
  { path: '/training/roster', name: 'training-roster', component: () => import('./pages/training/RosterPage.vue'), meta: { title: 'training.roster.title' }, beforeEnter: () => can('training.records') || can('training.team') || { name: 'forbidden' } },
  { path: '/training/people/:id(\\d+)', name: 'training-person', component: () => import('./pages/training/PersonRecordsPage.vue'), meta: { title: 'training.roster.person' }, props: true, beforeEnter: () => can('training.records') || can('training.team') || { name: 'forbidden' } },
  {
    path: '/incidents',
    name: 'incidents',
    component: () => import('./pages/incidents/IncidentListPage.vue'),
    meta: { perm: 'incidents.report', title: 'incidents.title' },
  },
  {
    path: '/incidents/new',
    name: 'incident-new',
    component: () => import('./pages/incidents/IncidentReportPage.vue'),
    meta: { perm: 'incidents.report', title: 'incidents.newTitle' },
  },
  {
    path: '/incidents/trends',
    name: 'incident-trends',
    component: () => import('./pages/incidents/IncidentTrendsPage.vue'),
    meta: { perm: 'incidents.report', title: 'incidents.trendsTitle' },
  },
  {
    path: '/incidents/settings',
    name: 'incident-settings',
    component: () => import('./pages/incidents/IncidentSettingsPage.vue'),
    meta: { perm: 'incidents.manage', title: 'incidents.settingsTitle' },
  },
  {
    path: '/incidents/:id(\\d+)',
    name: 'incident',
    component: () => import('./pages/incidents/IncidentDetailPage.vue'),
    meta: { perm: 'incidents.report', title: 'incidents.detailTitle' },
    props: true,
  },
  {
    path: '/incidents/:id(\\d+)/print',
    name: 'incident-print',
    component: () => import('./pages/incidents/IncidentPrintPage.vue'),
    meta: { perm: 'incidents.read', title: 'incidents.printTitle' },
    props: true,
  },
  {
    path: '/actions',
    name: 'actions',
    component: () => import('./pages/actions/ActionListPage.vue'),
    meta: { perm: 'actions.work', title: 'actions.title' },
  },
  {
    path: '/actions/new',
    name: 'action-new',
    component: () => import('./pages/actions/ActionNewPage.vue'),
    meta: { perm: 'actions.write', title: 'actions.newTitle' },
  },
  {
    path: '/actions/:id(\\d+)',
    name: 'action',
    component: () => import('./pages/actions/ActionDetailPage.vue'),
    meta: { perm: 'actions.work', title: 'actions.detailTitle' },
    props: true,
  },
  {
    path: '/settings',
    name: 'settings',
    component: () => import('./pages/settings/SettingsPage.vue'),
    meta: { perm: 'settings.read', title: 'settings.title' },
  },
  {
    path: '/assets',
    name: 'assets',
    component: () => import('./pages/assets/AssetListPage.vue'),
    meta: { perm: 'assets.read', title: 'assets.title' },
  },
  {
    path: '/assets/new',
    name: 'asset-new',
    component: () => import('./pages/assets/AssetPage.vue'),
    meta: { perm: 'assets.write', title: 'assets.newTitle' },
  },
  {
    path: '/assets/import',
    name: 'asset-import',
    component: () => import('./pages/assets/ImportPage.vue'),
    meta: { perm: 'assets.write', title: 'assets.importTitle' },
    props: { register: 'assets' },
  },
  {
    path: '/assets/classifications',
    name: 'asset-classifications',
    component: () => import('./pages/assets/ClassificationsPage.vue'),
    meta: { perm: 'assets.configure', title: 'assets.levels.title' },
  },
  {
    path: '/assets/:id(\\d+)',
    name: 'asset',
    component: () => import('./pages/assets/AssetPage.vue'),
    meta: { perm: 'assets.read', title: 'assets.detailTitle' },
    props: true,
  },
  {
    path: '/pinfo',
    name: 'pinfo',
    component: () => import('./pages/pinfo/PinfoListPage.vue'),
    meta: { perm: 'pinfo.read', title: 'pinfo.title' },
  },
  {
    path: '/pinfo/new',
    name: 'pinfo-new',
    component: () => import('./pages/pinfo/PinfoPage.vue'),
    meta: { perm: 'pinfo.write', title: 'pinfo.newTitle' },
  },
  {
    path: '/pinfo/import',
    name: 'pinfo-import',
    component: () => import('./pages/assets/ImportPage.vue'),
    meta: { perm: 'pinfo.write', title: 'pinfo.importTitle' },
    props: { register: 'pinfo' },
  },
  {
    path: '/pinfo/:id(\\d+)',
    name: 'pinfo-entry',
    component: () => import('./pages/pinfo/PinfoPage.vue'),
    meta: { perm: 'pinfo.read', title: 'pinfo.detailTitle' },
    props: true,
  },
  {
    path: '/risks',
    name: 'risks',
    component: () => import('./pages/risks/RiskListPage.vue'),
    meta: { perm: 'risks.read', title: 'risks.title' },
  },
  {
    path: '/risks/new',
    name: 'risk-new',
    component: () => import('./pages/risks/RiskPage.vue'),
    meta: { perm: 'risks.write', title: 'risks.newTitle' },
  },
  {
    path: '/risks/settings',
    name: 'risk-settings',
    component: () => import('./pages/risks/RiskSettingsPage.vue'),
    meta: { perm: 'risks.read', title: 'risks.settings.title' },
  },
  {
    path: '/risks/:id(\\d+)',
    name: 'risk',
    component: () => import('./pages/risks/RiskPage.vue'),
    meta: { perm: 'risks.read', title: 'risks.detailTitle' },
    props: true,
  },
  {
    path: '/soa',
    name: 'soa',
    component: () => import('./pages/risks/SoaPage.vue'),
    meta: { perm: 'soa.read', title: 'risks.soaTitle' },
  },
  {
    path: '/soa/:id(\\d+)',
    name: 'soa-control',
    component: () => import('./pages/risks/SoaControlPage.vue'),
    meta: { perm: 'soa.read', title: 'risks.soaTitle' },
    props: true,
  },
  {
    path: '/forbidden',
    name: 'forbidden',
    component: () => import('./pages/ForbiddenPage.vue'),
    meta: { title: 'forbidden.title' },
  },
  {
    path: '/:rest(.*)*',
    name: 'not-found',
    component: () => import('./pages/NotFoundPage.vue'),
    meta: { public: true, title: 'notFound.title' },
  },
]

export const router = createRouter({
  history: createWebHistory(),
  routes,
  scrollBehavior: (to, _from, saved) => saved ?? (to.hash ? { el: to.hash } : { top: 0 }),
})

let booted: Promise<void> | null = null

/** First visit: learn the organisation's settings and whether a session exists. */
function boot(): Promise<void> {
  if (!booted) {
    booted = Promise.all([loadPublicSettings(), refreshSession().catch(() => false)]).then(
      () => undefined,
    )
  }
  return booted
}

router.beforeEach(async (to) => {
  await boot()
  const user = session.user
  if (!user) {
    if (to.meta.public) return true
    return { name: 'signin', query: to.fullPath !== '/' ? { next: to.fullPath } : {} }
  }
  if (to.name === 'signin') return { name: 'home' }

  const gate = pendingGate()
  if (gate === 'password' && to.name !== 'password') return { name: 'password' }
  if (gate === 'mfa' && to.name !== 'mfa-setup' && to.name !== 'password') {
    return { name: 'mfa-setup' }
  }
  if (to.meta.perm && !can(to.meta.perm)) return { name: 'forbidden' }
  return true
})
