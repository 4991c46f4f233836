/**
 * The answer of `POST /api/{S}/client/registration-token/{clientId}`: a client's new
 * registration access token (RFC 7592 §3), shown once; only its hash is kept.
 */
import { Type, type Static } from '@sinclair/typebox'

export const ReissuedTokenSchema = Type.Object({
  clientId: Type.Integer({ description: 'The client the token is for' }),
  registrationAccessToken: Type.String({
    description:
      'The new registration access token, shown only here. Every earlier token of the client stops working',
  }),
  registrationClientUri: Type.String({
    description: 'Where the client reads, updates and deletes its registration (RFC 7592 §2)',
  }),
})
export type ReissuedTokenAnswer = Static<typeof ReissuedTokenSchema>
