/** The HTTP surface: buildServer and its options. */
export { buildServer, type ServerOptions } from './build-server.js'
