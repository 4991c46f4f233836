/** Records for store tests: keys drawn at random, so tests sharing a database keep apart. */
import { randomInt } from 'node:crypto'
import type { InitialAccessTokenRecord, NewClientRecord } from '../../src/engine/index.js'

export const NOW = 1_750_000_000_000
let lastKey = randomInt(1, 2 ** 40)
export const newKey = () => ++lastKey

export function newClient(
  serviceApiKey: number,
  overrides: Partial<NewClientRecord> = {},
): NewClientRecord {
  return {
    serviceApiKey,
    clientId: newKey(),
    clientSecret: 'secret-' + newKey(),
    clientSecretExpiresAt: 0,
    metadata: { client_name: 'Contract client', redirect_uris: ['https://app.example/cb'] },
    extras: { clientType: 'CONFIDENTIAL' },
    registrationAccessTokenHash: 'rat-hash',
    dynamicallyRegistered: true,
    developer: 'dev',
    createdAt: NOW,
    modifiedAt: NOW,
    ...overrides,
  }
}

export function newToken(
  serviceApiKey: number,
  overrides: Partial<InitialAccessTokenRecord> = {},
): InitialAccessTokenRecord {
  return {
    id: 'iat-' + newKey(),
    serviceApiKey,
    secretHash: 'hash',
    expiresAt: 0,
    maxUses: 0,
    usesLeft: 0,
    createdAt: NOW,
    ...overrides,
  }
}
