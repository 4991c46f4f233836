// Bundles the `registrar` command into dist/registrar.mjs and a few chunks. Start-up time
// is a goal (spawn to listening under 300 ms): Node resolves and reads hundreds of small
// module files otherwise. What the code imports lazily stays lazy (a chunk of its own), so
// a database driver loads only for its backend. The SQLite worker thread's module is an
// entry of its own, beside the chunk that starts it (store/sqlite/worker.ts looks for it
// there).
import { rmSync } from 'node:fs'
import { dirname } from 'node:path'
import { build } from 'esbuild'

rmSync('dist/chunks', { recursive: true, force: true })

const WORKER_STARTER = 'dist/src/store/sqlite/worker.js'

const { metafile } = await build({
  entryPoints: {
    registrar: 'dist/src/cli/main.js',
    'chunks/worker-thread': 'dist/src/store/sqlite/worker-thread.js',
  },
  outdir: 'dist',
  outExtension: { '.js': '.mjs' },
  chunkNames: 'chunks/[name]-[hash]',
  splitting: true,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  // Loaded from node_modules at run time, by Node's own CommonJS interop (named exports).
  external: ['better-sqlite3', 'pg', 'pg-native', 'ioredis'],
  // Bundled CommonJS packages call require(); ESM has none of its own.
  banner: {
    js: "import { createRequire as createBundleRequire } from 'node:module'; const require = createBundleRequire(import.meta.url);",
  },
  sourcemap: true,
  logLevel: 'warning',
  metafile: true,
})

// The store is imported lazily, so the code that starts the worker lands in a chunk; were
// it ever bundled elsewhere, the worker would not start and SQLite would quietly commit on
// the event loop again.
const outputs = Object.entries(metafile.outputs)
const starter = outputs.find(([, output]) => WORKER_STARTER in output.inputs)?.[0]
const thread = outputs.find(([, output]) => output.entryPoint?.endsWith('worker-thread.js'))?.[0]
if (!starter || !thread || dirname(starter) !== dirname(thread)) {
  throw new Error(`${WORKER_STARTER} is bundled into ${starter}, not beside ${thread}`)
}

// Metrics are optional (`--metrics off`): prom-client must load only through the dynamic
// imports of the modules that turn them on, never with anything else a server loads.
const METRICS_MODULES = ['dist/src/http/metrics.js', 'dist/src/cli/store-metrics.js']
const opensMetrics = (path) =>
  METRICS_MODULES.some((module) => module in metafile.outputs[path].inputs)
const loaded = new Set()
const reach = (path) => {
  if (loaded.has(path) || !(path in metafile.outputs)) return
  loaded.add(path)
  for (const { path: imported, kind } of metafile.outputs[path].imports) {
    if (kind === 'import-statement' || (imported in metafile.outputs && !opensMetrics(imported)))
      reach(imported)
  }
}
reach('dist/registrar.mjs')
const eager = [...loaded].find((path) =>
  Object.keys(metafile.outputs[path].inputs).some((input) => input.includes('/prom-client/')),
)
if (eager) throw new Error(`prom-client is bundled into ${eager}, loaded without metrics`)
