// The Japanese words the app carries from its first load (see index.ts): ja.json and every
// module's shared part (shared.ts).
import core from './ja.json'
import { withShared } from './shared'

export default withShared(
  core,
  import.meta.glob<Record<string, unknown>>('./modules/*.ja.json', { eager: true, query: '?shared', import: 'default' }),
)
