// The one way the app talks to the server: JSON over fetch, same origin, with the session
// cookie and the CSRF token on every unsafe request. Errors arrive as RFC 9457 problem
// details and are thrown as ApiError, so pages only ever handle one kind of failure.
//
// Two answers are handled here for every page, so no page has to: 401 sends the user to
// sign-in, and the 403 "gate" codes (forced password change, MFA enrolment) send the user to
// the page that clears the gate. The handlers are installed by main.ts (see setApiHandlers).

export const API_BASE = '/api/v1'

/** One field's problem, as the server reports it in problem details `errors[]`. */
export interface FieldError {
  field: string
  code: string
  message?: string
}

/** A failed request. `status` 0 means the server could not be reached. */
export class ApiError extends Error {
  status: number
  code: string
  title: string
  detail: string
  errors: FieldError[]
  /** True when a global handler already acted on it (redirect to sign-in or a gate page). */
  handled = false
  /** The problem's other members (e.g. "conflicts"), for pages that show more than words. */
  extra: Record<string, unknown> = {}

  constructor(status: number, code: string, title = '', detail = '', errors: FieldError[] = []) {
    super(detail || title || code)
    this.status = status
    this.code = code
    this.title = title
    this.detail = detail
    this.errors = errors
  }
}

/** Codes of 403 answers that mean "finish this step first", not "not allowed". */
export const GATE_CODES = ['password_change_required', 'mfa_enrollment_required'] as const
export type GateCode = (typeof GATE_CODES)[number]

interface Handlers {
  onUnauthenticated: () => void
  onGate: (code: GateCode) => void
  onActivity: () => void
}

let handlers: Handlers = {
  onUnauthenticated: () => {},
  onGate: () => {},
  onActivity: () => {},
}
let csrfToken = ''
// Changes whenever the signed-in session does (sign-in, sign-out). An answer to a request sent
// under an earlier session (a list still loading when the user signed out) must not act on
// the current one: its 401 or gate code belongs to a session that no longer exists.
let epoch = 0

export function setApiHandlers(h: Handlers): void {
  handlers = h
}

/** Sets the CSRF token of a new session (empty when signed out). */
export function setCsrfToken(token: string): void {
  if (token !== csrfToken) epoch++
  csrfToken = token
}

export interface RequestOptions {
  /** Let the caller handle 401 itself (sign-in form, session probe). */
  own401?: boolean
  /** The request does not show the user is active (public settings, background probes). */
  passive?: boolean
  signal?: AbortSignal
}

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE'])

/**
 * Sends one request and returns the parsed JSON answer (undefined for 204).
 * `body` is sent as JSON when given. Throws ApiError on any failure.
 */
export async function request<T>(
  method: string,
  path: string,
  body?: unknown,
  opts: RequestOptions = {},
): Promise<T> {
  const sentIn = epoch
  const headers: Record<string, string> = { Accept: 'application/json' }
  // A Blob (a chosen file) is sent as it is, with its own type; anything else as JSON.
  const raw = typeof Blob !== 'undefined' && body instanceof Blob
  if (body !== undefined) headers['Content-Type'] = raw ? (body as Blob).type || 'application/octet-stream' : 'application/json'
  if (UNSAFE.has(method) && csrfToken) headers['X-CSRF-Token'] = csrfToken

  let res: Response
  try {
    res = await fetch(API_BASE + path, {
      method,
      headers,
      body: body === undefined ? undefined : raw ? (body as Blob) : JSON.stringify(body),
      credentials: 'same-origin',
      cache: 'no-store',
      signal: opts.signal,
    })
  } catch (e) {
    if ((e as Error).name === 'AbortError') throw e
    throw new ApiError(0, 'network')
  }

  const current = sentIn === epoch
  if (res.ok) {
    if (!opts.passive && current) handlers.onActivity()
    if (res.status === 204) return undefined as T
    const text = await res.text()
    return (text ? JSON.parse(text) : undefined) as T
  }

  const err = await toApiError(res)
  if (!current) {
    err.handled = true // the page that asked is gone with its session
  } else if (err.status === 401 && !opts.own401) {
    err.handled = true
    handlers.onUnauthenticated()
  } else if (err.status === 403 && (GATE_CODES as readonly string[]).includes(err.code)) {
    err.handled = true
    handlers.onGate(err.code as GateCode)
  } else if (!opts.passive && err.status !== 401) {
    // The server saw an authenticated request, so the session's idle clock restarted.
    handlers.onActivity()
  }
  throw err
}

async function toApiError(res: Response): Promise<ApiError> {
  let p: Record<string, unknown> = {}
  try {
    p = (await res.json()) as Record<string, unknown>
  } catch {
    // Not problem+json (a proxy's page, say): keep the status only.
  }
  const code = typeof p.code === 'string' && p.code ? p.code : fallbackCode(res.status)
  const errors = Array.isArray(p.errors)
    ? (p.errors as FieldError[]).filter((e) => e && typeof e.field === 'string')
    : []
  const err = new ApiError(
    res.status,
    code,
    typeof p.title === 'string' ? p.title : '',
    typeof p.detail === 'string' ? p.detail : '',
    errors,
  )
  err.extra = p
  return err
}

function fallbackCode(status: number): string {
  switch (status) {
    case 400: return 'malformed_json'
    case 401: return 'unauthenticated'
    case 403: return 'forbidden'
    case 404: return 'not_found'
    case 409: return 'conflict'
    case 413: return 'too_large'
    case 422: return 'validation'
    default: return status >= 500 ? 'server' : 'unknown'
  }
}

export const api = {
  get: <T>(path: string, opts?: RequestOptions) => request<T>('GET', path, undefined, opts),
  post: <T>(path: string, body?: unknown, opts?: RequestOptions) =>
    request<T>('POST', path, body ?? {}, opts),
  patch: <T>(path: string, body: unknown, opts?: RequestOptions) =>
    request<T>('PATCH', path, body, opts),
  put: <T>(path: string, body: unknown, opts?: RequestOptions) =>
    request<T>('PUT', path, body, opts),
  del: <T>(path: string, body?: unknown, opts?: RequestOptions) =>
    request<T>('DELETE', path, body, opts),
}

/** Builds `?a=1&b=2` from an object, leaving out empty values. */
export function query(params: Record<string, string | number | null | undefined>): string {
  const q = new URLSearchParams()
  for (const [k, v] of Object.entries(params)) {
    if (v !== undefined && v !== null && v !== '') q.set(k, String(v))
  }
  const s = q.toString()
  return s ? '?' + s : ''
}

/** A page of a keyset-paginated list. */
export interface Page<T> {
  items: T[]
  next_cursor: string | null
}
