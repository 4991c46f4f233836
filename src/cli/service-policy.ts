/**
 * `registrar service policy get|set`: a service's registration policy document,
 * printed and replaced as JSON.
 */
import type { Command } from 'commander'
import {
  POLICY_PRESET_NAMES,
  POLICY_PRESETS,
  type Policy,
  type PolicyPresetName,
} from '../sdk/index.js'
import { addApiOptions, connect, type ApiFlags } from './api-options.js'
import { addCommandGroup } from './command-group.js'
import { readJsonObject } from './input.js'
import { printJson } from './output.js'
import { exitOnUsageError, run, UsageError } from './run.js'
import { numericId } from './numbers.js'

/** Adds `policy get|set` to the `service` command. */
export function addPolicyCommands(service: Command): void {
  addCommandGroup(service, 'policy', {
    description: "read or replace a service's registration policy document (JSON)",
    examples:
      '\nExamples:\n  registrar service policy get 2418563210347\n  registrar service policy set 2418563210347 --file policy.json',
    subcommands: [addGet, addSet],
  })
}

/** A subcommand of `policy` with the API flags and the service id argument. */
function subcommand(policy: Command, name: string): Command {
  return addApiOptions(exitOnUsageError(policy.command(name))).argument(
    '<serviceId>',
    'the service apiKey',
    numericId,
  )
}

function addGet(policy: Command): void {
  subcommand(policy, 'get')
    .description('print the policy document as JSON ({} when the service has none)')
    .addHelpText('after', '\nExample:\n  registrar service policy get 2418563210347 > policy.json')
    .action(
      run(async (serviceId: string, flags: ApiFlags) => {
        const registrar = await connect(flags)
        printJson(await registrar.services.policy(serviceId))
      }),
    )
}

function addSet(policy: Command): void {
  subcommand(policy, 'set')
    .description(
      'replace the policy document whole with the JSON in --file; prints the stored document',
    )
    .option('--file <path>', 'the policy document, a JSON object (- reads stdin)')
    .option(
      '--preset <name>',
      `start from a preset document (${POLICY_PRESET_NAMES.join(', ')}); members of --file replace its members`,
    )
    .addHelpText(
      'after',
      '\nExamples:\n  registrar service policy set 2418563210347 --file policy.json\n  registrar service policy set 2418563210347 --preset mcp\n  echo \'{"scopes":["mcp:tools"]}\' | registrar service policy set 2418563210347 --file -',
    )
    .action(
      run(async (serviceId: string, flags: ApiFlags & { file?: string; preset?: string }) => {
        const document = await policyOf(flags)
        const registrar = await connect(flags)
        printJson(await registrar.services.replacePolicy(serviceId, document))
      }),
    )
}

/** The document of `set`: the preset's members, then those of --file. */
async function policyOf(flags: { file?: string; preset?: string }): Promise<Policy> {
  if (flags.file === undefined && flags.preset === undefined) {
    throw new UsageError('give --file, --preset or both')
  }
  const preset = flags.preset === undefined ? {} : presetOf(flags.preset)
  const file = flags.file === undefined ? {} : await readJsonObject(flags.file, '--file')
  return { ...preset, ...file } as Policy
}

function presetOf(name: string): Policy {
  if (!(POLICY_PRESET_NAMES as readonly string[]).includes(name)) {
    throw new UsageError(
      `--preset ${name} is not a preset`,
      `choose one of ${POLICY_PRESET_NAMES.join(', ')}`,
    )
  }
  return POLICY_PRESETS[name as PolicyPresetName]
}
