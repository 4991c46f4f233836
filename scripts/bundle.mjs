// Bundles the `registrar` command into dist/registrar.mjs and a few chunks. Start-up time
// is a goal (spawn to listening under 300 ms): Node resolves and reads hundreds of small
// module files otherwise. What the code imports lazily stays lazy (a chunk of its own), so
// a database driver loads only for its backend.
import { rmSync } from 'node:fs'
import { build } from 'esbuild'

rmSync('dist/chunks', { recursive: true, force: true })

await build({
  entryPoints: { registrar: 'dist/src/cli/main.js' },
  outdir: 'dist',
  outExtension: { '.js': '.mjs' },
  chunkNames: 'chunks/[name]-[hash]',
  splitting: true,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  external: ['better-sqlite3', 'pg', 'pg-native'],
  // Bundled CommonJS packages call require(); ESM has none of its own.
  banner: {
    js: "import { createRequire as createBundleRequire } from 'node:module'; const require = createBundleRequire(import.meta.url);",
  },
  sourcemap: true,
  logLevel: 'warning',
})
