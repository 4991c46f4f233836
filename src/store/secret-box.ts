/**
 * Client secrets sealed at rest. Unlike tokens, a client secret cannot be stored hashed:
 * the API hands it back (Authlete's client/get answers `clientSecret`), and an AS may need
 * it as an HMAC key (client_secret_jwt, RFC 7523 §2.2). So it is encrypted with
 * AES-256-GCM under a keyring of named 32-byte keys: the first key seals, every key opens,
 * which lets a new key be added, made first, and the old one retired once every secret has
 * been sealed again (`registrar secrets rekey`).
 *
 * A sealed value reads `enc1.<key id>.<iv>.<ciphertext and tag>` (base64url), with a fresh
 * random 96-bit IV each time (NIST SP 800-38D §8.2.2). The owning client's identity (service
 * API key and client id) is the additional authenticated data, so a sealed value copied to
 * another client's row fails to open. A value without the `enc1.` prefix is a secret
 * stored before sealing existed, and reads as it is. Generated secrets are base64url and
 * never contain a dot, so none is mistaken for a sealed one.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto'

/** What every sealed value starts with; the format's version is in it. */
export const SEALED_PREFIX = 'enc1.'

const KEY_BYTES = 32
const IV_BYTES = 12
const TAG_BYTES = 16
const KEY_ID = /^[A-Za-z0-9_-]{1,32}$/

export interface SecretKey {
  /** Names the key in every value it seals: letters, digits, `_` and `-`, 32 at most. */
  id: string
  /** 32 bytes. */
  key: Buffer
}

/** Keys in order: the first seals, all open. Never empty. */
export type Keyring = readonly SecretKey[]

/** Seals and opens the client secrets of the rows of one database. */
export interface SecretBox {
  /** The sealed value of `secret`, bound to its client. */
  seal(secret: string, serviceApiKey: number, clientId: number): string
  /** The secret a stored value holds: a sealed one opened, a plaintext one as it is. */
  open(stored: string, serviceApiKey: number, clientId: number): string
  /** The ids of the keys it opens with, the sealing one first. */
  readonly keyIds: readonly string[]
}

/**
 * IVs are cut from random bytes drawn 1024 IVs at a time: a randomBytes call costs about
 * 7 µs whatever its size, half of what a seal took (as randomUUID keeps a pool of its own).
 */
const IVS_PER_DRAW = 1024
let ivPool = Buffer.alloc(0)
let ivOffset = 0

function nextIv(): Buffer {
  if (ivOffset + IV_BYTES > ivPool.length) {
    ivPool = randomBytes(IV_BYTES * IVS_PER_DRAW)
    ivOffset = 0
  }
  ivOffset += IV_BYTES
  return ivPool.subarray(ivOffset - IV_BYTES, ivOffset)
}

/** A value sealed under a key the keyring does not have. */
export class UnknownSecretKeyError extends Error {
  constructor(readonly keyId: string) {
    super(
      `client secrets are sealed with key "${keyId}", which the secret keyring lacks ` +
        '(REGISTRAR_SECRET_KEYS or --secret-key-file)',
    )
    this.name = 'UnknownSecretKeyError'
  }
}

/** Whether a stored value is sealed (else it is a plaintext secret from before sealing). */
export function isSealed(stored: string): boolean {
  return stored.startsWith(SEALED_PREFIX)
}

/** The id of the key a sealed value was sealed with. */
export function sealedKeyId(stored: string): string {
  return stored.slice(SEALED_PREFIX.length, stored.indexOf('.', SEALED_PREFIX.length))
}

/** The additional authenticated data of a client's secret: the format, the key, the owner. */
function ownerOf(keyId: string, serviceApiKey: number, clientId: number): Buffer {
  return Buffer.from(`${SEALED_PREFIX}${keyId}|${serviceApiKey}|${clientId}`)
}

