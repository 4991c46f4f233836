/**
 * The little of node-oidc-provider's adapter contract this module meets, declared here
 * because the package ships no types and is not imported at run time.
 * @see https://github.com/panva/node-oidc-provider/blob/main/example/my_adapter.js
 */

/** What a model stores: a client's metadata, a session, a token, ... */
export type AdapterPayload = Record<string, unknown>

/** One model's storage (`Client`, `Session`, `AccessToken`, ...). */
export interface OidcAdapter {
  upsert(id: string, payload: AdapterPayload, expiresIn?: number): Promise<void>
  find(id: string): Promise<AdapterPayload | undefined>
  findByUserCode(userCode: string): Promise<AdapterPayload | undefined>
  findByUid(uid: string): Promise<AdapterPayload | undefined>
  consume(id: string): Promise<void>
  destroy(id: string): Promise<void>
  revokeByGrantId(grantId: string): Promise<void>
}

/**
 * The two forms the `adapter` option takes: a class (`new Adapter(model)`) or a factory
 * function (`adapter(model)`); node-oidc-provider tells them apart by `prototype`.
 */
export type AdapterConstructor = new (model: string) => OidcAdapter
export type AdapterFactory = (model: string) => OidcAdapter

/** Builds one model's adapter from either form, as node-oidc-provider itself does. */
export function adapterFor(
  adapter: AdapterConstructor | AdapterFactory,
  model: string,
): OidcAdapter {
  return typeof adapter.prototype === 'object' && adapter.prototype !== null
    ? new (adapter as AdapterConstructor)(model)
    : (adapter as AdapterFactory)(model)
}
