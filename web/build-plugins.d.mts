// Types of build-plugins.mjs for vite.config.ts.
import type { Plugin } from 'vite'

export function precompress(): Plugin
export function preloadPages(pages: string[]): Plugin
export function sharedMessages(keys: string[]): Plugin
export function vueI18nWholeVue(): Plugin
