# Registrar: `registrar serve` on port 8080, SQLite in the /data volume unless DATABASE_URL
# names a PostgreSQL database (compose.yaml). Build with `docker build -t registrar .`.
# Checked by scripts/check-container.mjs (`npm test` runs it).

ARG NODE_VERSION=20

# Build: every dependency, dist/, then the package exactly as `npm pack` ships it.
FROM node:${NODE_VERSION}-bookworm AS build
WORKDIR /src
COPY package.json package-lock.json tsconfig.json tsconfig.build.json ./
COPY scripts ./scripts
COPY src ./src
COPY corpus ./corpus
COPY README.md LICENSE CHANGELOG.md ./
# `prepare` builds dist/ once the dependencies are in.
RUN npm ci --no-audit --no-fund \
 && npm pack --ignore-scripts \
 && mkdir /package \
 && tar -xzf registrar-*.tgz -C /package --strip-components=1

# Production dependencies of the packed package, from the same lockfile. better-sqlite3
# builds its native module here, where the compilers are.
FROM node:${NODE_VERSION}-bookworm AS dependencies
WORKDIR /app
COPY --from=build /package ./
COPY package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund \
 && npm rebuild better-sqlite3

FROM node:${NODE_VERSION}-bookworm-slim AS runtime
ENV HOST=0.0.0.0 \
    PORT=8080 \
    DATABASE_URL=/data/registrar.db
WORKDIR /app
# Owned by root: the server cannot change its own code.
COPY --from=dependencies /app ./
RUN chmod 0755 dist/registrar.mjs \
 && ln -s /app/dist/registrar.mjs /usr/local/bin/registrar \
 && mkdir /data \
 && chown node:node /data \
 && chmod 0700 /data
USER node
# The SQLite database and its key file (registrar.db.key: back it up with the database).
VOLUME ["/data"]
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 8080) + '/health').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# SIGTERM reaches node itself (exec form): it drains requests and closes the database.
CMD ["registrar", "serve"]
