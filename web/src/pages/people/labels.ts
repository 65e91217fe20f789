// Words for the People area's coded values, shared by its pages.
import { i18n } from '../../i18n'

export const employmentLabel = (v: string) => i18n.global.t(`employment.${v}`)
export const statusLabel = (v: string) => i18n.global.t(`status.${v}`)

/** The editable fields of an account, as the form holds them (strings for inputs). */
export interface UserModel {
  login: string
  name: string
  email: string
  department_id: string
  manager_id: string
  employment_type: string
  /** 派遣元: only for dispatched staff. */
  dispatch_agency: string
  roles: string[]
  purpose: string
  valid_until: string
}
