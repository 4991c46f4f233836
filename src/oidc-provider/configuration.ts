/**
 * The pieces of node-oidc-provider's configuration that hand registration to Registrar.
 */

/** Where clients register. */
export interface RegistrationEndpointOptions {
  /**
   * Registrar's public base URL (its `--base-url`).
   * @default none (required unless registrationEndpoint is given)
   */
  baseUrl?: string | URL
  /** The service's id (its apiKey). @default none (required unless registrationEndpoint is given) */
  serviceId?: string | number
  /**
   * The registration endpoint itself, when the service sets its own `registrationEndpoint`.
   * @default `${baseUrl}/${serviceId}/register`
   */
  registrationEndpoint?: string
}

/** The configuration members {@link registrarConfiguration} returns. */
export interface RegistrarConfiguration {
  features: { registration: { enabled: false } }
  discovery: { registration_endpoint: string }
}

/**
 * node-oidc-provider's own registration off (no `/reg` route), and its discovery document
 * naming Registrar's endpoint instead, so clients that discover the provider register at
 * Registrar. The provider adds `discovery` members it does not set itself, and with
 * registration off it sets no registration_endpoint. Merge `features` with your own.
 * @see RFC 8414 §2 (registration_endpoint), OIDC Discovery §3, RFC 7591 §3
 */
export function registrarConfiguration(
  options: RegistrationEndpointOptions,
): RegistrarConfiguration {
  return {
    features: { registration: { enabled: false } },
    discovery: { registration_endpoint: registrationEndpointOf(options) },
  }
}

function registrationEndpointOf(options: RegistrationEndpointOptions): string {
  if (options.registrationEndpoint !== undefined) return options.registrationEndpoint
  if (options.baseUrl === undefined || options.serviceId === undefined) {
    throw new TypeError('give baseUrl and serviceId, or registrationEndpoint')
  }
  const base = String(options.baseUrl).replace(/\/+$/, '')
  return `${base}/${encodeURIComponent(String(options.serviceId))}/register`
}
