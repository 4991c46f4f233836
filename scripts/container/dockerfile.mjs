// Reading a Dockerfile and a .dockerignore: the few forms scripts/check-container.mjs needs.
import { posix } from 'node:path'

/** The instructions of a Dockerfile, continuation lines joined, comments dropped. */
export function parseDockerfile(text) {
  const instructions = []
  let pending = ''
  for (const raw of text.split('\n')) {
    const line = raw.trim()
    if (pending === '' && (line === '' || line.startsWith('#'))) continue
    if (line.startsWith('#')) continue
    pending += `${line.replace(/\\$/, '')} `
    if (line.endsWith('\\')) continue
    const [keyword, ...rest] = pending.trim().split(/\s+/)
    instructions.push({ keyword: keyword.toUpperCase(), args: rest.join(' ') })
    pending = ''
  }
  return instructions
}

/** The stages of a Dockerfile: name, base and their instructions. */
export function stagesOf(instructions) {
  const stages = []
  for (const instruction of instructions) {
    if (instruction.keyword === 'FROM') {
      const [base, as, name] = instruction.args.split(/\s+/)
      stages.push({ base, name: as?.toUpperCase() === 'AS' ? name : undefined, instructions: [] })
    } else {
      stages.at(-1)?.instructions.push(instruction)
    }
  }
  return stages
}

/** A COPY's flags, sources and destination (shell form; JSON form is not used). */
export function copyOf(args) {
  const words = args.split(/\s+/)
  const flags = Object.fromEntries(
    words.filter((word) => word.startsWith('--')).map((word) => word.slice(2).split('=')),
  )
  const paths = words.filter((word) => !word.startsWith('--'))
  return { from: flags.from, sources: paths.slice(0, -1), destination: paths.at(-1) }
}

/** ENV's assignments, `A=1 B=2` or the old `A 1` form. */
export function envOf(args) {
  if (!args.includes('=')) {
    const [name, ...value] = args.split(/\s+/)
    return [[name, value.join(' ')]]
  }
  return args.split(/\s+/).map((pair) => [pair.split('=')[0], pair.split('=').slice(1).join('=')])
}

/** Whether .dockerignore keeps `path` out of the build context (last matching line wins). */
export function isIgnored(patterns, path) {
  let ignored = false
  for (const line of patterns) {
    const negated = line.startsWith('!')
    const pattern = posix.normalize(line.slice(negated ? 1 : 0).replace(/^\/+|\/+$/g, ''))
    const source = pattern
      .split(/(\*\*|\*|\?)/)
      .map((part) =>
        part === '**'
          ? '.*'
          : part === '*'
            ? '[^/]*'
            : part === '?'
              ? '[^/]'
              : part.replace(/[.+^${}()|[\]\\]/g, '\\$&'),
      )
      .join('')
    // A pattern that names a folder leaves out everything under it.
    if (new RegExp(`^${source}(/.*)?$`).test(path)) ignored = !negated
  }
  return ignored
}

/** The patterns of a .dockerignore, blank lines and comments dropped. */
export function ignorePatterns(text) {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'))
}
