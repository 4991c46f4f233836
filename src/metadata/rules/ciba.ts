/**
 * Client Initiated Backchannel Authentication rules.
 * @see OIDC CIBA §4
 */
import { uriParts } from '../redirect-uris.js'
import { problemAt, type Rule } from './rule.js'

const CIBA_GRANT = 'urn:openid:params:grant-type:ciba'

/** backchannel_token_delivery_mode is REQUIRED of a client using the CIBA grant. */
export const cibaClientHasDeliveryMode: Rule = {
  spec: 'OIDC CIBA §4',
  code: 'invalid_client_metadata',
  check: ({ grant_types = [], backchannel_token_delivery_mode }) =>
    grant_types.includes(CIBA_GRANT) && backchannel_token_delivery_mode === undefined
      ? problemAt(
          'backchannel_token_delivery_mode',
          `backchannel_token_delivery_mode is required with the grant type ${CIBA_GRANT}`,
        )
      : undefined,
}

/** Ping and push modes need the client's notification endpoint. */
export const pingOrPushHasNotificationEndpoint: Rule = {
  spec: 'OIDC CIBA §4',
  code: 'invalid_client_metadata',
  check: ({ backchannel_token_delivery_mode: mode, backchannel_client_notification_endpoint }) =>
    (mode === 'ping' || mode === 'push') && backchannel_client_notification_endpoint === undefined
      ? problemAt(
          'backchannel_client_notification_endpoint',
          `backchannel_client_notification_endpoint is required with backchannel_token_delivery_mode ${mode}`,
        )
      : undefined,
}

/** "This URL MUST use the https scheme." */
export const notificationEndpointIsHttps: Rule = {
  spec: 'OIDC CIBA §4',
  code: 'invalid_client_metadata',
  check: ({ backchannel_client_notification_endpoint: endpoint }) =>
    endpoint !== undefined && uriParts(endpoint)?.protocol !== 'https:'
      ? problemAt(
          'backchannel_client_notification_endpoint',
          'backchannel_client_notification_endpoint must use the https scheme',
        )
      : undefined,
}
