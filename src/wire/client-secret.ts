/**
 * Client secret rotation on the wire: Authlete's `client/secret/refresh` and
 * `client/secret/update` calls, with the shapes and result codes they answer.
 * @see Authlete API reference, Client Management: `/api/{serviceId}/client/secret/refresh`, `/update`
 */
import { Type, type Static } from '@sinclair/typebox'

/**
 * A secret an administrator may choose: Authlete takes at most 86 characters of the
 * base64url alphabet (the length of its own 512-bit secrets).
 */
export const CLIENT_SECRET_PATTERN = '^[A-Za-z0-9_-]{1,86}$'

/** Whether `secret` is one an administrator may set (CLIENT_SECRET_PATTERN). */
export function isSettableClientSecret(secret: unknown): secret is string {
  return typeof secret === 'string' && new RegExp(CLIENT_SECRET_PATTERN).test(secret)
}

/** The body of `POST /api/{S}/client/secret/update/{clientIdentifier}`. */
export const ClientSecretUpdateSchema = Type.Object({
  clientSecret: Type.String({
    pattern: CLIENT_SECRET_PATTERN,
    description: 'The new secret: 1 to 86 characters of the base64url alphabet (A-Z a-z 0-9 - _)',
  }),
})
export type ClientSecretUpdateBody = Static<typeof ClientSecretUpdateSchema>

/** What both calls answer: the secret now in force and the one it replaced. */
export const ClientSecretResultSchema = Type.Object({
  resultCode: Type.String({ examples: ['A148001'], description: 'The result code' }),
  resultMessage: Type.String({ description: 'The result code and what happened, for people' }),
  newClientSecret: Type.String({ description: 'The secret now in force' }),
  oldClientSecret: Type.Optional(
    Type.String({
      description:
        "The secret replaced; accepted until the service's clientSecretRotationOverlap has passed",
    }),
  ),
})
export type ClientSecretResult = Static<typeof ClientSecretResultSchema>

/** Result codes of the two calls: Registrar's (Authlete publishes none for them). */
export const CLIENT_SECRET_RESULT_CODES = { refresh: 'A148001', update: 'A149001' } as const
