/**
 * `registrar serve` as a process (CONTRACT.md "The server", "Bad input"): configuration,
 * the admin token, graceful stop, restart and crash durability on a SQLite file.
 */
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import { Api, call } from '../support/http.js'
import { MAIN, serverEnv, startServer } from '../support/start-server.js'

let folder: string
before(async () => {
  folder = await mkdtemp(join(tmpdir(), 'registrar-process-'))
})
after(async () => {
  await rm(folder, { recursive: true, force: true })
})

function runToExit(
  args: string[],
  env: Record<string, string> = {},
): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [MAIN, ...args], {
      env: serverEnv(env),
      stdio: ['ignore', 'ignore', 'pipe'],
    })
    let stderr = ''
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk))
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000)
    child.on('exit', (code) => {
      clearTimeout(timer)
      resolve({ code, stderr })
    })
  })
}

const CLIENT = { redirect_uris: ['https://app.example/cb'] }

describe('configuration', () => {
  test('bad flags or variable values exit 2 (a usage error), naming the flag and the variable', async () => {
    const cases: [string[], Record<string, string>, RegExp][] = [
      [['serve', '--port', 'abc'], {}, /--port.*PORT/],
      [['serve'], { PORT: '70000' }, /--port.*PORT/],
      [['serve', '--base-url', 'not a url'], {}, /--base-url.*REGISTRAR_BASE_URL/],
      [['serve', '--log-level', 'loud', '--port', '0'], {}, /--log-level.*LOG_LEVEL/],
      [['serve', '--prot', '0'], {}, /unknown option '--prot'/],
      [['serve', '--port'], {}, /--port.*argument missing/],
      [
        ['serve', '--port', '0'],
        { REGISTRAR_ADMIN_TOKEN: 'x'.repeat(31) },
        /REGISTRAR_ADMIN_TOKEN.*32/,
      ],
      [['serve', '--shutdown-grace', '0'], {}, /--shutdown-grace.*REGISTRAR_SHUTDOWN_GRACE/],
      [
        ['serve'],
        { REGISTRAR_REQUEST_TIMEOUT: 'x' },
        /--request-timeout.*REGISTRAR_REQUEST_TIMEOUT/,
      ],
    ]
    for (const [args, env, message] of cases) {
      const { code, stderr } = await runToExit(args, env)
      assert.equal(code, 2, args.join(' '))
      assert.match(stderr, message)
    }
  })

  test('prints one listening line with the real port; --base-url and flags over env are honoured', async () => {
    const server = await startServer({
      database: ':memory:',
      args: ['--base-url', 'https://dcr.example.com/'],
      env: { PORT: '1' },
    })
    try {
      assert.match(server.url, /^http:\/\/127\.0\.0\.1:[0-9]+$/)
      assert.notEqual(server.url.endsWith(':0'), true)
      assert.equal(server.stdout.filter((line) => line.startsWith('listening on')).length, 1)
      const api = new Api(server.url, server.adminToken)
      const id = await api.createService()
      const info = (await call(`${server.url}/${id}/register`, { body: CLIENT })).json
      assert.equal(
        info.registration_client_uri,
        `https://dcr.example.com/${id}/register/${info.client_id}`,
      )
      const discovery = await call(`${server.url}/.well-known/openid-configuration/${id}`)
      assert.equal(discovery.json.issuer, `https://dcr.example.com/${id}`)
    } finally {
      assert.equal(await server.stop(), 0)
    }
  })

  test('without REGISTRAR_ADMIN_TOKEN the first start prints a generated token once, and it keeps working', async () => {
    const database = join(folder, 'generated.db')
    const first = await startServer({ database, adminToken: null })
    const lines = first.stdout.filter((line) => /admin token/i.test(line))
    assert.equal(lines.length, 1)
    const token = lines[0]!.split(' ').pop()!
    assert.equal((await call(`${first.url}/api/service/get/list`, { token })).status, 200)
    assert.equal(await first.stop(), 0)

    const second = await startServer({ database, adminToken: null })
    try {
      assert.equal(
        second.stdout.some((line) => /admin token/i.test(line)),
        false,
      )
      assert.equal((await call(`${second.url}/api/service/get/list`, { token })).status, 200)
    } finally {
      await second.stop()
    }
  })
})

describe('stopping and restarting', () => {
  test('SIGTERM finishes requests in flight, exits 0, and every 201 is there after a restart', async () => {
    const database = join(folder, 'restart.db')
    const server = await startServer({ database })
    const api = new Api(server.url, server.adminToken)
    const id = await api.createService()
    const acknowledged = [(await call(`${server.url}/${id}/register`, { body: CLIENT })).json]
    const inFlight = Array.from({ length: 20 }, () =>
      call(`${server.url}/${id}/register`, { body: CLIENT }).then(
        (answer) => answer,
        () => undefined,
      ),
    )
    await new Promise((resolve) => setTimeout(resolve, 5))
    const exitCode = server.stop('SIGTERM')
    for (const answer of await Promise.all(inFlight)) {
      if (answer === undefined) continue
      assert.equal(answer.status, 201, answer.text)
      acknowledged.push(answer.json)
    }
    assert.equal(await exitCode, 0)

    const again = await startServer({ database, adminToken: server.adminToken })
    try {
      for (const info of acknowledged) {
        const read = await call(`${again.url}/${id}/register/${info.client_id}`, {
          token: info.registration_access_token,
        })
        assert.equal(read.status, 200, read.text)
        assert.equal(read.json.client_secret, info.client_secret)
      }
    } finally {
      await again.stop()
    }
  })

  test('after a SIGKILL every acknowledged registration and update is there exactly as acknowledged', async () => {
    const database = join(folder, 'crash.db')
    // One base URL for both runs, so registration_client_uri stays the same.
    const args = ['--base-url', 'http://registrar.test']
    const server = await startServer({ database, args })
    const api = new Api(server.url, server.adminToken)
    const id = await api.createService()
    const acknowledged = new Map<string, Record<string, unknown>>()
    let running = true
    const worker = async (index: number) => {
      while (running) {
        try {
          const answer = await call(`${server.url}/${id}/register`, {
            body: { ...CLIENT, client_name: `w${index}` },
          })
          if (answer.status !== 201) continue
          acknowledged.set(answer.json.client_id, answer.json)
          const updated = await call(answer.json.registration_client_uri, {
            method: 'PUT',
            token: answer.json.registration_access_token,
            body: { ...CLIENT, client_name: `w${index} updated` },
          })
          if (updated.status === 200) acknowledged.set(answer.json.client_id, updated.json)
        } catch {
          return
        }
      }
    }
    const workers = Array.from({ length: 8 }, (_, index) => worker(index))
    await new Promise((resolve) => setTimeout(resolve, 1_500))
    await server.stop('SIGKILL')
    running = false
    await Promise.all(workers)
    assert.ok(acknowledged.size > 0)

    const again = await startServer({ database, args, adminToken: server.adminToken })
    try {
      for (const [clientId, info] of acknowledged) {
        const read = await call(`${again.url}/${id}/register/${clientId}`, {
          token: info['registration_access_token'] as string,
        })
        assert.equal(read.status, 200, read.text)
        assert.deepEqual(read.json, info)
      }
    } finally {
      await again.stop()
    }
  })
})
