import { defineConfig, type Plugin } from 'vite'
import vue from '@vitejs/plugin-vue'
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { brotliCompressSync, constants, gzipSync } from 'node:zlib'

// Next to each built text file (and only where it saves bytes), a .br and a .gz copy: the
// server sends one of them when the browser's Accept-Encoding allows (src/http/static.c), so
// a phone on a slow network downloads about a third of the bytes. Node's own zlib: no plugin.
function precompress(): Plugin {
  const compressible = /\.(js|css|html|svg|json|txt)$/
  let outDir = 'dist'
  const walk = (dir: string): string[] =>
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

// The app is served by `mamori serve` from the same origin as the API, under a strict CSP
// (default-src 'self'): everything is bundled into files, nothing is inlined at run time.
// The incident report form is what people open on a phone, often on a poor connection: its
// chunk (and the chunks and styles it needs) are fetched with the app's first load, so that
// opening the form later costs no round trip for code. About 3 kB compressed.
const PRELOAD_PAGES = ['/src/pages/incidents/IncidentReportPage.vue']

function preloadPages(): Plugin {
  return {
    name: 'mamori-preload-pages',
    apply: 'build',
    transformIndexHtml: {
      order: 'post',
      handler(html, ctx) {
        const bundle = ctx.bundle ?? {}
        const tags: { tag: string; attrs: Record<string, string>; injectTo: 'head' }[] = []
        const seen = new Set<string>()
        const add = (fileName: string) => {
          const chunk = bundle[fileName]
          if (!chunk || chunk.type !== 'chunk' || seen.has(fileName) || chunk.isEntry) return
          seen.add(fileName)
          chunk.imports.forEach(add)
          if (html.includes('/' + fileName)) return
          tags.push({
            tag: 'link',
            attrs: { rel: 'modulepreload', crossorigin: '', href: '/' + fileName },
            injectTo: 'head',
          })
          for (const css of chunk.viteMetadata?.importedCss ?? []) {
            if (seen.has(css)) continue
            seen.add(css)
            tags.push({
              tag: 'link',
              attrs: { rel: 'preload', as: 'style', crossorigin: '', href: '/' + css },
              injectTo: 'head',
            })
          }
        }
        for (const chunk of Object.values(bundle)) {
          if (chunk.type === 'chunk' && PRELOAD_PAGES.some((p) => chunk.facadeModuleId?.endsWith(p)))
            add(chunk.fileName)
        }
        return tags
      },
    },
  }
}

export default defineConfig({
  plugins: [vue(), preloadPages(), precompress()],
  define: {
    __VUE_OPTIONS_API__: false,
    __VUE_PROD_DEVTOOLS__: false,
    __VUE_PROD_HYDRATION_MISMATCH_DETAILS__: false,
    __VUE_I18N_FULL_INSTALL__: true,
    __VUE_I18N_LEGACY_API__: false,
    __INTLIFY_PROD_DEVTOOLS__: false,
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    sourcemap: false,
  },
  server: {
    proxy: { '/api': 'http://127.0.0.1:8080', '/healthz': 'http://127.0.0.1:8080' },
  },
})
