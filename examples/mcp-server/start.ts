/**
 * The three servers together, on 127.0.0.1: Registrar, the authorization server
 * (node-oidc-provider reading clients from Registrar) and the MCP server (trusting the
 * authorization server's tokens). Every server listens first and is wired after, because
 * each names the others' URLs. What must survive a restart lives in `stateFolder`.
 */
import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import { endpointsOf, MCP_SCOPE, serveAuthorizationServer } from './authorization-server.js'
import { loadOrCreateKeys } from './keys.js'
import { listen, type Listener } from './listener.js'
import { MCP_PATH, serveMcpServer } from './mcp-server.js'
import { describeAuthorizationServer, startRegistrar, type RunningRegistrar } from './registrar.js'

export interface Ports {
  registrar: number
  authorizationServer: number
  mcpServer: number
}

export interface ExampleOptions {
  /** Registrar's database, its service and token, the authorization server's keys. */
  stateFolder: string
  /** 0 picks a free port. @default every port 0 */
  ports?: Partial<Ports>
}

export interface RunningExample {
  registrar: RunningRegistrar
  /** The authorization server's issuer identifier. */
  issuer: string
  /** The MCP endpoint, also the resource indicator its tokens carry as audience. */
  mcpUrl: string
  /** The ports taken, to start again on the same ones. */
  ports: Ports
  stop(): Promise<void>
}

/** Starts the three servers; a failure stops those already started. */
export async function startExample({
  stateFolder,
  ports = {},
}: ExampleOptions): Promise<RunningExample> {
  await mkdir(stateFolder, { recursive: true, mode: 0o700 })
  const listeners: Listener[] = []
  let registrar: RunningRegistrar | undefined
  const stop = async () => {
    await Promise.all(listeners.map((listener) => listener.close()))
    await registrar?.stop()
  }
  try {
    const authorizationServer = await listen(ports.authorizationServer ?? 0)
    listeners.push(authorizationServer)
    const mcpServer = await listen(ports.mcpServer ?? 0)
    listeners.push(mcpServer)
    registrar = await startRegistrar(stateFolder, ports.registrar ?? 0)

    const issuer = authorizationServer.url
    const mcpUrl = `${mcpServer.url}${MCP_PATH}`
    await describeAuthorizationServer(registrar, endpointsOf(issuer))
    serveAuthorizationServer(authorizationServer, {
      registrar: {
        url: registrar.url,
        serviceId: registrar.state.serviceId,
        serviceToken: registrar.state.serviceToken,
      },
      resource: mcpUrl,
      keys: await loadOrCreateKeys(join(stateFolder, 'provider-keys.json')),
    })
    serveMcpServer(mcpServer, issuer, MCP_SCOPE)
    return {
      registrar,
      issuer,
      mcpUrl,
      ports: {
        registrar: registrar.port,
        authorizationServer: authorizationServer.port,
        mcpServer: mcpServer.port,
      },
      stop,
    }
  } catch (error) {
    await stop()
    throw error
  }
}
