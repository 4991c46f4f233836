import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { Decision, ServiceRecord } from '../engine/index.js'
import { OAuthError } from '../wire/index.js'
import {
  observingRegistrations,
  type RegistrationReport,
  type RegistrationSurface,
} from './registration-outcome.js'

const service = {} as ServiceRecord

function refusal(violations?: { rule: string; spec: string }[]): Decision {
  const body = {
    error: 'invalid_client_metadata' as const,
    error_description: 'refused',
    ...(violations && {
      violations: violations.map((violation) => ({
        ...violation,
        pointer: '',
        error: 'invalid_client_metadata' as const,
        error_description: 'refused',
      })),
    }),
  }
  return { action: 'BAD_REQUEST', status: 400, body, service }
}

/** What the observer hears of one registration. */
async function reportOf(
  dryRun: boolean,
  register: () => Promise<Decision>,
): Promise<[RegistrationSurface, RegistrationReport]> {
  const heard: [RegistrationSurface, RegistrationReport][] = []
  const observe = observingRegistrations('api', (surface, report) => heard.push([surface, report]))
  await observe(dryRun, register).catch(() => undefined)
  assert.equal(heard.length, 1)
  return heard[0]!
}

test('each decision of a registration is one outcome; a refusal names its first rule', async () => {
  const cases: [Decision, RegistrationReport][] = [
    [{ action: 'CREATED', status: 201, service }, { outcome: 'created' }],
    [{ action: 'UNAUTHORIZED', status: 401, service }, { outcome: 'unauthorized' }],
    [{ action: 'INTERNAL_SERVER_ERROR', status: 500, service }, { outcome: 'error' }],
    [
      refusal([
        { rule: 'redirectUriHasNoFragment', spec: 'RFC 7591 §2' },
        { rule: 'requiredMembersArePresent', spec: 'policy.requiredMembers' },
      ]),
      { outcome: 'rejected', rule: 'redirectUriHasNoFragment', byPolicy: false },
    ],
    [
      refusal([{ rule: 'redirectUriHostIsAllowed', spec: 'policy.redirectUris.hosts' }]),
      { outcome: 'rejected', rule: 'redirectUriHostIsAllowed', byPolicy: true },
    ],
    [refusal(), { outcome: 'rejected', rule: 'none', byPolicy: false }],
  ]
  for (const [decision, report] of cases) {
    assert.deepEqual(await reportOf(false, async () => decision), ['api', report])
  }
})

test('a dry run is one, accepted or refused', async () => {
  for (const decision of [{ action: 'OK', status: 200, service } as Decision, refusal()]) {
    assert.deepEqual(await reportOf(true, async () => decision), ['api', { outcome: 'dry_run' }])
  }
})

test('a bucket refusal is rate_limited and any other throw an error; both still reject', async () => {
  const limited = new OAuthError('too_many_requests', 'too many registrations')
  assert.deepEqual(await reportOf(false, () => Promise.reject(limited)), [
    'api',
    { outcome: 'rate_limited' },
  ])
  assert.deepEqual(await reportOf(false, () => Promise.reject(new Error('bug'))), [
    'api',
    { outcome: 'error' },
  ])
  const observe = observingRegistrations('endpoint', () => {})
  await assert.rejects(
    observe(false, () => Promise.reject(limited)),
    (error) => error === limited,
  )
})

test('without an observer the registration runs as it is', async () => {
  const decision: Decision = { action: 'CREATED', status: 201, service }
  assert.equal(
    await observingRegistrations('endpoint', undefined)(false, async () => decision),
    decision,
  )
})
