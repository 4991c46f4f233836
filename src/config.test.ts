import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { ConfigError, DEFAULTS, loadConfig } from './config.js'

test('defaults apply when neither flag nor variable is given', () => {
  const config = loadConfig({}, {})
  assert.equal(config.host, DEFAULTS.host)
  assert.equal(config.port, 8080)
  assert.equal(config.database, './data/registrar.db')
  assert.equal(config.baseUrl, undefined)
  assert.equal(config.adminToken, undefined)
  assert.equal(config.logLevel, 'info')
})

test('a flag wins over its variable, a variable over the default; empty counts as unset', () => {
  const env = {
    HOST: '0.0.0.0',
    PORT: '9000',
    DATABASE_URL: 'postgres://db/x',
    REGISTRAR_BASE_URL: 'https://a.example/',
    LOG_LEVEL: 'debug',
    REGISTRAR_ADMIN_TOKEN: 't'.repeat(32),
  }
  const fromEnv = loadConfig({}, env)
  assert.deepEqual(
    [
      fromEnv.host,
      fromEnv.port,
      fromEnv.database,
      fromEnv.baseUrl,
      fromEnv.logLevel,
      fromEnv.adminToken,
    ],
    ['0.0.0.0', 9000, 'postgres://db/x', 'https://a.example', 'debug', 't'.repeat(32)],
  )
  const fromFlags = loadConfig(
    { host: '::1', port: '0', database: ':memory:', baseUrl: 'http://b.example', logLevel: 'warn' },
    env,
  )
  assert.deepEqual(
    [fromFlags.host, fromFlags.port, fromFlags.database, fromFlags.baseUrl, fromFlags.logLevel],
    ['::1', 0, ':memory:', 'http://b.example', 'warn'],
  )
  assert.equal(loadConfig({}, { PORT: '' }).port, 8080)
})

test('bad values are ConfigErrors naming the flag and the variable', () => {
  const cases: [Parameters<typeof loadConfig>[0], Record<string, string>, RegExp][] = [
    [{ port: 'http' }, {}, /--port \/ PORT/],
    [{}, { PORT: '65536' }, /--port \/ PORT/],
    [{}, { PORT: '-1' }, /--port \/ PORT/],
    [{ baseUrl: 'ftp://x' }, {}, /--base-url \/ REGISTRAR_BASE_URL/],
    [{}, { REGISTRAR_BASE_URL: 'nope' }, /--base-url \/ REGISTRAR_BASE_URL/],
    [{ logLevel: 'chatty' }, {}, /--log-level \/ LOG_LEVEL/],
    [{ host: 'a b' }, {}, /--host \/ HOST/],
    [{ requestTimeout: '0' }, {}, /--request-timeout \/ REGISTRAR_REQUEST_TIMEOUT/],
    [{}, { REGISTRAR_REQUEST_TIMEOUT: '-1' }, /--request-timeout \/ REGISTRAR_REQUEST_TIMEOUT/],
    [{ headersTimeout: 'soon' }, {}, /--headers-timeout \/ REGISTRAR_HEADERS_TIMEOUT/],
    [{ headersTimeout: '40' }, {}, /--headers-timeout \/ REGISTRAR_HEADERS_TIMEOUT.*--request/],
    [{}, { REGISTRAR_KEEP_ALIVE_TIMEOUT: '1e3' }, /--keep-alive-timeout/],
    [{ maxConnections: '1.5' }, {}, /--max-connections \/ REGISTRAR_MAX_CONNECTIONS/],
    [{}, { REGISTRAR_MAX_CONNECTIONS: '0' }, /--max-connections \/ REGISTRAR_MAX_CONNECTIONS/],
    [{ shutdownGrace: 'never' }, {}, /--shutdown-grace \/ REGISTRAR_SHUTDOWN_GRACE/],
    [{ idempotencyWindow: '0' }, {}, /--idempotency-window \/ REGISTRAR_IDEMPOTENCY_WINDOW/],
    [
      {},
      { REGISTRAR_CIMD_ALLOW_PRIVATE: 'yes' },
      /--cimd-allow-private \/ REGISTRAR_CIMD_ALLOW_PRIVATE/,
    ],
  ]
  for (const [flags, env, message] of cases) {
    assert.throws(
      () => loadConfig(flags, env),
      (error: unknown) => error instanceof ConfigError && message.test(error.message),
    )
  }
})

