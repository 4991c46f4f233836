/**
 * The README's engine example really runs: it is cut out of README.md, written beside the
 * package (so `import … from 'registrar'` resolves to this package) and run with node.
 */
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { readFile, rm, writeFile } from 'node:fs/promises'
import { test } from 'node:test'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'

const root = new URL('../', import.meta.url)

test('the engine example of the README registers a client', async () => {
  const readme = await readFile(new URL('README.md', root), 'utf8')
  const section = readme.slice(readme.indexOf('## Using the engine as a library'))
  const example = /```ts\n([\s\S]*?)```/.exec(section)?.[1]
  assert.ok(example, 'the section has a ts example')
  const file = new URL('dist/readme-example.mjs', root)
  await writeFile(file, example)
  try {
    const { stdout } = await promisify(execFile)(process.execPath, [fileURLToPath(file)])
    assert.match(stdout, /^CREATED 201 \{/)
    assert.match(stdout, /registration_access_token/)
  } finally {
    await rm(file, { force: true })
  }
})
