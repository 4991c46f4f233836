export * from './errors.js'
export * from './metadata.js'
export * from './authlete.js'
export * from './result-codes.js'
