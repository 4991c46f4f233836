// Writes dist/openapi.json: the OpenAPI document generated from the route schemas by
// @fastify/swagger, ahead of time, so the server loads no generator when it starts.
import { readFile, writeFile } from 'node:fs/promises'
import { createEngine, MemoryStore } from '../dist/src/engine/index.js'
import { buildServer, createMetrics } from '../dist/src/http/index.js'

const { version } = JSON.parse(await readFile('package.json', 'utf8'))
const engine = createEngine({ store: new MemoryStore(), baseUrl: 'http://localhost' })
// With metrics, so GET /metrics is documented as the default (admin) access serves it.
const metrics = { collector: await createMetrics(), access: 'admin' }
const app = await buildServer({ engine, version, metrics })
await app.ready()
await writeFile('dist/openapi.json', JSON.stringify(app.swagger()))
await app.close()
