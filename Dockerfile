# syntax=docker/dockerfile:1
# The server image: `docker build -t helpdesk-actions .` (compose.yaml builds it too).
# Three stages share a toolchain (better-sqlite3 compiles from source when no prebuilt binary
# matches); the runtime image has no compiler, no dev dependencies, and runs as `node` (uid 1000).

FROM node:20-slim AS toolchain
# hadolint ignore=DL3008
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./

# `npm ci` may reject the lock file where the registry lacks other platforms' optional binaries;
# `npm install` then installs the locked versions (the same fallback as .ci/run).
FROM toolchain AS build
RUN npm ci --no-audit --no-fund || npm install --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY shared ./shared
COPY server ./server
COPY app-intercom ./app-intercom
# POST /v1/scenarios/run runs suites with the eval's runner (eval/runner.ts).
COPY eval ./eval
RUN npm run build

FROM toolchain AS prod-deps
RUN (npm ci --omit=dev --no-audit --no-fund || npm install --omit=dev --no-audit --no-fund) \
 && npm cache clean --force

FROM node:20-slim AS runtime
ENV NODE_ENV=production \
    PORT=3000 \
    HOST=0.0.0.0 \
    DATA_DIR=/app/data
WORKDIR /app
# Code and dependencies stay owned by root (read-only for the server); only DATA_DIR is writable.
COPY package.json ./
COPY --from=prod-deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/server/public ./server/public
RUN mkdir -p /app/data && chown node:node /app/data
USER node
EXPOSE 3000
# Ready = the store answers. No curl in the slim image: node's own fetch, with a timeout.
HEALTHCHECK --interval=15s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/readyz', { signal: AbortSignal.timeout(4000) }).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# node itself as PID 1's command (not npm): SIGTERM from `docker stop` reaches the server, which drains and exits.
CMD ["node", "dist/server/src/main.js"]
