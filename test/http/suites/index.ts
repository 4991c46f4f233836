/**
 * The black-box HTTP suite, run once per storage backend: one real server per backend,
 * every surface tested against it.
 */
import { after, before, describe } from 'node:test'
import { Api } from '../../support/http.js'
import { startServer, type RunningServer } from '../../support/start-server.js'
import { answersOutsideContractTests } from './answers-outside-contract.js'
import { authleteApiTests } from './authlete-api.js'
import { boundsTests } from './bounds.js'
import { clientCapTests } from './client-caps.js'
import { clientLifecycleTests } from './client-lifecycle.js'
import { clientSecretRotationTests } from './client-secret-rotation.js'
import { clientMetadataRuleTests } from './client-metadata-rules.js'
import { badInputTests } from './bad-input.js'
import { corpusTests } from './corpus.js'
import { discoveryAndLimitTests } from './discovery-and-limits.js'
import { idempotentRegistrationTests } from './idempotent-registration.js'
import { initialAccessTokenTests } from './initial-access-tokens.js'
import { registrationEndpointTests } from './registration-endpoints.js'
import { servicePolicyTests } from './service-policy.js'
import { tokenRotationTests } from './token-rotation.js'
import { violationAndDryRunTests } from './violations-and-dry-run.js'

export interface Backend {
  name: string
  /** A fresh, empty database, and how to remove it afterwards. */
  create(): Promise<{ url: string; drop(): Promise<void> }>
}

export function describeHttpSuite(backend: Backend): void {
  describe(`HTTP surface on ${backend.name}`, () => {
    let database: Awaited<ReturnType<Backend['create']>> | undefined
    let server: RunningServer
    let api: Api
    before(async () => {
      database = await backend.create()
      server = await startServer({ database: database.url })
      api = new Api(server.url, server.adminToken)
    })
    after(async () => {
      await server?.stop()
      await database?.drop()
    })
    const context = () => ({ server, api, databaseUrl: database!.url })
    registrationEndpointTests(context)
    initialAccessTokenTests(context)
    authleteApiTests(context)
    discoveryAndLimitTests(context)
    corpusTests(context)
    answersOutsideContractTests(context)
    boundsTests(context)
    clientMetadataRuleTests(context)
    badInputTests(context)
    servicePolicyTests(context)
    violationAndDryRunTests(context)
    idempotentRegistrationTests(() => ({ ...context(), databaseUrl: database!.url }))
    clientCapTests(context)
    tokenRotationTests(context)
    clientLifecycleTests(context)
    clientSecretRotationTests(context)
  })
}
