/** The floor with its answers in a Map: the ceiling any Node.js registration server can reach. */
import { createServer } from 'node:http'
import { floorHandler, type FloorStorage } from './floor-handler.js'
import { listen } from './listen.js'

const kept = new Map<string, { token: string; answer: string }>()
const storage: FloorStorage = {
  put: (clientId, token, answer) => void kept.set(clientId, { token, answer }),
  get: (clientId) => kept.get(clientId),
}

await listen(createServer(floorHandler(storage)))
