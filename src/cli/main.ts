#!/usr/bin/env node
/** The `registrar` command. */
import { buildProgram } from './program.js'

await buildProgram().parseAsync(process.argv)
