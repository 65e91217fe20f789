// The areas in the main navigation. Each page folder declares its entries next to its routes
// (pages/<area>/routes.ts: `export const nav`), with an order; this file collects them. An entry
// shows only when the user holds its permission.

import { pageModules } from './router'

export interface NavItem {
  to: string
  /** i18n key of the label. */
  label: string
  perm?: string
  /** Route names that count as "inside" this area (for aria-current). */
  match: string[]
}

/** What a page folder declares: `match` defaults to every route name of that folder. */
export interface NavEntry extends Omit<NavItem, 'match'> {
  order: number
  match?: string[]
}

export const navItems: NavItem[] = pageModules
  .flatMap((m) =>
    (m.nav ?? []).map((e) => ({
      order: e.order,
      item: {
        to: e.to,
        label: e.label,
        perm: e.perm,
        match: e.match ?? m.routes.map((r) => String(r.name)),
      },
    })),
  )
  .sort((a, b) => a.order - b.order)
  .map((e) => e.item)