test('timeouts, the connection cap and the shutdown grace: defaults, seconds with fractions, flag over env', () => {
  const defaults = loadConfig({}, {})
  assert.deepEqual(
    [
      defaults.requestTimeoutMilliseconds,
      defaults.headersTimeoutMilliseconds,
      defaults.keepAliveTimeoutMilliseconds,
      defaults.maxConnections,
      defaults.shutdownGraceMilliseconds,
    ],
    [30_000, 10_000, 5_000, 10_000, 10_000],
  )
  const set = loadConfig(
    { requestTimeout: '2.5', shutdownGrace: '0.5' },
    {
      REGISTRAR_REQUEST_TIMEOUT: '99',
      REGISTRAR_HEADERS_TIMEOUT: '1',
      REGISTRAR_KEEP_ALIVE_TIMEOUT: '75',
      REGISTRAR_MAX_CONNECTIONS: '20',
    },
  )
  assert.deepEqual(
    [
      set.requestTimeoutMilliseconds,
      set.headersTimeoutMilliseconds,
      set.keepAliveTimeoutMilliseconds,
      set.maxConnections,
      set.shutdownGraceMilliseconds,
    ],
    [2_500, 1_000, 75_000, 20, 500],
  )
  // A request timeout under the default headers timeout takes the headers timeout with it.
  assert.equal(loadConfig({ requestTimeout: '3' }, {}).headersTimeoutMilliseconds, 3_000)
})

test('the idempotency window: 24 hours by default, seconds with fractions, flag over env', () => {
  assert.equal(loadConfig({}, {}).idempotencyWindowMilliseconds, 86_400_000)
  const env = { REGISTRAR_IDEMPOTENCY_WINDOW: '60' }
  assert.equal(loadConfig({}, env).idempotencyWindowMilliseconds, 60_000)
  assert.equal(loadConfig({ idempotencyWindow: '0.5' }, env).idempotencyWindowMilliseconds, 500)
})

test('an admin token under 32 characters is refused, naming REGISTRAR_ADMIN_TOKEN and never echoing it', () => {
  const short = 'short-but-secret-value-31-chars'
  assert.equal(short.length, 31)
  assert.throws(
    () => loadConfig({}, { REGISTRAR_ADMIN_TOKEN: short }),
    (error: unknown) =>
      error instanceof ConfigError &&
      /REGISTRAR_ADMIN_TOKEN.*32/.test(error.message) &&
      !error.message.includes(short),
  )
  assert.equal(loadConfig({}, { REGISTRAR_ADMIN_TOKEN: `${short}x` }).adminToken, `${short}x`)
})

test('rate limiting: trusted proxies, Redis and network prefixes; defaults, flag over env, bad values named', () => {
  const defaults = loadConfig({}, {})
  assert.deepEqual(defaults.trustProxy, [])
  assert.equal(defaults.redisUrl, undefined)
  assert.deepEqual(defaults.networkPrefixLengths, { ipv4: 24, ipv6: 56 })
  const env = {
    REGISTRAR_TRUST_PROXY: '10.0.0.0/8, loopback',
    REDIS_URL: 'redis://:secret@cache:6379/2',
    REGISTRAR_RATE_LIMIT_IPV4_PREFIX: '32',
    REGISTRAR_RATE_LIMIT_IPV6_PREFIX: '48',
  }
  const fromEnv = loadConfig({}, env)
  assert.deepEqual(fromEnv.trustProxy, ['10.0.0.0/8', 'loopback'])
  assert.equal(fromEnv.redisUrl, 'redis://:secret@cache:6379/2')
  assert.deepEqual(fromEnv.networkPrefixLengths, { ipv4: 32, ipv6: 48 })
  const fromFlags = loadConfig(
    {
      trustProxy: '2001:db8::1,192.0.2.7',
      redisUrl: 'rediss://cache.example:6380',
      rateLimitIpv4Prefix: '16',
      rateLimitIpv6Prefix: '64',
    },
    env,
  )
  assert.deepEqual(fromFlags.trustProxy, ['2001:db8::1', '192.0.2.7'])
  assert.equal(fromFlags.redisUrl, 'rediss://cache.example:6380')
  assert.deepEqual(fromFlags.networkPrefixLengths, { ipv4: 16, ipv6: 64 })

  const cases: [Parameters<typeof loadConfig>[0], RegExp][] = [
    [{ trustProxy: 'proxy.example' }, /--trust-proxy \/ REGISTRAR_TRUST_PROXY: "proxy.example"/],
    [{ trustProxy: '10.0.0.0/33' }, /--trust-proxy/],
    [{ trustProxy: '10.0.0.1,' }, /--trust-proxy/],
    [{ trustProxy: 'true' }, /--trust-proxy/],
    [{ redisUrl: 'http://cache' }, /--redis-url \/ REDIS_URL/],
    [{ rateLimitIpv4Prefix: '33' }, /--rate-limit-ipv4-prefix \/ REGISTRAR_RATE_LIMIT_IPV4_PREFIX/],
    [
      { rateLimitIpv6Prefix: '129' },
      /--rate-limit-ipv6-prefix \/ REGISTRAR_RATE_LIMIT_IPV6_PREFIX/,
    ],
    [{ rateLimitIpv6Prefix: '/56' }, /--rate-limit-ipv6-prefix/],
  ]
  for (const [flags, message] of cases) {
    assert.throws(
      () => loadConfig(flags, {}),
      (error: unknown) => error instanceof ConfigError && message.test(error.message),
    )
  }
  // A Redis URL holds a password: a bad one is never echoed.
  assert.throws(
    () => loadConfig({ redisUrl: 'redis//:hunter2@cache' }, {}),
    (error: unknown) => error instanceof ConfigError && !error.message.includes('hunter2'),
  )
})

