/**
 * A command that only gathers subcommands, such as `registrar token create|list|delete`:
 * its help and the functions that add each subcommand to it.
 */
import type { Command } from 'commander'
import { exitOnUsageError } from './run.js'

export interface CommandGroup {
  description: string
  /** Shown after the help's options: an example or two. */
  examples: string
  /** Each adds one subcommand, in the order help lists them. */
  subcommands: readonly ((group: Command) => void)[]
}

export function addCommandGroup(program: Command, name: string, group: CommandGroup): void {
  const command = exitOnUsageError(program.command(name))
    .description(group.description)
    .addHelpText('after', group.examples)
  for (const add of group.subcommands) add(command)
}
