import { defineConfig } from 'vite'
import vue from '@vitejs/plugin-vue'
import { preloadPages, precompress, sharedMessages, vueI18nWholeVue } from './build-plugins.mjs'

// The app is served by `mamori serve` from the same origin as the API, under a strict CSP
// (default-src 'self'): everything is bundled into files, nothing is inlined at run time.
// Each text file gets a .br and a .gz copy for the server to send (build-plugins.mjs).
export default defineConfig({
  // The incident report form is what people open on a phone, often on a poor connection, and
  // the sign-in page is the first thing a new visitor sees: index.html preloads both.
  plugins: [
    vue(),
    sharedMessages(['nav', 'taskKinds', 'recordTypes']),
    vueI18nWholeVue(),
    preloadPages(['/src/pages/incidents/IncidentReportPage.vue', '/src/pages/auth/SignInPage.vue']),
    precompress(),
  ],
  define: {
    __VUE_OPTIONS_API__: false,
    __VUE_PROD_DEVTOOLS__: false,
    __VUE_PROD_HYDRATION_MISMATCH_DETAILS__: false,
    // Not needed: <i18n-t> and the other components, v-t (the app uses t() and $t()).
    __VUE_I18N_FULL_INSTALL__: false,
    __VUE_I18N_LEGACY_API__: false,
    __INTLIFY_PROD_DEVTOOLS__: false,
    // Without vue-i18n's message compiler: src/i18n/index.ts compiles our plain messages itself.
    __INTLIFY_DROP_MESSAGE_COMPILER__: true,
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
