/**
 * Imports a package that ships no type declarations (express, oidc-provider, autocannon),
 * typed by the caller's own small interface. Their @types packages are not dependencies,
 * and a global `declare module` here would shadow types the rest of the project may add.
 */
export async function importUntyped<T>(name: string): Promise<T> {
  return (await import(name)) as T
}
