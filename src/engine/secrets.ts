/**
 * Secrets Registrar mints: client secrets, registration access tokens, initial access
 * tokens, API tokens. Bearer secrets are stored as SHA-256 hashes only; they carry 256
 * random bits, so a fast hash is enough, and comparison is constant-time.
 *
 * Tokens looked up by themselves (initial access tokens, API tokens) are `<id>.<secret>`:
 * the row is found by id, then the secret's hash compared (no hash index, no timing leak).
 * A registration access token is a bare secret: RFC 7592 names the client in the URL.
 */
import { createHash, timingSafeEqual } from 'node:crypto'

/** Draws n random bytes; injected so tests can fix it. */
export type RandomBytes = (size: number) => Uint8Array

/**
 * Random bytes drawn from the source a pool at a time: one system call serves many
 * secrets. Bytes are handed out once; a spent pool is replaced, never refilled, so what
 * was handed out stays as it was.
 */
export function pooledRandomBytes(source: RandomBytes, poolSize = 4096): RandomBytes {
  let pool = source(poolSize)
  let offset = 0
  return (size) => {
    if (size > poolSize) return source(size)
    if (offset + size > poolSize) {
      pool = source(poolSize)
      offset = 0
    }
    offset += size
    return pool.subarray(offset - size, offset)
  }
}

/** 256 bits, base64url: 43 characters (RFC 7591 §3.2.1 asks for unguessable secrets). */
export function mintSecret(randomBytes: RandomBytes): string {
  return Buffer.from(randomBytes(32)).toString('base64url')
}

/** A random id that is a safe JSON integer of 14 digits, as Authlete's ids. */
export function mintNumericId(randomBytes: RandomBytes): number {
  const draw = Buffer.from(randomBytes(6)).readUIntBE(0, 6)
  return 10_000_000_000_000 + (draw % 90_000_000_000_000)
}

/** SHA-256 of a secret, base64url. */
export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('base64url')
}

/** Whether a presented secret hashes to the stored hash, compared in constant time. */
export function secretMatches(presented: string, storedHash: string | undefined): boolean {
  if (storedHash === undefined) return false
  const expected = Buffer.from(storedHash, 'base64url')
  const actual = createHash('sha256').update(presented).digest()
  return expected.length === actual.length && timingSafeEqual(expected, actual)
}

/** Whether two secrets are equal, compared in constant time (RFC 7592 §2.2 client_secret). */
export function secretsEqual(a: string, b: string): boolean {
  const left = createHash('sha256').update(a).digest()
  const right = createHash('sha256').update(b).digest()
  return timingSafeEqual(left, right)
}

export interface SplitToken {
  id: string
  secret: string
}

/** Mints an `<id>.<secret>` token with a 16-hex-digit id. */
export function mintIdToken(randomBytes: RandomBytes): SplitToken & { token: string } {
  const id = Buffer.from(randomBytes(8)).toString('hex')
  const secret = mintSecret(randomBytes)
  return { id, secret, token: `${id}.${secret}` }
}

/** Splits an `<id>.<secret>` token; undefined when it has not that form. */
export function splitIdToken(token: string): SplitToken | undefined {
  const match = /^([0-9a-f]{16})\.([A-Za-z0-9_-]{43})$/.exec(token)
  return match ? { id: match[1], secret: match[2] } : undefined
}
