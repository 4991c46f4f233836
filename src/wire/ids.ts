/**
 * The format of service and client ids. Both are decimal numbers (a service's apiKey, a
 * client's client_id); a value of any other form names nothing, so it is refused before
 * anything is looked up, by this one test on every surface.
 * @see RFC 7591 §3.2.1 (client_id is a string the server chooses)
 */

/** Decimal digits only, no more than a safe integer holds. */
const NUMERIC_ID = /^[0-9]{1,16}$/

/**
 * The number a service or client id names (decimal text from a path or body, or a JSON
 * number from an older SDK), or undefined for anything outside the id format.
 * @see RFC 7591 §3.2.1
 */
export function numericId(value: string | number | undefined): number | undefined {
  const text = typeof value === 'number' ? String(value) : value
  if (text === undefined || !NUMERIC_ID.test(text)) return undefined
  const id = Number(text)
  return Number.isSafeInteger(id) ? id : undefined
}
