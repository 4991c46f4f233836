/**
 * The API reference page in a real browser (Debian's chromium, driven by playwright-core):
 * the real server renders every operation, Markdown descriptions as HTML and schemas that
 * fold, links the OpenAPI document relatively, and the page loads nothing from anywhere
 * else and breaks no rule of its Content-Security-Policy. A screenshot is left in
 * test-artifacts/docs-page.png.
 */
import assert from 'node:assert/strict'
import { mkdir } from 'node:fs/promises'
import { after, before, test } from 'node:test'
import { fileURLToPath } from 'node:url'
import { chromium, type Browser, type Page } from 'playwright-core'
import { startServer, type RunningServer } from '../support/start-server.js'

const ARTIFACTS = fileURLToPath(new URL('../../test-artifacts/', import.meta.url))

let server: RunningServer
let browser: Browser
let page: Page
const requested: string[] = []
const problems: string[] = []

before(async () => {
  server = await startServer()
  // Never a downloaded browser: the system's chromium (.ci/run installs it).
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox'],
  })
  page = await browser.newPage()
  page.on('request', (request) => requested.push(request.url()))
  page.on('console', (message) => {
    if (message.type() === 'error' || message.type() === 'warning') problems.push(message.text())
  })
  page.on('pageerror', (error) => problems.push(error.message))
  const answer = await page.goto(`${server.url}/api/docs`, { waitUntil: 'load' })
  assert.equal(answer?.status(), 200)
})

after(async () => {
  await browser?.close()
  await server?.stop()
})

test('the page is served with a Content-Security-Policy that allows no script and no other origin', async () => {
  const answer = await fetch(`${server.url}/api/docs`)
  const policy = answer.headers.get('content-security-policy') ?? ''
  assert.match(policy, /default-src 'none'/)
  assert.doesNotMatch(policy, /script-src|unsafe-inline|https?:/)
})

test('every operation of the OpenAPI document is rendered, with its operationId', async () => {
  const document = (await (await fetch(`${server.url}/api/openapi.json`)).json()) as {
    paths: Record<string, Record<string, { operationId: string }>>
  }
  const ids = Object.values(document.paths).flatMap((methods) =>
    Object.values(methods).map((operation) => operation.operationId),
  )
  assert.ok(ids.length > 40)
  const rendered = await page
    .locator('section.op')
    .evaluateAll((sections) => sections.map((section) => section.id))
  assert.deepEqual(rendered.sort(), [...ids].sort())
  await page.locator('#clientCreate h3').waitFor()
  assert.match(
    (await page.locator('#clientCreate h3').textContent()) ?? '',
    /POST\s*\/api\/\{serviceId\}\/client\/create/,
  )
})

test('descriptions show as formatted Markdown: code spans become code elements, not backticks', async () => {
  const description = page.locator('#registrationRegister > p').nth(1)
  assert.equal(
    await description.locator('code').first().textContent(),
    'Authorization: Bearer <initial access token>',
  )
  assert.doesNotMatch((await description.textContent()) ?? '', /`/)
  // A member's description in a schema table, too.
  const member = page.locator('#schema-Service tr', { hasText: 'registrationAccessTokenRotation' })
  assert.ok((await member.locator('code').count()) > 1)
})

test('a schema folds and unfolds on a click on its summary', async () => {
  const schema = page.locator('#schema-Service')
  const member = schema.locator('tr', { hasText: 'clientSecretLifetime' })
  assert.equal(await schema.getAttribute('open'), null)
  assert.equal(await member.isVisible(), false)
  await schema.locator('summary').first().click()
  assert.equal(await schema.getAttribute('open'), '')
  assert.equal(await member.isVisible(), true)
  await schema.locator('summary').first().click()
  assert.equal(await member.isVisible(), false)
  // A reference in an operation links to the schema's place on the page.
  assert.ok((await page.locator('#serviceCreate a[href="#schema-Service"]').count()) > 0)
})

test('the OpenAPI document is linked relatively, so it resolves under any path prefix', async () => {
  const link = page.locator('#openapi-document')
  assert.equal(await link.getAttribute('href'), 'openapi.json')
  const resolved = await link.evaluate((anchor) => (anchor as unknown as { href: string }).href)
  assert.equal(resolved, `${server.url}/api/openapi.json`)
  assert.equal(
    new URL('openapi.json', 'https://example.com/registrar/api/docs').pathname,
    '/registrar/api/openapi.json',
  )
})

test('the page requests nothing but itself from 127.0.0.1 and reports no error or CSP violation', async () => {
  await mkdir(ARTIFACTS, { recursive: true })
  await page.locator('#schema-Client summary').first().click()
  await page.screenshot({ path: `${ARTIFACTS}docs-page.png`, fullPage: false })
  assert.ok(requested.length >= 1)
  for (const url of requested) assert.equal(new URL(url).hostname, '127.0.0.1', url)
  assert.deepEqual(problems, [])
})