test('metrics: the admin token by default, public or off by flag over env, bad values named', () => {
  assert.equal(loadConfig({}, {}).metrics, 'admin')
  assert.equal(loadConfig({}, { REGISTRAR_METRICS: 'public' }).metrics, 'public')
  assert.equal(loadConfig({ metrics: 'OFF' }, { REGISTRAR_METRICS: 'public' }).metrics, 'off')
  assert.throws(
    () => loadConfig({}, { REGISTRAR_METRICS: 'everyone' }),
    (error: unknown) =>
      error instanceof ConfigError && /--metrics \/ REGISTRAR_METRICS/.test(error.message),
  )
})

test('webhook delivery: defaults, flags over variables, and bad values named', () => {
  assert.deepEqual(loadConfig({}, {}).webhookDelivery, {
    maxAttempts: 20,
    retryBaseMilliseconds: 1000,
    timeoutMilliseconds: 10_000,
  })
  const env = { REGISTRAR_WEBHOOK_ATTEMPTS: '3', REGISTRAR_WEBHOOK_RETRY_BASE: '0.05' }
  assert.deepEqual(loadConfig({ webhookTimeout: '2' }, env).webhookDelivery, {
    maxAttempts: 3,
    retryBaseMilliseconds: 50,
    timeoutMilliseconds: 2000,
  })
  assert.equal(loadConfig({ webhookAttempts: '7' }, env).webhookDelivery.maxAttempts, 7)
  for (const webhookAttempts of ['0', '101', 'many']) {
    assert.throws(
      () => loadConfig({ webhookAttempts }, {}),
      /--webhook-attempts \/ REGISTRAR_WEBHOOK_ATTEMPTS/,
    )
  }
  assert.throws(
    () => loadConfig({}, { REGISTRAR_WEBHOOK_RETRY_BASE: '0' }),
    /--webhook-retry-base \/ REGISTRAR_WEBHOOK_RETRY_BASE/,
  )
})

test('--cimd-allow-private: off by default, on by the flag or by 1 or true in the environment', () => {
  assert.equal(loadConfig({}, {}).cimdAllowPrivate, false)
  assert.equal(loadConfig({ cimdAllowPrivate: true }, {}).cimdAllowPrivate, true)
  for (const [value, on] of [
    ['1', true],
    ['true', true],
    ['0', false],
    ['false', false],
    ['', false],
  ] as const) {
    assert.equal(
      loadConfig({}, { REGISTRAR_CIMD_ALLOW_PRIVATE: value }).cimdAllowPrivate,
      on,
      value,
    )
  }
})

