// A short success message shown where the user is looking — a fixed strip at the top of the
// window — whatever part of a long form they saved from. The form's own message near its button
// stays too; this one only makes sure the success is seen. One message at a time.

import { reactive } from 'vue'

const state = reactive({ text: '', seq: 0 })
let timer: number | undefined

export const toast = state

/** Shows `text` for a few seconds (a newer message replaces it). */
export function notify(text: string): void {
  state.text = text
  state.seq++
  window.clearTimeout(timer)
  timer = window.setTimeout(() => (state.text = ''), 5000)
}

export function dismiss(): void {
  window.clearTimeout(timer)
  state.text = ''
}
