import { createApp } from 'vue'
import App from './App.vue'
import { router } from './router'
import { i18n } from './i18n'
import { setApiHandlers } from './api'
import { clearSession, markActivity, markGate, session } from './session'
import './styles/main.css'

setApiHandlers({
  onActivity: markActivity,
  onUnauthenticated() {
    const wasSignedIn = !!session.user
    clearSession()
    const here = router.currentRoute.value
    if (here.meta.public) return
    router.replace({
      name: 'signin',
      query: { ...(here.fullPath !== '/' ? { next: here.fullPath } : {}), ...(wasSignedIn ? { reason: 'expired' } : {}) },
    })
  },
  onGate(code) {
    markGate(code)
    router.replace({ name: code === 'password_change_required' ? 'password' : 'mfa-setup' })
  },
})

document.documentElement.lang = i18n.global.locale.value
createApp(App).use(i18n).use(router).mount('#app')
