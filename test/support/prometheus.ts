/**
 * A strict reader of the Prometheus text exposition format 0.0.4, for tests: it throws on
 * any line the format does not allow, a sample of no declared family, a series given twice
 * or a histogram whose buckets do not add up. (The parser on npm drops the labels, sums and
 * counts of labelled histograms.)
 */

export interface Sample {
  name: string
  labels: Record<string, string>
  value: number
}

export interface Exposition {
  /** Family name to its TYPE. */
  types: Map<string, string>
  samples: Sample[]
}

const NAME = '[a-zA-Z_:][a-zA-Z0-9_:]*'
const LABEL = `([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\\\\\n]|\\\\[\\\\"n])*)"`
const VALUE = '([+-]?(?:[0-9]*\\.?[0-9]+(?:[eE][+-]?[0-9]+)?|Inf|NaN))'
// Inf and NaN in any case, as Prometheus reads them (prom-client writes `Nan`).
const SAMPLE_LINE = new RegExp(
  `^(${NAME})(?:\\{((?:${LABEL},?)*)\\})? ${VALUE}(?: -?[0-9]+)?$`,
  'i',
)
const LABEL_PAIR = new RegExp(LABEL, 'g')
const TYPE_LINE = new RegExp(`^# TYPE (${NAME}) (counter|gauge|histogram|summary|untyped)$`)
const HELP_LINE = new RegExp(`^# HELP (${NAME}) .*$`)
const SUFFIXES: Record<string, string[]> = {
  histogram: ['_bucket', '_sum', '_count'],
  summary: ['', '_sum', '_count'],
}

const unescape = (text: string) =>
  text.replace(/\\(.)/g, (_match, char: string) => (char === 'n' ? '\n' : char))

function familyOf(name: string, types: Map<string, string>): string | undefined {
  if (types.has(name)) return name
  for (const [family, type] of types) {
    if ((SUFFIXES[type] ?? []).some((suffix) => name === family + suffix)) return family
  }
  return undefined
}

function parseSample(line: string, types: Map<string, string>): Sample {
  const match = SAMPLE_LINE.exec(line)
  if (!match) throw new Error(`not a sample line: ${JSON.stringify(line)}`)
  const [, name = '', labelText = '', , , value = ''] = match
  if (!familyOf(name, types)) throw new Error(`sample of no declared family: ${name}`)
  const labels: Record<string, string> = {}
  for (const [, label = '', text = ''] of labelText.matchAll(LABEL_PAIR)) {
    if (label in labels) throw new Error(`label ${label} twice: ${line}`)
    labels[label] = unescape(text)
  }
  const special = { nan: NaN, inf: Infinity, '+inf': Infinity, '-inf': -Infinity }
  return {
    name,
    labels,
    value: special[value.toLowerCase() as keyof typeof special] ?? Number(value),
  }
}

/** Each histogram series: buckets that never decrease, the +Inf bucket equal to _count. */
function checkHistograms({ types, samples }: Exposition): void {
  for (const [family, type] of types) {
    if (type !== 'histogram') continue
    const series = new Map<string, { buckets: number[]; count?: number }>()
    for (const { name, labels, value } of samples) {
      if (name !== `${family}_bucket` && name !== `${family}_count`) continue
      const { le, ...rest } = labels
      const key = JSON.stringify(rest)
      const entry = series.get(key) ?? { buckets: [] }
      series.set(key, entry)
      if (name === `${family}_count`) entry.count = value
      else if (le === undefined) throw new Error(`${family}${key}: a bucket without le`)
      else entry.buckets.push(value)
    }
    for (const [labels, { buckets, count }] of series) {
      if (buckets.some((value, i) => i > 0 && value < buckets[i - 1]!))
        throw new Error(`${family}${labels}: buckets decrease`)
      if (buckets.at(-1) !== count) throw new Error(`${family}${labels}: +Inf bucket is not _count`)
    }
  }
}

export function parseExposition(text: string): Exposition {
  const exposition: Exposition = { types: new Map(), samples: [] }
  const seen = new Set<string>()
  for (const line of text.split('\n')) {
    if (line === '' || HELP_LINE.test(line)) continue
    const type = TYPE_LINE.exec(line)
    if (type) {
      if (exposition.types.has(type[1]!)) throw new Error(`TYPE of ${type[1]} twice`)
      exposition.types.set(type[1]!, type[2]!)
      continue
    }
    if (line.startsWith('#')) continue
    const sample = parseSample(line, exposition.types)
    const series = `${sample.name}${JSON.stringify(sample.labels)}`
    if (seen.has(series)) throw new Error(`series twice: ${series}`)
    seen.add(series)
    exposition.samples.push(sample)
  }
  checkHistograms(exposition)
  return exposition
}

/** The sum of the samples named `name` whose labels include `labels`; 0 when there is none. */
export function valueOf(
  { samples }: Exposition,
  name: string,
  labels: Record<string, string> = {},
): number {
  return samples
    .filter(
      (sample) =>
        sample.name === name &&
        Object.entries(labels).every(([label, value]) => sample.labels[label] === value),
    )
    .reduce((sum, sample) => sum + sample.value, 0)
}
