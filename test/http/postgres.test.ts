/** The HTTP suite on the real PostgreSQL, in a fresh schema; fails (never skips) when it is down. */
import { createTestSchema } from '../support/postgres.js'
import { describeHttpSuite } from './suites/index.js'

describeHttpSuite({ name: 'PostgreSQL', create: createTestSchema })
