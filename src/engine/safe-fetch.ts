/**
 * Fetching a document a client names (its jwks_uri; later its client ID metadata document)
 * without letting the client aim Registrar at what only Registrar can reach: https only, no
 * private, loopback, link-local or otherwise special address (each name resolved once and
 * the connection made to the very address checked, so a name cannot resolve to a public
 * address for the check and a private one for the connection), no redirects, a time limit
 * and a size limit. Trust in the server's certificate is Node's own (NODE_EXTRA_CA_CERTS).
 * @see OWASP Server-Side Request Forgery Prevention; RFC 6890 (special-purpose addresses)
 */
import { lookup as dnsLookup, type LookupAddress } from 'node:dns'
import { request } from 'node:https'
import { BlockList, isIP, type LookupFunction } from 'node:net'
import { isPrivateNetworkHost } from '../metadata/index.js'

/** Why a fetch was refused: each reason its own text. */
export class FetchRefusedError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'FetchRefusedError'
  }
}

export interface SafeFetchOptions {
  /** Lets private and loopback addresses through: for tests and private networks only. */
  allowPrivate?: boolean
  /** @default 5000 */
  timeoutMilliseconds?: number
  /** @default 64 KiB */
  maxBytes?: number
  signal?: AbortSignal
  headers?: Headers | Record<string, string>
}

/**
 * Ranges no URL is meant to reach beyond the special-purpose ones every fetched URI is held
 * to (metadata/private-network.ts): documentation and discard-only addresses, which a
 * registered URI may name but a fetch has no reason to reach (RFC 5737, RFC 3849, RFC 6666).
 */
const UNROUTABLE = { ipv4: new BlockList(), ipv6: new BlockList() }
for (const network of ['192.0.2.0', '198.51.100.0', '203.0.113.0']) {
  UNROUTABLE.ipv4.addSubnet(network, 24, 'ipv4')
}
UNROUTABLE.ipv6.addSubnet('2001:db8::', 32, 'ipv6')
UNROUTABLE.ipv6.addSubnet('100::', 64, 'ipv6')

/** Whether an address is one a client-supplied URL must not reach. */
export function isSpecialAddress(address: string): boolean {
  const family = isIP(address)
  if (family === 0) return true
  if (isPrivateNetworkHost(address)) return true
  return family === 4
    ? UNROUTABLE.ipv4.check(address, 'ipv4')
    : UNROUTABLE.ipv6.check(address, 'ipv6')
}

/** Resolves the name once and hands the connection only an address that passed the check. */
function checkedLookup(allowPrivate: boolean): LookupFunction {
  return (hostname, options, callback) => {
    dnsLookup(hostname, { all: true, family: options.family ?? 0 }, (error, addresses) => {
      if (error) return callback(error, '', 0)
      const all = addresses as LookupAddress[]
      // Every address the name has must pass: a client cannot mix in a private one.
      const refused = allowPrivate
        ? undefined
        : all.find((entry) => isSpecialAddress(entry.address))
      if (refused) {
        return callback(
          new FetchRefusedError(
            `${hostname} resolves to ${refused.address}, a private, loopback or reserved address`,
          ),
          '',
          0,
        )
      }
      const [first] = all
      if (!first) return callback(new FetchRefusedError(`${hostname} has no address`), '', 0)
      if (options.all) return callback(null, [first])
      return callback(null, first.address, first.family)
    })
  }
}

/**
 * GETs `url` under the rules above; resolves a Response whose body has been read in full
 * (so its size is known), or rejects with a FetchRefusedError that says why.
 */
export async function safeFetch(url: string, options: SafeFetchOptions = {}): Promise<Response> {
  const { allowPrivate = false, timeoutMilliseconds = 5000, maxBytes = 64 * 1024 } = options
  let target: URL
  try {
    target = new URL(url)
  } catch {
    throw new FetchRefusedError(`${url} is not a URL`)
  }
  if (target.protocol !== 'https:') throw new FetchRefusedError(`${url} is not an https URL`)
  const host = target.hostname.replace(/^\[|\]$/g, '')
  if (isIP(host) !== 0 && !allowPrivate && isSpecialAddress(host)) {
    throw new FetchRefusedError(`${host} is a private, loopback or reserved address`)
  }
  // The deadline is a timer of our own, held until the fetch settles: a bare
  // AbortSignal.timeout() combined through AbortSignal.any() is held weakly, and under load
  // was seen never to fire (a 7 s answer got through a 5 s limit).
  const deadline = new AbortController()
  const timer = setTimeout(
    () => deadline.abort(new DOMException('the fetch took too long', 'TimeoutError')),
    timeoutMilliseconds,
  )
  const signal = options.signal
    ? AbortSignal.any([deadline.signal, options.signal])
    : deadline.signal
  const headers = Object.fromEntries(new Headers(options.headers).entries())

  return new Promise<Response>((resolve, reject) => {
    const fail = (error: unknown) => reject(refusalOf(error, url, timeoutMilliseconds, signal))
    const outgoing = request(
      target,
      { method: 'GET', headers, lookup: checkedLookup(allowPrivate), signal },
      (incoming) => {
        const status = incoming.statusCode ?? 0
        if (status >= 300 && status < 400) {
          incoming.destroy()
          return reject(
            new FetchRefusedError(`${url} redirects (${status}); redirects are not followed`),
          )
        }
        const chunks: Buffer[] = []
        let size = 0
        incoming.on('data', (chunk: Buffer) => {
          size += chunk.length
          if (size > maxBytes) {
            incoming.destroy()
            reject(new FetchRefusedError(`${url} answers more than ${maxBytes} bytes`))
          } else {
            chunks.push(chunk)
          }
        })
        incoming.on('error', fail)
        incoming.on('end', () => {
          const responseHeaders = new Headers()
          for (const [name, value] of Object.entries(incoming.headers)) {
            for (const one of [value ?? []].flat()) responseHeaders.append(name, one)
          }
          resolve(new Response(Buffer.concat(chunks), { status, headers: responseHeaders }))
        })
      },
    )
    outgoing.on('error', fail)
    outgoing.end()
  }).finally(() => clearTimeout(timer))
}

/** A refusal that says why a fetch failed: our own reason, a timeout, or the network's. */
function refusalOf(error: unknown, url: string, timeout: number, signal: AbortSignal): Error {
  if (error instanceof FetchRefusedError) return error
  if (signal.aborted && (signal.reason as Error | undefined)?.name === 'TimeoutError') {
    return new FetchRefusedError(`${url} did not answer within ${timeout} ms`)
  }
  const code = (error as { code?: string } | undefined)?.code
  return new FetchRefusedError(`${url} could not be fetched${code ? ` (${code})` : ''}`)
}
