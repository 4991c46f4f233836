/**
 * The configuration of a command that opens the database itself (`secrets rekey`,
 * `migrate`): read as `serve` reads it, flag over environment over default, a bad value a
 * usage error.
 */
import type { Config, ServeFlags } from '../config.js'
import { UsageError } from './run.js'

export async function loadCommandConfig(
  flags: ServeFlags,
  env: NodeJS.ProcessEnv = process.env,
): Promise<Config> {
  const { loadConfig, ConfigError } = await import('../config.js')
  try {
    return loadConfig(flags, env)
  } catch (error) {
    if (error instanceof ConfigError) throw new UsageError(error.message)
    throw error
  }
}
