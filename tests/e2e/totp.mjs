// TOTP (RFC 6238: HMAC-SHA1, 6 digits, 30 s) from a base32 secret, as an authenticator app
// computes it — so a journey can enrol and sign in with MFA like a person would.
import { createHmac } from 'node:crypto'

export function base32Decode(s) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'
  const clean = s.toUpperCase().replace(/[^A-Z2-7]/g, '')
  let bits = 0
  let value = 0
  const out = []
  for (const ch of clean) {
    value = (value << 5) | alphabet.indexOf(ch)
    bits += 5
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 0xff)
      bits -= 8
    }
  }
  return Buffer.from(out)
}

/** The code for time `t` (ms since the epoch), shifted by `step` periods. */
export function totp(secret, t = Date.now(), step = 0) {
  const counter = Math.floor(t / 1000 / 30) + step
  const msg = Buffer.alloc(8)
  msg.writeBigUInt64BE(BigInt(counter))
  const h = createHmac('sha1', base32Decode(secret)).update(msg).digest()
  const off = h[h.length - 1] & 0x0f
  const bin = ((h[off] & 0x7f) << 24) | (h[off + 1] << 16) | (h[off + 2] << 8) | h[off + 3]
  return String(bin % 1_000_000).padStart(6, '0')
}

/**
 * A code the server has not seen yet for this secret. Servers accept a code once (no replay)
 * and allow one step of clock drift either way, so after a code of this 30 s window was used,
 * the next window's code is still accepted; beyond that, wait for the clock.
 */
const lastCounter = new Map()
export async function freshTotp(secret) {
  for (;;) {
    const current = Math.floor(Date.now() / 30000)
    const counter = Math.max(current, (lastCounter.get(secret) ?? -Infinity) + 1)
    if (counter <= current + 1) {
      lastCounter.set(secret, counter)
      return totp(secret, counter * 30000)
    }
    await new Promise((r) => setTimeout(r, 30000 - (Date.now() % 30000) + 250))
  }
}
