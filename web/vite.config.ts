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
export default defineConfig({
  plugins: [vue(), precompress()],
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
