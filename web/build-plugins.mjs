// build-plugins.mjs — small Vite plugins for the production build (web/vite.config.ts).
// Plain JavaScript with Node's own modules, so that the app's type check (vue-tsc, browser
// types only) needs no Node typings; build-plugins.d.mts gives vite.config.ts their types.
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { brotliCompressSync, constants, gzipSync } from 'node:zlib'

/**
 * Next to each built text file (where it saves bytes) a .br and a .gz copy: the server sends
 * one of them when the browser's Accept-Encoding allows (src/http/static.c), so a phone on a
 * slow network downloads about a third of the bytes. Node's zlib: no compression package.
 */
export function precompress() {
  const compressible = /\.(js|css|html|svg|json|txt)$/
  let outDir = 'dist'
  const walk = (dir) =>
    readdirSync(dir).flatMap((name) => {
      const path = join(dir, name)
      return statSync(path).isDirectory() ? walk(path) : [path]
    })
  return {
    name: 'mamori-precompress',
    apply: 'build',
    configResolved(config) {
      outDir = config.build.outDir
    },
    closeBundle() {
      for (const path of walk(outDir)) {
        if (!compressible.test(path)) continue
        const data = readFileSync(path)
        if (data.length < 512) continue
        const br = brotliCompressSync(data, {
          params: {
            [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
            [constants.BROTLI_PARAM_SIZE_HINT]: data.length,
          },
        })
        const gz = gzipSync(data, { level: 9 })
        if (br.length < data.length) writeFileSync(path + '.br', br)
        if (gz.length < data.length) writeFileSync(path + '.gz', gz)
      }
    },
  }
}

/**
 * index.html asks for the chunks of `pages` (source paths such as
 * '/src/pages/incidents/IncidentReportPage.vue'), the chunks they import and their styles
 * with the app's first load, so that opening one of those pages later costs no round trip
 * for code.
 */
export function preloadPages(pages) {
  return {
    name: 'mamori-preload-pages',
    apply: 'build',
    transformIndexHtml: {
      order: 'post',
      handler(html, ctx) {
        const bundle = ctx.bundle ?? {}
        const tags = []
        const seen = new Set()
        const link = (attrs) => tags.push({ tag: 'link', attrs, injectTo: 'head' })
        const add = (fileName) => {
          const chunk = bundle[fileName]
          if (!chunk || chunk.type !== 'chunk' || chunk.isEntry || seen.has(fileName)) return
          seen.add(fileName)
          chunk.imports.forEach(add)
          if (html.includes('/' + fileName)) return
          link({ rel: 'modulepreload', crossorigin: '', href: '/' + fileName })
          for (const css of chunk.viteMetadata?.importedCss ?? []) {
            if (seen.has(css)) continue
            seen.add(css)
            link({ rel: 'preload', as: 'style', crossorigin: '', href: '/' + css })
          }
        }
        for (const chunk of Object.values(bundle)) {
          if (chunk.type === 'chunk' && pages.some((p) => chunk.facadeModuleId?.endsWith(p)))
            add(chunk.fileName)
        }
        return tags
      },
    },
  }
}

/**
 * `<message file>.json?shared` is the part of a module's message file (src/i18n/modules/) that
 * every page needs: the keys named `keys`, at any depth (a navigation label may be `nav` or
 * `office.nav`), so that the app's first load carries only those (src/i18n/shared.ts); the
 * rest of the file loads with the pages that use it.
 */
export function sharedMessages(keys) {
  const pick = (obj) => {
    const out = {}
    for (const [k, v] of Object.entries(obj)) {
      if (keys.includes(k)) out[k] = v
      else if (v && typeof v === 'object') {
        const sub = pick(v)
        if (Object.keys(sub).length) out[k] = sub
      }
    }
    return out
  }
  return {
    name: 'mamori-shared-messages',
    enforce: 'pre',
    load(id) {
      const [file, query] = id.split('?')
      if (query !== 'shared' || !file.endsWith('.json')) return null
      this.addWatchFile(file)
      const part = pick(JSON.parse(readFileSync(file, 'utf8')))
      return { code: `export default ${JSON.stringify(part)}\n`, moduleType: 'js' }
    },
  }
}

/**
 * vue-i18n asks `'currentInstance' in Vue` of its `import * as Vue from 'vue'`, and that one
 * `in` keeps every export of Vue in the bundle (SSR, hydration, Transition, KeepAlive…: about
 * 15 kB compressed on a phone's first load; intlify/vue-i18n#2573). Vue 3.5 has no
 * `currentInstance` export, so the probe always ends in `Vue.getCurrentInstance()`: this says
 * so directly. The build stops if vue-i18n's code changes, to be looked at again.
 */
export function vueI18nWholeVue() {
  const probe =
    /const key = 'currentInstance';\s*if \(key in Vue\) \{\s*return Vue\[key\];\s*\}\s*else \{\s*return Vue\.getCurrentInstance\(\);\s*\}/
  return {
    name: 'mamori-vue-i18n-whole-vue',
    apply: 'build',
    transform(code, id) {
      if (!/\/node_modules\/vue-i18n\/dist\/[^/]+\.mjs$/.test(id.split('?')[0])) return null
      if (!probe.test(code)) {
        this.error(`${id}: vue-i18n changed; check whether it still keeps all of Vue (build-plugins.mjs vueI18nWholeVue)`)
      }
      return { code: code.replace(probe, 'return Vue.getCurrentInstance();'), map: null }
    },
  }
}
