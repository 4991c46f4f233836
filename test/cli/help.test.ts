/**
 * Every command's --help, walked from the program itself so a new command cannot be
 * missed: each ends with an example, and the root's lists the exit codes.
 */
import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { Command } from 'commander'
import { buildProgram } from '../../src/cli/program.js'

function* walk(command: Command, path: string[] = []): Generator<[string, Command]> {
  for (const sub of command.commands) {
    const subPath = [...path, sub.name()]
    yield [subPath.join(' '), sub]
    yield* walk(sub, subPath)
  }
}

function helpOf(command: Command): string {
  let text = ''
  command.configureOutput({ writeOut: (chunk) => (text += chunk), writeErr: () => undefined })
  command.outputHelp()
  return text
}

test('every command and command group has an example in its --help, serve included', () => {
  const commands = [...walk(buildProgram())]
  assert.ok(commands.some(([path]) => path === 'serve'))
  assert.ok(commands.some(([path]) => path === 'admin rotate-token'))
  assert.ok(commands.length > 40, `only ${commands.length} commands found`)
  const missing = commands
    .filter(([, command]) => !/Examples?:\n( {2}.*\n)*? {2}.*\bregistrar /.test(helpOf(command)))
    .map(([path]) => path)
  assert.deepEqual(missing, [])
})

test('the root --help lists the exit codes and the version flag', () => {
  const help = helpOf(buildProgram())
  assert.match(help, /Exit codes:[\s\S]*2\s+usage error/)
  assert.match(help, /--version/)
})
