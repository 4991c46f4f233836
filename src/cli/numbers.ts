/**
 * The one parser of numbers on the command line: ids in arguments (`<serviceId>`,
 * `<clientId>`, `--service`) and numeric options (`--start`, `--expires-in`, ...). Anything
 * else is a usage error (exit 2) naming the argument, never a request for "service NaN".
 */
import { InvalidArgumentError } from 'commander'
import { UsageError } from './run.js'

/** A non-negative decimal integer within JavaScript's safe range, or undefined. */
function nonNegativeInteger(value: string): number | undefined {
  if (!/^\d+$/.test(value)) return undefined
  const number = Number(value)
  return Number.isSafeInteger(number) ? number : undefined
}

/** Commander's parser for a numeric id (Authlete's apiKey and clientId): kept as typed. */
export function numericId(value: string): string {
  if (nonNegativeInteger(value) === undefined)
    throw new InvalidArgumentError('Expected a numeric id, such as 2418563210347.')
  return value
}

/** Commander's parser for a client id: numeric, or an https URL (a Client ID Metadata Document). */
export function clientIdOrUrl(value: string): string {
  if (/^https:\/\//i.test(value) && URL.canParse(value)) return value
  if (nonNegativeInteger(value) === undefined)
    throw new InvalidArgumentError('Expected a numeric client id, or an https URL client_id.')
  return value
}

/** Parses a non-negative integer flag, naming the flag when it is not one. */
export function integerFlag(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined
  const number = nonNegativeInteger(value)
  if (number === undefined)
    throw new UsageError(
      `${name} must be a non-negative integer, not "${value}"`,
      'Run the command with --help for usage and examples.',
    )
  return number
}
