// The English words loaded when English is chosen (see index.ts): en.json and every module's
// shared part (shared.ts).
import core from './en.json'
import { withShared } from './shared'

export default withShared(
  core,
  import.meta.glob<Record<string, unknown>>('./modules/*.en.json', { eager: true, query: '?shared', import: 'default' }),
)
