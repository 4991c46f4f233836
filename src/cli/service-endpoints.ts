/**
 * The issuer and registration endpoint a service really publishes: its settings when set,
 * else the server's defaults from its base URL (`{base}/{S}`, `{base}/{S}/register`), which
 * only the server knows. Read from the service's discovery document (RFC 8414 §2).
 */
import type { Registrar } from '../sdk/index.js'

export interface EffectiveEndpoints {
  issuer?: string
  registrationEndpoint?: string
}

export async function effectiveEndpoints(
  registrar: Registrar,
  serviceId: number | string,
): Promise<EffectiveEndpoints> {
  const document = await registrar.services.configuration(serviceId)
  const text = (value: unknown) => (typeof value === 'string' ? value : undefined)
  return {
    issuer: text(document['issuer']),
    registrationEndpoint: text(document['registration_endpoint']),
  }
}

/** Each service's endpoints, asked for together; a service gone meanwhile shows none. */
export function effectiveEndpointsOfAll(
  registrar: Registrar,
  serviceIds: readonly (number | string)[],
): Promise<EffectiveEndpoints[]> {
  return Promise.all(
    serviceIds.map((id) => effectiveEndpoints(registrar, id).catch((): EffectiveEndpoints => ({}))),
  )
}
