// Words for permissions and their areas. Unknown ones (added by a later module before its
// translations) show their identifier rather than nothing.
import { i18n } from '../../i18n'

const te = (k: string) => i18n.global.te(k) || i18n.global.te(k, 'ja')

export const permLabel = (name: string) => {
  const k = `perm.${name.replace(/\./g, '_')}`
  return te(k) ? i18n.global.t(k) : name
}
export const areaLabel = (area: string) => {
  const k = `area.${area}`
  return te(k) ? i18n.global.t(k) : area
}
