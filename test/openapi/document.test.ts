/**
 * The OpenAPI document `npm run build` writes (dist/openapi.json), which the server serves at
 * /api/openapi.json: valid OpenAPI 3.1, every operation named and summarised, every response
 * and every schema member described.
 */
import { Validator } from '@seriousme/openapi-schema-validator'
import assert from 'node:assert/strict'
import { readFile } from 'node:fs/promises'
import { test } from 'node:test'

type Operation = {
  operationId?: string
  summary?: string
  responses?: Record<string, { description?: string }>
}
type Document = {
  paths: Record<string, Record<string, Operation>>
  components: { schemas: Record<string, unknown> }
  servers?: { url: string }[]
}

const document = JSON.parse(
  await readFile(new URL('../../dist/openapi.json', import.meta.url), 'utf8'),
) as Document

const operations = Object.entries(document.paths).flatMap(([path, methods]) =>
  Object.entries(methods).map(([method, operation]) => ({
    name: `${method.toUpperCase()} ${path}`,
    operation,
  })),
)

/** Every `properties` member anywhere below `node`, named by where it is. */
function membersOf(node: unknown, at: string): { at: string; schema: Record<string, unknown> }[] {
  if (Array.isArray(node)) return node.flatMap((item, i) => membersOf(item, `${at}/${i}`))
  if (typeof node !== 'object' || node === null) return []
  const found: { at: string; schema: Record<string, unknown> }[] = []
  for (const [key, value] of Object.entries(node)) {
    if (key === 'properties' && typeof value === 'object' && value !== null) {
      for (const [name, schema] of Object.entries(value)) {
        found.push({ at: `${at}/properties/${name}`, schema: schema as Record<string, unknown> })
      }
    }
    found.push(...membersOf(value, `${at}/${key}`))
  }
  return found
}

test('the document validates against the OpenAPI 3.1 schema', async () => {
  const result = await new Validator().validate(
    document as unknown as Parameters<Validator['validate']>[0],
  )
  assert.equal(result.valid, true, JSON.stringify(result.errors, null, 2))
})

test('every operation has a unique camelCase operationId and a summary', () => {
  assert.ok(operations.length > 40)
  const ids = operations.map(({ name, operation }) => {
    assert.match(operation.operationId ?? '', /^[a-z][A-Za-z0-9]*$/, name)
    assert.ok(operation.summary?.trim(), `${name} has no summary`)
    return operation.operationId
  })
  assert.deepEqual(
    ids.filter((id, i) => ids.indexOf(id) !== i),
    [],
  )
})

test("the Authlete calls carry the Authlete SDK's function names as operationIds", () => {
  const idOf = (name: string) => operations.find((o) => o.name === name)?.operation.operationId
  assert.equal(idOf('POST /api/service/create'), 'serviceCreate')
  assert.equal(idOf('GET /api/{serviceId}/service/configuration'), 'serviceGetConfiguration')
  assert.equal(idOf('POST /api/{serviceId}/client/create'), 'clientCreate')
  assert.equal(idOf('GET /api/{serviceId}/client/get/list'), 'clientList')
  assert.equal(
    idOf('GET /api/{serviceId}/client/secret/refresh/{clientId}'),
    'clientManagementRefreshSecret',
  )
  assert.equal(
    idOf('POST /api/{serviceId}/client/registration'),
    'dynamicClientRegistrationRegister',
  )
  assert.equal(
    idOf('POST /api/{serviceId}/client/registration/delete'),
    'dynamicClientRegistrationDelete',
  )
})

test('every response says what its status means, none is left as "Default Response"', () => {
  for (const { name, operation } of operations) {
    for (const [status, response] of Object.entries(operation.responses ?? {})) {
      assert.ok(response.description?.trim(), `${name} ${status} has no description`)
      assert.notEqual(response.description, 'Default Response', `${name} ${status}`)
    }
  }
})

test('every member of every schema, in components and in operations, has a description', () => {
  const members = membersOf(document, '#')
  assert.ok(members.length > 200)
  const undescribed = members
    .filter(({ schema }) => typeof schema.description !== 'string' || !schema.description.trim())
    .map(({ at }) => at)
  assert.deepEqual(undescribed, [])
})

test('the shared schemas are components, referenced from the operations', () => {
  for (const name of ['Service', 'Client', 'ClientMetadata', 'ResultError', 'OAuthError']) {
    assert.ok(document.components.schemas[name], name)
  }
  assert.match(JSON.stringify(document.paths), /"\$ref":"#\/components\/schemas\/Service"/)
})

test('the server is relative, so the document names no host', () => {
  assert.deepEqual(document.servers, [{ url: '/' }])
})