export function secretBox(keyring: Keyring): SecretBox {
  if (keyring.length === 0) throw new Error('a secret keyring needs at least one key')
  const [sealing] = keyring
  const keys = new Map(keyring.map(({ id, key }) => [id, key]))
  return {
    keyIds: keyring.map(({ id }) => id),
    seal(secret, serviceApiKey, clientId) {
      const iv = nextIv()
      const cipher = createCipheriv('aes-256-gcm', sealing.key, iv)
      cipher.setAAD(ownerOf(sealing.id, serviceApiKey, clientId))
      const sealed = Buffer.concat([
        cipher.update(secret, 'utf8'),
        cipher.final(),
        cipher.getAuthTag(),
      ])
      return `${SEALED_PREFIX}${sealing.id}.${iv.toString('base64url')}.${sealed.toString('base64url')}`
    },
    open(stored, serviceApiKey, clientId) {
      if (!isSealed(stored)) return stored
      const [, keyId = '', ivText = '', sealedText = '', extra] = stored.split('.')
      const key = keys.get(keyId)
      if (!key) throw new UnknownSecretKeyError(keyId)
      const iv = Buffer.from(ivText, 'base64url')
      const sealed = Buffer.from(sealedText, 'base64url')
      if (extra !== undefined || iv.length !== IV_BYTES || sealed.length < TAG_BYTES) {
        throw new Error(`the client secret of client ${clientId} is not a well-formed sealed value`)
      }
      const decipher = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES })
      decipher.setAAD(ownerOf(keyId, serviceApiKey, clientId))
      decipher.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES))
      try {
        const opened = decipher.update(sealed.subarray(0, sealed.length - TAG_BYTES))
        return Buffer.concat([opened, decipher.final()]).toString('utf8')
      } catch {
        // GCM's tag check: another key under the same id, an altered value, another row's.
        throw new Error(
          `the client secret of client ${clientId} does not open with key "${keyId}": ` +
            'the key is not the one it was sealed with, or the value was altered',
        )
      }
    },
  }
}

/**
 * Secrets stored as they are, for a store given no keyring (tests, embedding): a sealed
 * value it meets is refused, never handed out as if it were the secret.
 */
export const PLAINTEXT_SECRETS: SecretBox = {
  keyIds: [],
  seal: (secret) => secret,
  open(stored) {
    if (isSealed(stored)) throw new UnknownSecretKeyError(sealedKeyId(stored))
    return stored
  },
}

/**
 * A keyring from its text: `id:base64key` entries separated by commas (or white space, as
 * in a key file), the sealing key first. The message of a refusal never holds key material.
 */
export function parseKeyring(text: string): Keyring {
  const entries = text.split(/[\s,]+/).filter((entry) => entry !== '')
  if (entries.length === 0) throw new Error('no key in it')
  const keyring: SecretKey[] = []
  for (const [index, entry] of entries.entries()) {
    const colon = entry.indexOf(':')
    const id = colon < 0 ? '' : entry.slice(0, colon)
    const encoded = entry.slice(colon + 1)
    if (!KEY_ID.test(id)) {
      throw new Error(
        `entry ${index + 1} is not id:base64key with an id of letters, digits, _ or -`,
      )
    }
    if (keyring.some((key) => key.id === id)) throw new Error(`key id "${id}" is given twice`)
    // Buffer.from skips what is not base64: a strict look first.
    const key = /^[A-Za-z0-9+/_-]+={0,2}$/.test(encoded)
      ? Buffer.from(encoded, 'base64')
      : undefined
    if (key?.length !== KEY_BYTES) {
      throw new Error(`key "${id}" is not ${KEY_BYTES} bytes in base64`)
    }
    keyring.push({ id, key })
  }
  return keyring
}

/** A keyring's text, as parseKeyring reads it. */
export function formatKeyring(keyring: Keyring): string {
  return keyring.map(({ id, key }) => `${id}:${key.toString('base64')}`).join(',')
}

/** A fresh random key, named by a random id. */
export function newSecretKey(): SecretKey {
  return { id: `k${randomBytes(4).toString('hex')}`, key: randomBytes(KEY_BYTES) }
}
