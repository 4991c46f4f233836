/**
 * The `registrar` program with every command registered, apart from parsing argv so that
 * tests can walk its commands. Each command lives in its own file and registers itself;
 * adding one is an import and a line here. Commands import what they need lazily, inside
 * their action, so start-up stays fast.
 */
import { Command } from 'commander'
import { registerAdminCommands } from './admin.js'
import { registerApiCommands } from './commands.js'
import { packageVersion } from './package-version.js'
import { registerServe } from './serve.js'

export function buildProgram(): Command {
  const program = new Command('registrar')
    .description('Dynamic Client Registration (RFC 7591, RFC 7592) with an Authlete-compatible API')
    .version(packageVersion() ?? 'unknown', '-V, --version', 'print the version and exit')
    // Root options only before the command: `client document approve --version 2` is its own.
    .enablePositionalOptions()
  registerServe(program)
  registerApiCommands(program)
  registerAdminCommands(program)
  return program
}
