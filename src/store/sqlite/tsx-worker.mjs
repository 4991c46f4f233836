// Starts worker-thread.ts when Registrar runs from its TypeScript sources (tests, bench):
// Node 20 does not carry tsx's loader (--import tsx) into a worker thread, so the thread
// registers tsx before it loads the module. Built code starts worker-thread.js directly.
import { register } from 'tsx/esm/api'

register()
await import('./worker-thread.ts')
