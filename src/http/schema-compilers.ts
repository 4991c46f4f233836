/**
 * Route schema compilers. Envelopes are checked with TypeBox's compiler, each schema
 * compiled on its first use, and answers are serialised by the routes themselves: so
 * start-up neither loads nor runs Ajv and fast-json-stringify for schemas that mostly
 * serve the OpenAPI document. Types are checked as sent: a number is not a string.
 */
import type { TSchema } from '@sinclair/typebox'
import { TypeCompiler, type TypeCheck } from '@sinclair/typebox/compiler'
import { OAuthError } from '../wire/index.js'

export type HttpPart = 'body' | 'querystring' | 'params' | 'headers'

/** A validator that compiles its schema the first time it runs. */
export function lazyValidator(schema: TSchema, part: HttpPart) {
  let check: TypeCheck<TSchema> | undefined
  return (value: unknown) => {
    check ??= TypeCompiler.Compile(schema)
    if (check.Check(value)) return { value }
    const first = check.Errors(value).First()
    const where = `${part}${first?.path ?? ''}`
    return {
      error: new OAuthError(
        'invalid_request',
        `invalid request: ${where}: ${first?.message ?? 'invalid'}`,
      ),
    }
  }
}

export const schemaController = {
  compilersFactory: {
    buildValidator: () => (route: { schema: unknown; httpPart?: string }) =>
      lazyValidator(route.schema as TSchema, (route.httpPart ?? 'body') as HttpPart),
    buildSerializer: () => () => (data: unknown) => JSON.stringify(data),
  },
}
