/**
 * `registrar doctor --service S`: replays what real clients send when they register (the
 * corpus of registration bodies and Client ID Metadata Documents shipped in corpus/) as dry
 * runs against a service, and says which would be refused under its settings and policy, and
 * why. A dry run is decided by the same code as a registration and stores nothing,
 * so the answer is what those clients would meet today.
 */
import type { Command } from 'commander'
import type { DryRunOutcome, Violation } from '../sdk/index.js'
import { addApiOptions, connect, type ApiFlags } from './api-options.js'
import { printJson, printLine, printTable } from './output.js'
import { exitOnUsageError, run } from './run.js'
import { numericId } from './numbers.js'

/** One real client's body, as corpus/real-clients.json holds it. */
interface CorpusEntry {
  id: string
  client: string
  kind: 'dcr-request' | 'cimd-document' | string
  body: Record<string, unknown>
}

/** What the service would do with one real client's body. */
export interface DoctorFinding {
  id: string
  client: string
  kind: string
  registers: boolean
  /** The refusal's error and description, when refused. */
  error?: string
  description?: string
  violations?: Violation[]
}

interface DoctorFlags extends ApiFlags {
  service: string
  json?: boolean
}

export function registerDoctor(program: Command): void {
  addApiOptions(exitOnUsageError(program.command('doctor')))
    .description(
      "replay real clients' registrations (MCP hosts, IDEs, agents, libraries) as dry runs against a service and report which it would refuse, and why",
    )
    .requiredOption('--service <id>', 'the service apiKey', numericId)
    .addHelpText(
      'after',
      '\nExits 1 when any real client would be refused.\n\nExample:\n  registrar doctor --service 2418563210347',
    )
    .action(
      run(async (flags: DoctorFlags) => {
        const registrar = await connect(flags)
        const findings: DoctorFinding[] = []
        for (const entry of await corpusEntries()) {
          const outcome = await registrar.registration.dryRun(flags.service, { json: entry.body })
          findings.push(findingOf(entry, outcome))
        }
        report(findings, flags.json === true)
        if (findings.some((finding) => !finding.registers)) process.exitCode = 1
      }),
    )
}

/** The corpus, loaded when the command runs (it is bundled as a chunk of its own). */
async function corpusEntries(): Promise<CorpusEntry[]> {
  const { default: corpus } = await import('../../corpus/real-clients.json', {
    with: { type: 'json' },
  })
  return (corpus as CorpusEntry[]).filter(
    (entry) => entry.kind === 'dcr-request' || entry.kind === 'cimd-document',
  )
}

function findingOf(entry: CorpusEntry, outcome: DryRunOutcome): DoctorFinding {
  const finding = { id: entry.id, client: entry.client, kind: entry.kind }
  if (outcome.action === 'OK') return { ...finding, registers: true }
  const { error, error_description: description, violations } = outcome.responseContent
  return { ...finding, registers: false, error, description, violations }
}

function report(findings: readonly DoctorFinding[], json: boolean): void {
  if (json) {
    printJson(findings)
    return
  }
  printTable(
    ['client', 'verdict', 'why'],
    findings.map((finding) => [
      finding.client,
      finding.registers ? 'registers' : 'REFUSED',
      finding.registers ? '' : reasons(finding),
    ]),
  )
  const refused = findings.filter((finding) => !finding.registers).length
  printLine()
  printLine(
    `${findings.length - refused} of ${findings.length} real clients register; ${refused} refused`,
  )
}

/** Every violation as `pointer rule (spec)`, or the error when there are none. */
function reasons({ error, description, violations }: DoctorFinding): string {
  if (violations === undefined || violations.length === 0) return `${error}: ${description}`
  return violations
    .map(({ pointer, rule, spec }) => `${pointer || '/'} ${rule} (${spec})`)
    .join('; ')
}
