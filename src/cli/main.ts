#!/usr/bin/env node
/**
 * The `registrar` command. Each command lives in its own file and registers itself on the
 * program; adding one is an import and a line below. Commands import what they need
 * lazily, inside their action, so start-up stays fast.
 */
import { Command } from 'commander'
import { packageVersion, registerServe } from './serve.js'
import { registerApiCommands } from './commands.js'

const program = new Command('registrar')
  .description('Dynamic Client Registration (RFC 7591, RFC 7592) with an Authlete-compatible API')
  .version(packageVersion() ?? 'unknown', '-V, --version', "print Registrar's version")
  // The program's own options come before a command: `client rollback --version 1` is the
  // command's own --version, not the program's.
  .enablePositionalOptions()
registerServe(program)
registerApiCommands(program)

await program.parseAsync(process.argv)
