/**
 * A PostgreSQL server of the test's own, in a temporary folder on a free port of 127.0.0.1:
 * unlike the shared test server (trust authentication, no TLS) it checks passwords
 * (scram-sha-256, over TCP and its Unix socket alike) and offers TLS with a certificate the
 * test's CA signed (tls.ts), for 127.0.0.1 and localhost. Its superuser is `root`, password
 * PASSWORD. Made with initdb and pg_ctl from the installed PostgreSQL; as root they run as
 * the `postgres` user, since PostgreSQL refuses to run as root.
 */
import { execFileSync } from 'node:child_process'
import { chmodSync, chownSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir, userInfo } from 'node:os'
import { join } from 'node:path'
import { freePort } from './free-port.js'
import { createTestCa } from './tls.js'

export interface PrivatePostgres {
  port: number
  /** The folder of its Unix socket: the value of `host` for a socket connection. */
  socketDir: string
  /** The superuser's password. */
  password: string
  /** The CA that signed the server's certificate: the value of `sslrootcert`. */
  caFile: string
  /** `postgres://USER:PASSWORD@127.0.0.1:PORT/postgres` followed by `query`. */
  url(user: string, password: string | undefined, query?: string): string
  /** Runs SQL as the superuser. */
  sql(statement: string): void
  stop(): void
}

const PASSWORD = 'initial-superuser-password'

/** The bin folder of the newest PostgreSQL installed (Debian's layout). */
function binFolder(): string {
  const versions = readdirSync('/usr/lib/postgresql').sort((a, b) => Number(b) - Number(a))
  if (versions.length === 0) throw new Error('no PostgreSQL under /usr/lib/postgresql')
  return join('/usr/lib/postgresql', versions[0]!, 'bin')
}

export async function startPrivatePostgres(): Promise<PrivatePostgres> {
  const bin = binFolder()
  const dir = mkdtempSync(join(tmpdir(), 'registrar-pg-'))
  const ca = createTestCa()
  const asRoot = userInfo().uid === 0
  const owner = asRoot ? Number(execFileSync('id', ['-u', 'postgres']).toString()) : undefined
  const group = asRoot ? Number(execFileSync('id', ['-g', 'postgres']).toString()) : undefined
  const file = (name: string, text: string) => {
    const path = join(dir, name)
    writeFileSync(path, text, { mode: 0o600 })
    if (owner !== undefined) chownSync(path, owner, group!)
    return path
  }
  chmodSync(dir, 0o700)
  if (owner !== undefined) chownSync(dir, owner, group!)
  const passwordFile = file('password', `${PASSWORD}\n`)
  const cert = file('server.pem', ca.cert)
  const key = file('server.key', ca.key)
  const run = (program: string, args: string[]) =>
    asRoot
      ? execFileSync('runuser', ['-u', 'postgres', '--', join(bin, program), ...args], {
          stdio: 'pipe',
        })
      : execFileSync(join(bin, program), args, { stdio: 'pipe' })
  const data = join(dir, 'data')
  run('initdb', ['-D', data, '-U', 'root', '-A', 'scram-sha-256', `--pwfile=${passwordFile}`, '-N'])
  const port = await freePort()
  const settings = [
    `-p ${port}`,
    `-k ${dir}`,
    '-c listen_addresses=127.0.0.1',
    '-c ssl=on',
    `-c ssl_cert_file=${cert}`,
    `-c ssl_key_file=${key}`,
    '-c fsync=off',
  ]
  run('pg_ctl', [
    '-D',
    data,
    '-l',
    join(dir, 'log'),
    '-w',
    '-t',
    '30',
    '-o',
    settings.join(' '),
    'start',
  ])
  const url = (user: string, password: string | undefined, query = '') =>
    `postgres://${user}${password === undefined ? '' : `:${encodeURIComponent(password)}`}@127.0.0.1:${port}/postgres${query}`
  return {
    port,
    socketDir: dir,
    password: PASSWORD,
    caFile: ca.caFile,
    url,
    sql: (statement) =>
      execFileSync('psql', [url('root', PASSWORD), '-v', 'ON_ERROR_STOP=1', '-qc', statement], {
        stdio: 'pipe',
      }),
    stop() {
      try {
        run('pg_ctl', ['-D', data, '-m', 'immediate', 'stop'])
      } finally {
        rmSync(dir, { recursive: true, force: true })
        ca.remove()
      }
    },
  }
}
