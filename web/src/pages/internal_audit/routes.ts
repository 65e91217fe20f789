// The internal audit's pages and navigation entries, collected by router.ts and nav.ts.
import type { RouteRecordRaw } from 'vue-router'
import type { NavEntry } from '../../nav'

export const routes: RouteRecordRaw[] = [
  {
    path: '/audits',
    name: 'internal-audits',
    component: () => import('./AuditListPage.vue'),
    meta: { perm: 'internal_audit.read', title: 'internal_audit.title' },
  },
  {
    path: '/audits/new',
    name: 'internal-audit-new',
    component: () => import('./AuditNewPage.vue'),
    meta: { perm: 'internal_audit.manage', title: 'internal_audit.newTitle' },
  },
  {
    path: '/audits/:id(\\d+)',
    name: 'internal-audit',
    component: () => import('./AuditPage.vue'),
    meta: { perm: 'internal_audit.read', title: 'internal_audit.detailTitle' },
    props: true,
  },
  {
    path: '/audits/:id(\\d+)/report',
    name: 'internal-audit-report',
    component: () => import('./AuditReportPage.vue'),
    meta: { perm: 'internal_audit.read', title: 'internal_audit.report.title' },
    props: true,
  },
  {
    path: '/audit-findings',
    name: 'audit-findings',
    component: () => import('./FindingsPage.vue'),
    meta: { perm: 'internal_audit.respond', title: 'internal_audit.findings.myTitle' },
  },
  {
    path: '/audit-findings/:id(\\d+)',
    name: 'audit-finding',
    component: () => import('./FindingPage.vue'),
    meta: { perm: 'internal_audit.respond', title: 'internal_audit.findings.detailTitle' },
    props: true,
  },
]

export const nav: NavEntry[] = [
  { order: 64, to: '/audits', label: 'internal_audit.nav', perm: 'internal_audit.read',
    match: ['internal-audits', 'internal-audit-new', 'internal-audit', 'internal-audit-report'] },
  { order: 65, to: '/audit-findings', label: 'internal_audit.findings.nav', perm: 'internal_audit.respond',
    match: ['audit-findings', 'audit-finding'] },
]

// The module message files these pages use (web/src/i18n/modules/); the router loads them
// before a page shows.
export const messages = ['actions', 'internal_audit', 'workflow']
