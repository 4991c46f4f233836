/**
 * The `patch` parameter of service configuration (Authlete's API): a JSON Patch (RFC 6902)
 * applied to the discovery document before it is sent, so an authorization server can
 * add or change members Registrar does not know of. Every operation must apply, or
 * nothing does: a patch that is not a JSON array, or an operation that cannot apply
 * (RFC 6902 §5), is a 400 naming the operation. Changes to prototypes are refused.
 */
import { OAuthError, parseStorableJson, UnstorableJsonError } from '../../wire/index.js'

export async function applyJsonPatch(
  document: object,
  patch: string | undefined,
): Promise<unknown> {
  if (patch === undefined || patch === '') return document
  // Imported on first use: only the few callers that patch pay for loading it.
  const { default: jsonPatch } = await import('fast-json-patch')
  let operations: unknown
  try {
    operations = parseStorableJson(patch)
  } catch (error) {
    if (error instanceof UnstorableJsonError) {
      throw new OAuthError('invalid_request', `'patch': ${error.message}`)
    }
    throw new OAuthError('invalid_request', "'patch' is not JSON")
  }
  if (!Array.isArray(operations)) {
    throw new OAuthError('invalid_request', "'patch' must be a JSON array of operations (RFC 6902)")
  }
  try {
    // Validated, on a copy, with prototype changes banned.
    return jsonPatch.applyPatch(document, operations, true, false, true).newDocument
  } catch (error) {
    if (error instanceof jsonPatch.JsonPatchError) {
      const at = error.index === undefined ? '' : ` (operation ${error.index})`
      throw new OAuthError('invalid_request', `'patch' cannot be applied${at}: ${error.name}`)
    }
    // The library refuses a change to __proto__ or constructor/prototype with a TypeError.
    if (error instanceof TypeError) {
      throw new OAuthError('invalid_request', "'patch' cannot be applied: it changes a prototype")
    }
    throw error
  }
}
