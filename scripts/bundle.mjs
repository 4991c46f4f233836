// Bundles the `registrar` command into one file, dist/registrar.mjs. Start-up time is a
// goal (spawn to listening under 300 ms): Node resolves and reads hundreds of small module
// files otherwise. Native drivers stay external and load only for their backend.
import { build } from 'esbuild'

await build({
  entryPoints: ['dist/src/cli/main.js'],
  outfile: 'dist/registrar.mjs',
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
