/**
 * The contenders and the load worker run as plain `node file.js`, so that a contender's
 * cold start is node's and its own, never a TypeScript loader's. This strips their types
 * with the compiler's transpileModule (no type check: `npm run typecheck` does that) into
 * a git-ignored folder, keeping the layout so relative imports still resolve, and bare
 * imports resolve from the repository's node_modules.
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname, join, relative } from 'node:path'
import ts from 'typescript'

/** Transpiles every .ts under `from` (but `skip`) into `to`; returns `to`. */
export function transpileTree(from: string, to: string, skip: (path: string) => boolean): string {
  for (const path of listTypeScript(from)) {
    if (skip(path)) continue
    const output = ts.transpileModule(readFileSync(path, 'utf8'), {
      fileName: path,
      compilerOptions: {
        module: ts.ModuleKind.ESNext,
        target: ts.ScriptTarget.ES2023,
        verbatimModuleSyntax: true,
      },
    })
    const target = join(to, relative(from, path)).replace(/\.ts$/, '.js')
    mkdirSync(dirname(target), { recursive: true })
    writeFileSync(target, output.outputText)
  }
  return to
}

function listTypeScript(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const path = join(folder, entry.name)
    if (entry.isDirectory()) return entry.name === 'results' ? [] : listTypeScript(path)
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') ? [path] : []
  })
}
