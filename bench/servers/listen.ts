/**
 * What every contender does around its handler: bind 127.0.0.1 on a free port, print the
 * same `listening on` line as Registrar (the orchestrator times cold start to it), and
 * exit 0 on SIGTERM so that `node --cpu-prof` gets to write its profile.
 */
import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'

/**
 * Listens, runs `prepare` with the base URL (for servers that must know their own URL
 * before they can answer), then prints the line.
 */
export async function listen(
  server: Server,
  prepare: (url: string) => void = () => {},
): Promise<void> {
  process.once('SIGTERM', () => stop(server))
  process.once('SIGINT', () => stop(server))
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  const url = `http://127.0.0.1:${port}`
  prepare(url)
  process.stdout.write(`listening on ${url}\n`)
}

function stop(server: Server): void {
  server.close(() => process.exit(0))
  server.closeAllConnections()
}
