import assert from 'node:assert/strict'
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
    REGISTRAR_ADMIN_TOKEN: 't',
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
    ['0.0.0.0', 9000, 'postgres://db/x', 'https://a.example', 'debug', 't'],
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
  ]
  for (const [flags, env, message] of cases) {
    assert.throws(
      () => loadConfig(flags, env),
      (error: unknown) => error instanceof ConfigError && message.test(error.message),
    )
  }
})
