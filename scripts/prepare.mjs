// npm's `prepare` (after `npm ci` or `npm install` in a checkout, and before `npm pack`):
// builds dist/ unless it is current (build-stamp.mjs). Under `npm ci --omit=dev` the build's
// tools (typescript, esbuild) are not installed: then it says so and stops cleanly, so a
// production install of a checkout that ships a built dist/ still succeeds.
import { createRequire } from 'node:module'
import { buildState, runBuild } from './build-stamp.mjs'

const require = createRequire(import.meta.url)
const missing = ['typescript', 'esbuild'].filter((tool) => {
  try {
    require.resolve(`${tool}/package.json`)
    return false
  } catch {
    return true
  }
})

if (buildState() === 'current') {
  // Nothing to do: dist/ was built from these sources.
} else if (missing.length > 0) {
  process.stderr.write(
    `registrar: not building dist/ (${missing.join(', ')} not installed: a --omit=dev install); run \`npm run build\` with the dev dependencies\n`,
  )
} else {
  process.exitCode = runBuild()
}
