// Words for permissions and their areas. Unknown ones (added by a later module before its
// translations) show their identifier rather than nothing.
import { i18n } from '../../i18n'

const te = (k: string) => i18n.global.te(k) || i18n.global.te(k, 'ja')

// A module keeps its own words in its message file: `<area>.perm.<name with _>` for a
// permission (e.g. incidents.perm.incidents_report) and `<area>.nav` for the area itself.
export const permLabel = (name: string) => {
  const k = `perm.${name.replace(/\./g, '_')}`
  const own = `${name.split('.')[0]}.perm.${name.replace(/\./g, '_')}`
  return te(k) ? i18n.global.t(k) : te(own) ? i18n.global.t(own) : name
}
export const areaLabel = (area: string) => {
  const k = `area.${area}`
  return te(k) ? i18n.global.t(k) : te(`${area}.nav`) ? i18n.global.t(`${area}.nav`) : area
}
