/**
 * The load every contender gets: the same registration metadata and the same request mix.
 * The metadata is what a native agent (an MCP client, a CLI) sends today: a loopback
 * redirect with its own port, code flow with refresh, a confidential auth method, and the
 * descriptive members RFC 7591 §2 names. Each request differs (name and port), so no
 * server can answer from a cache.
 */

export const SCENARIOS = ['register', 'read', 'mixed'] as const
export type Scenario = (typeof SCENARIOS)[number]

/** Share of requests that register in the mixed scenario; the rest read. */
export const MIXED_REGISTER_SHARE = 0.1

/** A pre-registered client to read: its configuration path and token (RFC 7592 §2). */
export interface ReadTarget {
  path: string
  token: string
}

/** The n-th registration body of a load process tagged `tag`. */
export function registrationBody(tag: string, n: number): string {
  return JSON.stringify({
    client_name: `Bench Agent ${tag}-${n}`,
    redirect_uris: [`http://127.0.0.1:${1024 + (n % 60_000)}/callback`],
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
    token_endpoint_auth_method: 'client_secret_basic',
    application_type: 'native',
    scope: 'openid profile email offline_access',
    client_uri: 'https://agent.example.com',
    logo_uri: 'https://agent.example.com/logo.png',
    tos_uri: 'https://agent.example.com/terms',
    policy_uri: 'https://agent.example.com/privacy',
    contacts: ['ops@agent.example.com'],
    software_id: '4NRB1-0XZABZI9E6-5SM3R',
    software_version: '2.4.1',
  })
}

/** Where a registration answer says the client can be read; the path only (servers may
 * not know their own port when they build the URI). */
export function readTargetOf(answer: Record<string, unknown>, registerPath: string): ReadTarget {
  const clientId = String(answer['client_id'])
  const uri = answer['registration_client_uri']
  const path =
    typeof uri === 'string'
      ? new URL(uri).pathname
      : `${registerPath}/${encodeURIComponent(clientId)}`
  const token = answer['registration_access_token']
  return { path, token: typeof token === 'string' ? token : '' }
}
