// `npm start`: the `registrar` command (package.json's bin) with the arguments given, after
// a build only when dist/ is missing or the sources changed since the last one
// (build-stamp.mjs): a full build takes seconds, a look at the stamp milliseconds.
// The command runs in this process, not a child, and package.json starts this script with
// `exec` (else sh stays between npm and node, and a SIGTERM npm passes on stops at sh), so
// SIGTERM and SIGINT reach the server itself and its exit code is npm's.
import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { buildState, runBuild } from './build-stamp.mjs'

if (buildState() !== 'current') {
  const status = runBuild(['--silent'])
  if (status !== 0) process.exit(status)
}

const bin = resolve(JSON.parse(readFileSync('package.json', 'utf8')).bin.registrar)
process.argv = [process.argv[0], bin, ...process.argv.slice(2)]
await import(pathToFileURL(bin).href)
