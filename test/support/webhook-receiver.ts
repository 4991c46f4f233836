/**
 * A real webhook receiver (node:http) on a port of its own that can be down (nothing
 * listens: connections are refused), failing (503) or up (204), and remembers every POST.
 * The README's signature check, cut out of README.md, verifies what arrives.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http'
import { readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { freePort } from './free-port.js'

export interface ReceivedPost {
  id: string
  headers: IncomingHttpHeaders
  body: string
  /** What the receiver answered. */
  status: number
}

export type ReceiverMode = 'down' | 'failing' | 'up'

export class WebhookReceiver {
  readonly posts: ReceivedPost[] = []
  /** Answers 503 to a post when this says so, whatever the mode. */
  refuse: (post: Omit<ReceivedPost, 'status'>) => boolean = () => false
  #server: Server | undefined
  #mode: ReceiverMode = 'down'

  private constructor(readonly port: number) {}

  static async start(mode: ReceiverMode): Promise<WebhookReceiver> {
    const receiver = new WebhookReceiver(await freePort())
    await receiver.setMode(mode)
    return receiver
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}/hook`
  }

  /** The posts answered 2xx: those the sender counts as delivered. */
  get accepted(): ReceivedPost[] {
    return this.posts.filter((post) => post.status < 300)
  }

  async setMode(mode: ReceiverMode): Promise<void> {
    this.#mode = mode
    if (mode === 'down' && this.#server) {
      const server = this.#server
      this.#server = undefined
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    }
    if (mode !== 'down' && !this.#server) {
      const server = createServer((request, response) => {
        let body = ''
        request.setEncoding('utf8')
        request.on('data', (chunk: string) => (body += chunk))
        request.on('end', () => {
          const post = { id: String(request.headers['webhook-id']), headers: request.headers, body }
          const status = this.#mode === 'failing' || this.refuse(post) ? 503 : 204
          this.posts.push({ ...post, status })
          response.writeHead(status).end()
        })
      })
      await new Promise<void>((resolve) => server.listen(this.port, '127.0.0.1', resolve))
      this.#server = server
    }
  }

  close(): Promise<void> {
    return this.setMode('down')
  }
}

type VerifyWebhook = (
  secret: string,
  headers: Record<string, string | string[] | undefined>,
  body: string,
  nowSeconds?: number,
) => boolean

/** The `verifyWebhook` of the README's Webhooks section, as a reader would paste it. */
export async function readmeVerifyWebhook(): Promise<VerifyWebhook> {
  const readme = await readFile(new URL('../../README.md', import.meta.url), 'utf8')
  const section = readme.slice(readme.indexOf('### Webhooks'))
  const code = /```ts\n([\s\S]*?)```/.exec(section)?.[1]
  if (!code) throw new Error('the README has no verifyWebhook example under ### Webhooks')
  const file = join(tmpdir(), `registrar-verify-webhook-${process.pid}.ts`)
  await writeFile(file, code)
  try {
    const module = (await import(pathToFileURL(file).href)) as { verifyWebhook: VerifyWebhook }
    return module.verifyWebhook
  } finally {
    await rm(file, { force: true })
  }
}
