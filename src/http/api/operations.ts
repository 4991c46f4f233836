/**
 * An API route as data: its method and path, what the OpenAPI document says of it, who may
 * call it, and the one engine call it answers with. Each route family is a table of these
 * (Authlete's API), registered in table order by addOperations.
 */
import { Type, type TSchema } from '@sinclair/typebox'
import type { FastifyInstance, FastifyRequest, RouteGenericInterface } from 'fastify'
import type { Engine } from '../../engine/index.js'
import { sendJson } from '../errors.js'
import { lazyValidator, type HttpPart } from '../schema-compilers.js'
import type { Access } from './index.js'
import { apiErrors, apiSecurity } from './route-docs.js'

export interface Operation<R extends RouteGenericInterface = RouteGenericInterface> {
  method: 'GET' | 'POST' | 'DELETE'
  path: string
  /**
   * Unique and stable: the Authlete SDK's function name where Authlete has the call
   * (`clientCreate` for `client.create`), else the resource and the verb in the same form.
   */
  operationId: string
  summary: string
  description?: string
  /** @default 'service' (see Access) */
  access?: Access
  params?: TSchema
  querystring?: TSchema
  body?: TSchema
  /**
   * Who checks the body: `schema` (the default) refuses what `body` does not allow before
   * `run`; `engine` lets every JSON object through to the engine, whose check is the one
   * answer to a bad body, and `body` then only documents it.
   * @default 'schema'
   */
  bodyCheck?: 'schema' | 'engine'
  /**
   * Whether an empty body is refused (400) rather than read as `{}` (Authlete's API): for
   * calls where `{}` would silently undo something, such as replacing a whole document.
   */
  bodyRequired?: boolean
  /** The schema of the 200 answer; without one the operation answers 204 with no body. */
  answer?: TSchema
  /** The body of the answer, after the engine call; ignored for a 204. */
  run(engine: Engine, request: FastifyRequest<R>): Promise<unknown>
  /** Spaces to indent the JSON answer by. */
  indent?(request: FastifyRequest<R>): number | undefined
}

/** An operation whose request parts (`Params`, `Querystring`, `Body`) are typed as `R`. */
export function operation<R extends RouteGenericInterface>(spec: Operation<R>): Operation {
  return spec as unknown as Operation
}

/** Registers each operation as a route that runs it and answers 200 with JSON, or 204. */
export function addOperations(
  app: FastifyInstance,
  engine: Engine,
  tags: string[],
  operations: readonly Operation[],
): void {
  for (const operation of operations) {
    const { method, path, operationId, summary, description, access } = operation
    const { params, querystring, body, answer } = operation
    const config = {
      ...(access !== undefined && { access }),
      ...(operation.bodyRequired && { bodyRequired: true }),
    }
    const engineChecksBody = operation.bodyCheck === 'engine'
    const response: Record<number, TSchema> =
      answer === undefined ? { 204: Type.Null(), ...apiErrors } : { 200: answer, ...apiErrors }
    app.route({
      method,
      url: path,
      config,
      ...(engineChecksBody && { validatorCompiler: exceptBody }),
      schema: {
        tags,
        operationId,
        summary,
        ...(description !== undefined && { description }),
        security: apiSecurity,
        ...(params !== undefined && { params }),
        ...(querystring !== undefined && { querystring }),
        ...(body !== undefined && { body }),
        response,
      },
      handler: async (request, reply) => {
        const result = await operation.run(engine, request)
        if (answer === undefined) return reply.code(204).send()
        return sendJson(reply, 200, result, operation.indent?.(request))
      },
    })
  }
}

/** The route schema validators, but the body passes as parsed (`bodyCheck: 'engine'`). */
function exceptBody({ schema, httpPart }: { schema: unknown; httpPart?: string }) {
  return httpPart === 'body'
    ? (value: unknown) => ({ value })
    : lazyValidator(schema as TSchema, (httpPart ?? 'body') as HttpPart)
}
