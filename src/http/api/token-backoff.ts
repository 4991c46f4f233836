/**
 * Backing off guessed API tokens. Each client address may present a wrong bearer token
 * `failures` times within `windowSeconds` of its first wrong one; past that, every API
 * request from the address is answered 429 with Retry-After until the window ends, the
 * right token included (else the 429 would tell a guess that hit from one that missed).
 * Only wrong tokens count: a missing token guesses nothing, and what the calls themselves
 * answer never counts. An authorization server holds its token in configuration, so its
 * traffic never comes near the threshold. The table of addresses holds at most `addresses`
 * entries, those failing least recently dropped first, so anyone may fill it without
 * growing the process.
 * @see RFC 6585 §4 (429), RFC 9110 §10.2.3 (Retry-After)
 */
import { isIP } from 'node:net'
import { GenerationalCache } from '../../engine/index.js'
import { OAuthError } from '../../wire/index.js'

export interface TokenBackoffOptions {
  /** Wrong tokens an address may present within a window. @default 20 */
  failures: number
  /** Length of the window, from an address's first wrong token, seconds. @default 60 */
  windowSeconds: number
  /** Addresses tracked at most. @default 10000 */
  addresses: number
}

const DEFAULT_TOKEN_BACKOFF: TokenBackoffOptions = Object.freeze({
  failures: 20,
  windowSeconds: 60,
  addresses: 10_000,
})

interface Window {
  /** Milliseconds since the epoch when the window ends. */
  endsAt: number
  failures: number
}

/**
 * The key an address is counted under. An IPv6 host usually holds a whole /64, so its
 * addresses count together; an IPv4-mapped IPv6 address counts as the IPv4 address.
 */
export function addressKey(address: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)
  if (mapped) return mapped[1]!
  if (isIP(address) !== 6) return address
  const [head = '', tail] = address.toLowerCase().split('::')
  const groups = head === '' ? [] : head.split(':')
  if (tail !== undefined) {
    const after = tail === '' ? [] : tail.split(':')
    groups.push(...Array<string>(8 - groups.length - after.length).fill('0'), ...after)
  }
  return `${groups
    .slice(0, 4)
    .map((group) => group.replace(/^0+(?=.)/, ''))
    .join(':')}::/64`
}

export class TokenBackoff {
  readonly #options: TokenBackoffOptions
  readonly #windows: GenerationalCache<string, Window>
  readonly #now: () => number

  constructor(options: Partial<TokenBackoffOptions> = {}, now: () => number = Date.now) {
    this.#options = { ...DEFAULT_TOKEN_BACKOFF, ...options }
    this.#windows = new GenerationalCache(this.#options.addresses)
    this.#now = now
  }

  /** Throws a 429 while the address has used up its wrong tokens for the window. */
  check(address: string): void {
    const window = this.#current(addressKey(address))
    if (!window || window.failures < this.#options.failures) return
    const seconds = Math.max(1, Math.ceil((window.endsAt - this.#now()) / 1000))
    throw new OAuthError('too_many_requests', 'too many wrong access tokens from this address', {
      headers: { 'retry-after': String(seconds) },
    })
  }

  /** Counts a wrong token presented from the address. */
  recordFailure(address: string): void {
    const key = addressKey(address)
    const window = this.#current(key) ?? {
      endsAt: this.#now() + this.#options.windowSeconds * 1000,
      failures: 0,
    }
    window.failures++
    this.#windows.set(key, window)
  }

  #current(key: string): Window | undefined {
    const window = this.#windows.get(key)
    if (window && window.endsAt <= this.#now()) {
      this.#windows.delete(key)
      return undefined
    }
    return window
  }
}