test('the secret keyring: from REGISTRAR_SECRET_KEYS or a 0600 key file, not both, never echoed', () => {
  const key = randomBytes(32).toString('base64')
  assert.equal(loadConfig({}, {}).secretKeys, undefined)
  const fromEnv = loadConfig({}, { REGISTRAR_SECRET_KEYS: `new:${key}, old:${key}` }).secretKeys
  assert.deepEqual(
    fromEnv?.map(({ id }) => id),
    ['new', 'old'],
  )
  const folder = mkdtempSync(join(tmpdir(), 'registrar-keys-'))
  try {
    const file = join(folder, 'keys')
    writeFileSync(file, `file:${key}\n`, { mode: 0o600 })
    assert.equal(loadConfig({ secretKeyFile: file }, {}).secretKeys?.[0].id, 'file')
    assert.equal(loadConfig({}, { REGISTRAR_SECRET_KEY_FILE: file }).secretKeys?.[0].id, 'file')
    const refusals: [Parameters<typeof loadConfig>[0], Record<string, string>, RegExp][] = [
      [{ secretKeyFile: file }, { REGISTRAR_SECRET_KEYS: `a:${key}` }, /both set/],
      [{}, { REGISTRAR_SECRET_KEYS: `a:${key.slice(0, 20)}` }, /REGISTRAR_SECRET_KEYS.*32 bytes/],
      [
        { secretKeyFile: join(folder, 'missing') },
        {},
        /--secret-key-file \/ REGISTRAR_SECRET_KEY_FILE.*ENOENT/,
      ],
    ]
    for (const [flags, env, message] of refusals) {
      assert.throws(
        () => loadConfig(flags, env),
        (error: unknown) =>
          error instanceof ConfigError &&
          message.test(error.message) &&
          !error.message.includes(key.slice(0, 20)),
      )
    }
    chmodSync(file, 0o640)
    assert.throws(
      () => loadConfig({ secretKeyFile: file }, {}),
      /may be read by others \(mode 640\)/,
    )
  } finally {
    rmSync(folder, { recursive: true, force: true })
  }
})

test('the PostgreSQL pool size and connect timeout: defaults, flag over env, bad values named', () => {
  assert.deepEqual(loadConfig({}, {}).databaseConnection, {
    maxConnections: 10,
    connectTimeoutMilliseconds: 10_000,
  })
  const env = { REGISTRAR_DATABASE_POOL_SIZE: '25', REGISTRAR_DATABASE_CONNECT_TIMEOUT: '3' }
  assert.deepEqual(loadConfig({}, env).databaseConnection, {
    maxConnections: 25,
    connectTimeoutMilliseconds: 3_000,
  })
  assert.equal(loadConfig({ databasePoolSize: '4' }, env).databaseConnection.maxConnections, 4)
  for (const [flags, message] of [
    [{ databasePoolSize: '0' }, /--database-pool-size \/ REGISTRAR_DATABASE_POOL_SIZE/],
    [{ databasePoolSize: '1001' }, /--database-pool-size/],
    [
      { databaseConnectTimeout: 'soon' },
      /--database-connect-timeout \/ REGISTRAR_DATABASE_CONNECT_TIMEOUT/,
    ],
  ] as const) {
    assert.throws(
      () => loadConfig(flags, {}),
      (error: unknown) => error instanceof ConfigError && message.test(error.message),
    )
  }
})

test('the PostgreSQL password file: its first line is the password; missing, empty or beside a password in the URL, it is refused without echoing a password', () => {
  const folder = mkdtempSync(join(tmpdir(), 'registrar-config-'))
  try {
    const file = join(folder, 'password')
    writeFileSync(file, 'file-password\n', { mode: 0o600 })
    const env = { REGISTRAR_DATABASE_PASSWORD_FILE: file }
    assert.equal(
      loadConfig({ database: 'postgres://app@db/registrar' }, env).databaseConnection.password,
      'file-password',
    )
    const refused = (
      flags: Parameters<typeof loadConfig>[0],
      variables: typeof env,
      message: RegExp,
    ) =>
      assert.throws(
        () => loadConfig(flags, variables),
        (error: unknown) =>
          error instanceof ConfigError &&
          message.test(error.message) &&
          !error.message.includes('password-in-url') &&
          !error.message.includes('file-password'),
      )
    refused({ database: 'postgres://app:password-in-url@db/r' }, env, /holds a password: give one/)
    refused({}, { REGISTRAR_DATABASE_PASSWORD_FILE: join(folder, 'none') }, /cannot read .*ENOENT/)
    writeFileSync(join(folder, 'empty'), '')
    refused({ databasePasswordFile: join(folder, 'empty') }, env, /is empty/)
  } finally {
    rmSync(folder, { recursive: true, force: true })
  }
})
