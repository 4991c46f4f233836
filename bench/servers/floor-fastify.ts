/**
 * The floor on Fastify, the framework Registrar is built on: the same answers as the
 * floor (floor-handler.ts), in a Map, through Fastify's routing, JSON body parsing and
 * reply. Its distance from the floor is what the framework itself costs; Registrar's
 * distance from it is Registrar's own work. No logger, no hooks.
 */
import Fastify from 'fastify'
import { issue, type FloorStorage } from './floor-handler.js'
import { listen } from './listen.js'

const kept = new Map<string, { token: string; answer: string }>()
const storage: FloorStorage = {
  put: (clientId, token, answer) => void kept.set(clientId, { token, answer }),
  get: (clientId) => kept.get(clientId),
}

const app = Fastify()
const headers = { 'content-type': 'application/json', 'cache-control': 'no-store' }

app.post('/register', (request, reply) => {
  const metadata = request.body
  if (typeof metadata !== 'object' || metadata === null || Array.isArray(metadata)) {
    return reply.code(400).headers(headers).send('{"error":"invalid_client_metadata"}')
  }
  return reply.code(201).headers(headers).send(issue(storage, metadata))
})

app.get<{ Params: { id: string } }>('/register/:id', (request, reply) => {
  const found = storage.get(request.params.id)
  if (!found || request.headers.authorization !== `Bearer ${found.token}`) {
    return reply.code(401).headers(headers).send('{"error":"invalid_token"}')
  }
  return reply.code(200).headers(headers).send(found.answer)
})

await app.ready()
await listen(app.server)
