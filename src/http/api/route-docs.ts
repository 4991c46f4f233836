/** What every API route declares for the OpenAPI document: bearer security and ResultError answers. */
import { ResultErrorSchema } from '../../wire/index.js'

export const bearerSecurity = [{ bearer: [] }]

export const apiErrors = {
  400: ResultErrorSchema,
  401: ResultErrorSchema,
  403: ResultErrorSchema,
  404: ResultErrorSchema,
  429: ResultErrorSchema,
  500: ResultErrorSchema,
}
