// Words for audit actions: our text for known ones, the identifier for the rest (a later
// module's actions still show, just untranslated).
import { currentLocale, i18n } from '../../i18n'

export function actionLabel(action: string): string {
  const k = `auditAction.${action.replace(/\./g, '_')}`
  if (i18n.global.te(k) || i18n.global.te(k, 'ja')) return i18n.global.t(k)
  // A module may word its own actions in its message file: `<area>.auditAction.<action>`
  // (the audit pages load every module's words: messages = '*' in routes.ts).
  const messages = i18n.global.messages.value[currentLocale()] as Record<string, unknown>
  for (const area of Object.keys(messages)) {
    const own = `${area}.auditAction.${action.replace(/\./g, '_')}`
    if (i18n.global.te(own)) return i18n.global.t(own)
  }
  return action
}

/** Known actions, for the filter's suggestions. */
export const KNOWN_ACTIONS = [
  'session.login',
  'session.login_failed',
  'session.logout',
  'password.change',
  'mfa.enable',
  'mfa.disable',
  'user.create',
  'user.update',
  'user.disable',
  'user.enable',
  'user.reset_password',
  'user.import',
  'user.locale',
  'user.locked',
  'department.create',
  'department.update',
  'department.import',
  'role.create',
  'role.update',
  'settings.update',
  'access.denied',
  'export.users',
  'export.audit_events',
]
