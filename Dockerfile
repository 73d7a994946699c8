# The image of every Node deployable: the gateway, each service and the stand-ins in tools/. Which one it builds
# is the build argument APP, its folder; build from the repository root, so the shared packages are in the context:
#   docker build --build-arg APP=services/booking -t eventify/booking-service .
#   docker build --build-arg APP=gateway -t eventify/gateway .
# BASE is any Node 20 image with npm and a `node` user (uid 1000): the official alpine (default) or
# bookworm-slim ones, or the local base the container test makes (docs/containers.md).
ARG BASE=node:20.20.2-alpine

# The package manifests (every package.json, the lockfile, .npmrc) and nothing else, so the dependency layer
# below is rebuilt only when one of them changes, not on every source change.
FROM ${BASE} AS manifests
WORKDIR /src
COPY . .
RUN node image/manifests.mjs /manifests

# Every workspace's dependencies, installed once: the same layer for every deployable.
FROM ${BASE} AS deps
WORKDIR /src
COPY --from=manifests /manifests ./
RUN --mount=type=cache,target=/root/.npm,sharing=locked npm ci --ignore-scripts --no-audit --no-fund --loglevel=error

# Every TypeScript project, compiled once (project references compile the shared packages too): also shared.
FROM deps AS build
COPY . .
RUN npx tsc -b

# From here on, per deployable (APP is declared here, so the layers above do not depend on it): its production
# dependencies only (workspace packages are linked, not downloaded), then image/prepare.mjs copies into /out the
# runtime tree (node_modules; package.json + dist/ + its package.json `files` of the deployable and of the
# workspace packages it uses, without TypeScript sources, declarations, source maps and readmes; licences stay)
# and the image's entry point and health check with this deployable's port.
FROM build AS app
ARG APP
RUN --mount=type=cache,target=/root/.npm,sharing=locked \
    test -n "${APP}" || { echo 'build argument APP is required, e.g. --build-arg APP=services/booking' >&2; exit 1; }; \
    npm ci --omit=dev --workspace="${APP}" --include-workspace-root=false \
      --ignore-scripts --prefer-offline --no-audit --no-fund --loglevel=error \
 && node image/prepare.mjs "${APP}" /out

# Runtime: compiled JavaScript and production dependencies, run by an unprivileged user; the files belong to
# root, so the process cannot change its own code.
FROM ${BASE}
ENV NODE_ENV=production HOST=0.0.0.0
WORKDIR /app
COPY --from=app /out ./
USER node
# `node` itself is PID 1 and handles SIGTERM (the engine's stop signal): it stops accepting, finishes
# in-flight requests, closes its connections and exits 0. main.mjs sets the deployable's default port and
# imports its dist/main.js in the same process.
# The check: a service speaks mutual TLS only, so it is asked with its own certificate (MTLS_DIR), from inside;
# the gateway and the stand-ins over plain HTTP.
HEALTHCHECK --interval=10s --timeout=5s --start-period=20s --retries=3 CMD ["node", "healthcheck.mjs"]
CMD ["node", "main.mjs"]
