/**
 * No image can be built here, so scripts/check-container.mjs lints the Dockerfile and
 * compose.yaml against the checkout. The real files pass; each kind of mistake, made in a
 * copy, is found.
 */
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('../../', import.meta.url))
const SCRIPT = join(root, 'scripts', 'check-container.mjs')
const FILES = { dockerfile: 'Dockerfile', compose: 'compose.yaml', dockerignore: '.dockerignore' }
type Which = keyof typeof FILES

/** Runs the check with the given files in place of the checkout's. */
function check(
  files: Partial<Record<Which, string>> = {},
): Promise<{ code: number; output: string }> {
  const args = Object.entries(files).flatMap(([which, path]) => [`--${which}`, path])
  return new Promise((resolve) => {
    execFile(process.execPath, [SCRIPT, ...args], { cwd: root }, (error, stdout, stderr) => {
      resolve({ code: error ? Number(error.code ?? 1) : 0, output: stdout + stderr })
    })
  })
}

test("the checkout's Dockerfile and compose.yaml pass the check", async () => {
  const { code, output } = await check()
  assert.equal(code, 0, output)
})

/** A change to one file, and what the check must say about it. */
const MISTAKES: [string, Which, string | RegExp, string, RegExp][] = [
  ['the image runs as root', 'dockerfile', 'USER node', 'USER root', /non-root USER/],
  ['the image names no user', 'dockerfile', 'USER node\n', '', /non-root USER/],
  [
    'a COPY source missing from the checkout',
    'dockerfile',
    'COPY corpus ./corpus',
    'COPY corpora ./corpus',
    /COPY corpora: not in the checkout[\s\S]*needs corpus/,
  ],
  [
    'a COPY from a stage that does not exist',
    'dockerfile',
    'COPY --from=build /package ./',
    'COPY --from=builder /package ./',
    /--from=builder names no earlier stage/,
  ],
  [
    'a COPY from a stage of a path it never makes',
    'dockerfile',
    'COPY --from=build /package ./',
    'COPY --from=build /dist ./',
    /COPY --from=build \/dist: no step of that stage makes it/,
  ],
  ['a health check elsewhere', 'dockerfile', "/health'", "/healthz'", /no HEALTHCHECK on \/health/],
  [
    'a health check with curl, which the slim image lacks',
    'dockerfile',
    /CMD \["node", "-e", "fetch.*/,
    'CMD curl -f http://127.0.0.1:8080/health',
    /curl or wget/,
  ],
  [
    'a port not exposed',
    'dockerfile',
    'EXPOSE 8080',
    'EXPOSE 3000',
    /EXPOSE 3000, but PORT is 8080/,
  ],
  [
    'the SQLite folder not a volume',
    'dockerfile',
    'VOLUME ["/data"]',
    'VOLUME ["/srv"]',
    /not a VOLUME/,
  ],
  [
    'the server bound to loopback',
    'dockerfile',
    'HOST=0.0.0.0',
    'HOST=127.0.0.1',
    /HOST=0\.0\.0\.0/,
  ],
  [
    'a setting the server does not read',
    'dockerfile',
    'PORT=8080',
    'LISTEN_PORT=8080',
    /ENV LISTEN_PORT is no setting/,
  ],
  [
    'another command',
    'dockerfile',
    'CMD ["registrar", "serve"]',
    'CMD ["node", "main.js"]',
    /CMD must be/,
  ],
  [
    'a compose setting the server does not read',
    'compose',
    'REGISTRAR_BASE_URL:',
    'REGISTRAR_PUBLIC_URL:',
    /sets REGISTRAR_PUBLIC_URL, which the server does not read/,
  ],
  [
    'a published port it does not listen on',
    'compose',
    "'8080:8080'",
    "'8080:3000'",
    /publishes 3000/,
  ],
  [
    'no wait for a healthy PostgreSQL',
    'compose',
    'condition: service_healthy',
    'condition: service_started',
    /depend on postgres with condition service_healthy/,
  ],
  ['a database host that is no service', 'compose', '@postgres:5432', '@db:5432', /names host db/],
  [
    'a password written out',
    'compose',
    /POSTGRES_PASSWORD: \$\{POSTGRES_PASSWORD:\?[^}]*\}\n/,
    'POSTGRES_PASSWORD: hunter2\n',
    /postgres has POSTGRES_PASSWORD written out/,
  ],
  [
    'PostgreSQL without a keyring',
    'compose',
    /\n\s+REGISTRAR_SECRET_KEYS: .*/,
    '',
    /needs REGISTRAR_SECRET_KEYS/,
  ],
  [
    'a build input left out of the context',
    'dockerignore',
    'secrets\n',
    'secrets\nscripts/\n',
    /COPY scripts: \.dockerignore leaves it out/,
  ],
]

describe('scripts/check-container.mjs finds', () => {
  let folder: string
  before(async () => {
    folder = await mkdtemp(join(tmpdir(), 'registrar-container-'))
  })
  after(async () => {
    await rm(folder, { recursive: true, force: true })
  })

  for (const [name, which, from, to, expected] of MISTAKES) {
    test(name, async () => {
      const original = await readFile(join(root, FILES[which]), 'utf8')
      const changed = original.replace(from, to)
      assert.notEqual(changed, original, `the ${FILES[which]} holds ${from}`)
      const path = join(folder, `${which}-${MISTAKES.findIndex(([other]) => other === name)}`)
      await writeFile(path, changed)
      const { code, output } = await check({ [which]: path })
      assert.equal(code, 1, output)
      assert.match(output, expected)
    })
  }
})
