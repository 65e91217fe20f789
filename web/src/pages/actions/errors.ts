// Words for the error codes this area's server rules use (beyond the core's field codes):
// a failed request's field errors and problem detail are put in the UI language before the
// form shows them. Codes without words here keep the server's sentence.
import { ApiError } from '../../api'
import { i18n } from '../../i18n'

const known = (k: string) => i18n.global.te(k) || i18n.global.te(k, 'ja')

/** Runs `p`; if it fails with problem details, words them from `<area>.errors.<code>`. */
export async function inWords<T>(area: string, p: Promise<T>): Promise<T> {
  try {
    return await p
  } catch (e) {
    if (e instanceof ApiError) {
      for (const fe of e.errors) {
        const k = `${area}.errors.${fe.code}`
        if (known(k)) fe.message = i18n.global.t(k)
      }
      const k = `${area}.errors.${e.code}`
      if (known(k)) e.detail = i18n.global.t(k)
    }
    throw e
  }
}
