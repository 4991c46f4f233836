/**
 * The client information response as a schema (TypeBox), for a client that must not
 * trust what it receives or reads back from disk: every member ClientInformationSchema
 * declares is checked for its JSON type, unknown members pass (RFC 7591 §2 lets servers
 * add their own). Only `client_id` is required: other servers omit what Registrar always
 * sends. Formats and bounds are the server's to enforce, so they are left out here.
 * @see RFC 7591 §2 and §3.2.1; RFC 7592 §3
 */
import { Type, type TSchema } from '@sinclair/typebox'
import { ClientInformationSchema, JwkSetSchema } from './metadata.js'

/** The JSON type a declared member must have, without its format or bounds. */
function looseTypeOf(schema: TSchema): TSchema {
  if (Array.isArray(schema.anyOf))
    return Type.Union(schema.anyOf.map((item: TSchema) => Type.Literal(item.const)))
  switch (schema.type) {
    case 'array':
      return Type.Array(Type.String())
    case 'boolean':
      return Type.Boolean()
    case 'integer':
      return Type.Number()
    case 'object':
      return JwkSetSchema
  }
  return Type.String()
}

/**
 * Client information as RFC 7591 §3.2.1 answers it: `client_id` and every known member
 * typed, others passed through.
 * @see RFC 7591 §3.2.1; RFC 7592 §3
 */
export const ClientInformationResponseSchema = Type.Object(
  {
    ...Object.fromEntries(
      Object.entries(ClientInformationSchema.properties).map(([name, schema]) => [
        name,
        Type.Optional(looseTypeOf(schema)),
      ]),
    ),
    client_id: Type.String({ minLength: 1 }),
  },
  { additionalProperties: true },
)
