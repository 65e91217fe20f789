// Words for permissions and their areas. Unknown ones (added by a later module before its
// translations) show their identifier rather than nothing.
import { i18n, loadMessages, messageAreas } from '../../i18n'

const te = (k: string) => i18n.global.te(k) || i18n.global.te(k, 'ja')

// A module keeps its own words in its message file: `<area>.perm.<name with _>` for a
// permission (e.g. incidents.perm.incidents_report) and `<area>.nav` for the area itself. A
// permission named after another word than its area (soa.read in the registers area) may be
// worded under its catalogue area instead: `registers.perm.soa_read`.
export const permLabel = (name: string, area?: string) => {
  const key = name.replace(/\./g, '_')
  // Shown on another module's page (the approval panel): that module's words load, and the
  // label follows when they arrive.
  const own = name.split('.')[0]
  if (!te(`perm.${key}`) && messageAreas.includes(own)) void loadMessages([own]).catch(() => undefined)
  for (const k of [`perm.${key}`, `${name.split('.')[0]}.perm.${key}`, area ? `${area}.perm.${key}` : '']) {
    if (k && te(k)) return i18n.global.t(k)
  }
  return name
}
export const areaLabel = (area: string) => {
  const k = `area.${area}`
  return te(k) ? i18n.global.t(k) : te(`${area}.nav`) ? i18n.global.t(`${area}.nav`) : area
}
