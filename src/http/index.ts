/** The HTTP surface: buildServer and its options, and the metrics it may serve. */
import type { ServerMetrics } from './metrics.js'

export { buildServer, type ServerOptions } from './build-server.js'
export type { MetricsAccess } from './metrics-route.js'
export type { ServerMetrics }

/**
 * The server's metrics, for buildServer's `metrics` option. prom-client is loaded here, on
 * first call, so a server without metrics never reads it.
 */
export async function createMetrics(): Promise<ServerMetrics> {
  const { ServerMetrics } = await import('./metrics.js')
  return new ServerMetrics()
}
