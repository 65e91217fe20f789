// The request's fields whose errors the form shows next to them (the rest go to its message).
import { PROTECTIONS } from './types'

export const FORM_FIELDS = ['items', 'purpose', 'destination', 'leave_on', 'return_on', 'repeating', 'checker_id',
  ...PROTECTIONS]
