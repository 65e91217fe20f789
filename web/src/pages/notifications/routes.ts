// Notifications: each person's notices and preferences; the organisation's mail server.
import type { RouteRecordRaw } from 'vue-router'
import type { NavEntry } from '../../nav'

export const routes: RouteRecordRaw[] = [
  {
    path: '/notifications',
    name: 'notifications',
    component: () => import('./NotificationsPage.vue'),
    meta: { title: 'notifications.title' },
  },
  {
    path: '/settings/mail',
    name: 'mail-settings',
    component: () => import('./MailSettingsPage.vue'),
    meta: { perm: 'settings.read', title: 'notifications.mail.title' },
  },
]

export const nav: NavEntry[] = [{ order: 91, to: '/settings/mail', label: 'notifications.mail.nav', perm: 'settings.read', match: ['mail-settings'] }]

// The module message files these pages use (web/src/i18n/modules/); the router loads them
// before a page shows.
export const messages = ['notifications']
