// The Dockerfile against the checkout: stages and the paths they copy exist, the build
// stage has every build input, and the last stage runs `registrar serve` as a non-root user
// on HOST=0.0.0.0, with the SQLite folder as a volume and a health check on /health.
import { existsSync, readFileSync } from 'node:fs'
import { join, posix } from 'node:path'
import { copyOf, envOf, isIgnored, parseDockerfile, stagesOf } from './dockerfile.mjs'

/** Files of the checkout `npm run build` and `npm pack` read (build-stamp.mjs's inputs). */
const BUILD_INPUTS = ['package.json', 'package-lock.json', 'tsconfig.json', 'tsconfig.build.json']
const BUILD_FOLDERS = ['src', 'scripts', 'corpus']

/**
 * The Dockerfile's problems, pushed onto `problems`; what the compose check needs to know of
 * the image (its port and version), or undefined when there is no stage at all.
 */
export function checkDockerfile(root, text, ignored, settings, problems) {
  const stages = stagesOf(parseDockerfile(text))
  if (stages.length === 0) return (problems.push('Dockerfile: no FROM'), undefined)
  const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'))
  checkCopies(root, stages, ignored, manifest, problems)
  return checkRuntime(stages.at(-1), manifest, settings, problems)
}

/** Every COPY's source exists, and the build stage brings every build and package input. */
function checkCopies(root, stages, ignored, manifest, problems) {
  const names = []
  const copied = new Set()
  for (const [index, stage] of stages.entries()) {
    const label = `stage ${stage.name ?? index}`
    if (stage.name && names.includes(stage.name)) problems.push(`${label}: named twice`)
    for (const { keyword, args } of stage.instructions) {
      if (keyword !== 'COPY' && keyword !== 'ADD') continue
      const copy = copyOf(args)
      if (copy.from !== undefined) {
        const source = stages.find((other) => other.name === copy.from)
        if (!names.includes(copy.from)) {
          problems.push(`${label}: COPY --from=${copy.from} names no earlier stage`)
          continue
        }
        // The path must be one that stage made: its WORKDIR or named by one of its RUNs.
        const made = source.instructions.flatMap((i) =>
          i.keyword === 'RUN' ? [i.args] : i.keyword === 'WORKDIR' ? [i.args] : [],
        )
        for (const path of copy.sources) {
          if (!made.some((words) => words.includes(path.replace(/\/$/, '')))) {
            problems.push(
              `${label}: COPY --from=${copy.from} ${path}: no step of that stage makes it`,
            )
          }
        }
        continue
      }
      for (const path of copy.sources) {
        const clean = posix.normalize(path).replace(/\/$/, '')
        copied.add(clean)
        if (!existsSync(join(root, clean)))
          problems.push(`${label}: COPY ${path}: not in the checkout`)
        else if (isIgnored(ignored, clean))
          problems.push(`${label}: COPY ${path}: .dockerignore leaves it out`)
      }
    }
    if (stage.name) names.push(stage.name)
  }
  const packed = ['README.md', 'LICENSE', ...manifest.files.filter((f) => !/^(!|dist\/)/.test(f))]
  for (const input of [...BUILD_INPUTS, ...BUILD_FOLDERS, ...packed]) {
    if (!copied.has(input))
      problems.push(`Dockerfile: the build needs ${input}, which no COPY brings`)
  }
}

/** The last stage: who runs what, on which port, with which volume and health check. */
function checkRuntime(runtime, manifest, settings, problems) {
  const last = (keyword) => runtime.instructions.findLast((i) => i.keyword === keyword)
  const env = Object.fromEntries(
    runtime.instructions.filter((i) => i.keyword === 'ENV').flatMap((i) => envOf(i.args)),
  )
  for (const name of Object.keys(env)) {
    if (!settings.has(name)) problems.push(`Dockerfile: ENV ${name} is no setting the server reads`)
  }
  if (env.HOST !== '0.0.0.0') problems.push('Dockerfile: the server must listen on HOST=0.0.0.0')
  const user = last('USER')?.args.split(':')[0]
  if (!user || user === 'root' || user === '0')
    problems.push('Dockerfile: the image must run as a non-root USER')
  const order = runtime.instructions.map((i) => i.keyword)
  if (order.lastIndexOf('USER') > order.lastIndexOf('CMD'))
    problems.push('Dockerfile: USER after CMD')

  const port = env.PORT ?? '8080'
  const exposed = runtime.instructions
    .filter((i) => i.keyword === 'EXPOSE')
    .flatMap((i) => i.args.split(/\s+/).map((p) => p.split('/')[0]))
  if (!exposed.includes(port))
    problems.push(`Dockerfile: EXPOSE ${exposed.join(' ') || 'nothing'}, but PORT is ${port}`)

  const database = env.DATABASE_URL
  const volumes = runtime.instructions
    .filter((i) => i.keyword === 'VOLUME')
    .flatMap((i) => (i.args.startsWith('[') ? JSON.parse(i.args) : i.args.split(/\s+/)))
  if (!database || /^postgres/i.test(database) || !volumes.includes(posix.dirname(database))) {
    problems.push(
      `Dockerfile: the SQLite folder of DATABASE_URL=${database} is not a VOLUME (${volumes.join(' ')})`,
    )
  }

  const health = last('HEALTHCHECK')?.args ?? ''
  if (!/\/health\b/.test(health)) problems.push('Dockerfile: no HEALTHCHECK on /health')
  if (/\b(curl|wget)\b/.test(health))
    problems.push('Dockerfile: the HEALTHCHECK needs curl or wget, which the image lacks: use node')
  if (!/process\.env\.PORT|:\s*\$?\{?PORT/.test(health) && !health.includes(`:${port}/`)) {
    problems.push(`Dockerfile: the HEALTHCHECK does not call port ${port}`)
  }

  const cmd = last('CMD')?.args ?? ''
  const command = cmd.startsWith('[') ? JSON.parse(cmd) : []
  if (command[0] !== 'registrar' || command[1] !== 'serve') {
    problems.push('Dockerfile: CMD must be the exec form ["registrar", "serve", ...]')
  }
  const bin = manifest.bin.registrar.replace(/^\.\//, '')
  const linked = runtime.instructions.some(
    (i) => i.keyword === 'RUN' && new RegExp(`ln -s \\S*${bin} \\S*/bin/registrar\\b`).test(i.args),
  )
  if (!linked) problems.push(`Dockerfile: nothing puts ${bin} on the PATH as registrar`)
  return { port, version: manifest.version }
}
