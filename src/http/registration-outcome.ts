/**
 * What became of a registration, for the server's metrics: one of a few outcomes and, for a
 * refusal of its metadata, the rule that refused it (the first violation's). Rule names come
 * from our own table (metadata/rules), so they are a bounded set of label values; nothing
 * here names a client, a service or an address.
 */
import type { Decision } from '../engine/index.js'
import { isOAuthError, type OAuthErrorBody } from '../wire/index.js'

/** Where a registration was asked for: `POST /{S}/register` or the DCR API's register. */
export type RegistrationSurface = 'endpoint' | 'api'

export type RegistrationOutcome =
  'created' | 'dry_run' | 'rejected' | 'unauthorized' | 'rate_limited' | 'error'

export interface RegistrationReport {
  outcome: RegistrationOutcome
  /** A rejection's rule: the first violation's, `none` for a refusal without violations. */
  rule?: string
  /** Whether that rule is the service's policy document's (its spec is `policy.*`). */
  byPolicy?: boolean
}

/** Told of every registration the engine decides or refuses. */
export type RegistrationObserver = (
  surface: RegistrationSurface,
  report: RegistrationReport,
) => void

/** Runs a registration (a dry run when `dryRun`), telling the observer what became of it. */
export type ObserveRegistration = (
  dryRun: boolean,
  register: () => Promise<Decision>,
) => Promise<Decision>

function reportOf(decision: Decision, dryRun: boolean): RegistrationReport {
  // A dry run registers nothing: its refusals are no rejections.
  if (dryRun) return { outcome: 'dry_run' }
  switch (decision.action) {
    case 'CREATED':
      return { outcome: 'created' }
    case 'UNAUTHORIZED':
      return { outcome: 'unauthorized' }
    case 'BAD_REQUEST': {
      const [first] = (decision.body as OAuthErrorBody | undefined)?.violations ?? []
      if (!first) return { outcome: 'rejected', rule: 'none', byPolicy: false }
      return { outcome: 'rejected', rule: first.rule, byPolicy: first.spec.startsWith('policy.') }
    }
    default:
      return { outcome: 'error' }
  }
}

/** A registration that threw: a bucket's refusal (429), or a bug. */
function reportOfError(error: unknown): RegistrationReport {
  return isOAuthError(error) && error.code === 'too_many_requests'
    ? { outcome: 'rate_limited' }
    : { outcome: 'error' }
}

/** How a surface runs its registrations: told to `observer`, or not at all without one. */
export function observingRegistrations(
  surface: RegistrationSurface,
  observer: RegistrationObserver | undefined,
): ObserveRegistration {
  if (!observer) return (_dryRun, register) => register()
  return async (dryRun, register) => {
    let decision: Decision
    try {
      decision = await register()
    } catch (error) {
      observer(surface, reportOfError(error))
      throw error
    }
    observer(surface, reportOf(decision, dryRun))
    return decision
  }
}
