/**
 * A secret box that remembers the secrets it opened. Every RFC 7592 read and every client
 * authentication reads the client's row and opens its secret, an AES-GCM open of 5-7 µs:
 * an RFC 7592 read took 25 µs of CPU opening it every time, 20 µs remembering it
 * (bench/engine-cpu.ts).
 *
 * An entry is keyed by the sealed value itself, so it never outlives that value: a new
 * secret, a rotation or a rekey stores a new sealed value (a fresh IV each time), which
 * misses and is opened, on every node sharing the database. An entry also holds the owner
 * the value opened for: a sealed value found in another client's row is opened for that
 * row, and fails its GCM check as it would without this cache.
 */
import { GenerationalCache } from '../engine/index.js'
import type { SecretBox } from './secret-box.js'

/** Opened secrets kept: the clients in active use, at about 200 bytes each. */
const DEFAULT_CAPACITY = 10_000

interface Opened {
  serviceApiKey: number
  clientId: number
  secret: string
}

export function rememberingOpens(box: SecretBox, capacity = DEFAULT_CAPACITY): SecretBox {
  const opened = new GenerationalCache<string, Opened>(capacity)
  return {
    keyIds: box.keyIds,
    seal: (secret, serviceApiKey, clientId) => box.seal(secret, serviceApiKey, clientId),
    open(stored, serviceApiKey, clientId) {
      const known = opened.get(stored)
      if (known?.serviceApiKey === serviceApiKey && known.clientId === clientId) {
        return known.secret
      }
      const secret = box.open(stored, serviceApiKey, clientId)
      opened.set(stored, { serviceApiKey, clientId, secret })
      return secret
    },
  }
}
