// Words for the access pages' coded values.
import { i18n } from '../../i18n'
import { currentLocale } from '../../i18n'
import type { RoleChoice } from './types'

const t = (k: string, p?: Record<string, unknown>) => (p ? i18n.global.t(k, p) : i18n.global.t(k))

export const kindLabel = (k: string) => t(`access.requests.kind.${k}`)
export const statusLabel = (s: string) => t(`access.requests.status.${s}`)
export const roleChoiceLabel = (r: RoleChoice) => (currentLocale() === 'en' ? r.label_en : r.label_ja) || r.name
export const itemLabel = (k: string) => t(`access.offboarding.item.${k}`)
