/** The version of the installed package, for `registrar --version` and the OpenAPI document. */
import { createRequire } from 'node:module'

/** The version in package.json, found by the package's own name (bundled or not). */
export function packageVersion(): string | undefined {
  try {
    return (createRequire(import.meta.url)('registrar/package.json') as { version?: string })
      .version
  } catch {
    return undefined
  }
}
