/**
 * Reading JSON documents the user points at: a file path, or `-` for stdin.
 */
import { readFile } from 'node:fs/promises'
import { isJsonObject } from '../wire/index.js'
import { UsageError } from './run.js'

/** The JSON object in FILE (or stdin for `-`); anything else is a usage error naming the source. */
export async function readJsonObject(
  source: string,
  flag: string,
): Promise<Record<string, unknown>> {
  const name = source === '-' ? 'stdin' : source
  let text: string
  try {
    text = source === '-' ? await readStdin() : await readFile(source, 'utf8')
  } catch (error) {
    throw new UsageError(
      `cannot read ${flag} ${name}: ${(error as Error).message}`,
      `Pass a readable JSON file, or - to read stdin.`,
    )
  }
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (error) {
    throw new UsageError(`${flag} ${name} is not JSON: ${(error as Error).message}`)
  }
  if (!isJsonObject(value)) throw new UsageError(`${flag} ${name} must hold a JSON object`)
  return value
}

/** The text of a file, or of stdin for `-`, trimmed. */
export async function readText(source: string, flag: string): Promise<string> {
  try {
    return (source === '-' ? await readStdin() : await readFile(source, 'utf8')).trim()
  } catch (error) {
    throw new UsageError(`cannot read ${flag} ${source}: ${(error as Error).message}`)
  }
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = []
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks).toString('utf8')
}
