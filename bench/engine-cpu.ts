/**
 * CPU time per operation of the engine over a SQLite file (its worker thread included),
 * audit on: registrations (with the audit seals that follow them) and RFC 7592 reads.
 * CPU time, not wall time, so a machine shared with other work still gives comparable
 * figures; each figure is the median of several repeats. Runs from any checkout whose
 * engine and store take these options, which lets two commits be compared:
 *
 *   npm run bench:engine [-- --registrations 2000 --reads 20000 --repeats 5 --parallel 16]
 *   node --import tsx /path/to/other/checkout/bench/engine-cpu.ts   (a copy of this file)
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { createEngine } from '../src/engine/index.js'
import { openStore } from '../src/store/index.js'
import { registrationBody } from './scenarios.js'

const { values: args } = parseArgs({
  options: {
    registrations: { type: 'string', default: '2000' },
    reads: { type: 'string', default: '20000' },
    repeats: { type: 'string', default: '5' },
    parallel: { type: 'string', default: '16' },
  },
})
const registrations = Number(args.registrations)
const reads = Number(args.reads)
const repeats = Number(args.repeats)
const parallel = Number(args.parallel)

/** Runs `operation` `count` times, `parallel` at a time; µs of CPU (all threads) per call. */
async function cpuPerCall(count: number, operation: (index: number) => Promise<unknown>) {
  const start = process.cpuUsage()
  let next = 0
  await Promise.all(
    Array.from({ length: parallel }, async () => {
      while (next < count) await operation(next++)
    }),
  )
  const { user, system } = process.cpuUsage(start)
  return (user + system) / count
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[values.length >> 1]!

const dir = mkdtempSync(join(tmpdir(), 'registrar-engine-cpu-'))
try {
  const store = await openStore(join(dir, 'bench.db'))
  const engine = createEngine({
    store,
    baseUrl: 'https://dcr.example.com',
    audit: store.audit,
  })
  const service = await engine.createService({ serviceName: 'bench' } as never)
  const targets: { clientId: number; token: string }[] = []
  const register = async (index: number) => {
    const decision = await engine.register(service, {
      json: registrationBody('cpu', index),
    })
    if (decision.status !== 201) throw new Error(`register answered ${decision.status}`)
    const body = decision.body as { client_id: string; registration_access_token: string }
    if (targets.length < 1000) {
      targets.push({ clientId: Number(body.client_id), token: body.registration_access_token })
    }
  }
  const read = async (index: number) => {
    const { clientId, token } = targets[index % targets.length]!
    const decision = await engine.read(service, { clientId, token })
    if (decision.status !== 200) throw new Error(`read answered ${decision.status}`)
  }
  const registerFigures: number[] = []
  const readFigures: number[] = []
  // The first round warms the JIT and is not counted.
  for (let repeat = -1; repeat < repeats; repeat++) {
    const figures = [
      await cpuPerCall(registrations, async (index) => {
        await register(index)
        // The audit sealer's share, as a server's sealer runs it beside the load.
        if (index % 500 === 499) while ((await store.audit.seal()) > 0);
      }),
      await cpuPerCall(reads, read),
    ]
    if (repeat < 0) continue
    registerFigures.push(figures[0]!)
    readFigures.push(figures[1]!)
  }
  const show = (values: number[]) =>
    `${median(values).toFixed(1)} µs (${values.map((v) => v.toFixed(1)).join(' ')})`
  console.log(`register: ${show(registerFigures)}`)
  console.log(`read:     ${show(readFigures)}`)
  await store.close()
} finally {
  rmSync(dir, { recursive: true, force: true })
}
