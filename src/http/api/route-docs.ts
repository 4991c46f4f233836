/** What every API route declares for the OpenAPI document: its security and ResultError answers. */
import { ResultErrorSchema } from '../../wire/index.js'

export const bearerSecurity = [{ bearer: [] }]

/** API routes: a bearer token, or a service's apiKey:apiSecret over HTTP Basic. */
export const apiSecurity: Record<string, string[]>[] = [{ bearer: [] }, { apiSecret: [] }]

export const apiErrors = {
  400: ResultErrorSchema,
  401: ResultErrorSchema,
  403: ResultErrorSchema,
  404: ResultErrorSchema,
  429: ResultErrorSchema,
  500: ResultErrorSchema,
}
