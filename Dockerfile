# One image for every service: the users and orders subgraphs and the router. docker-compose.yml picks
# which one a container runs with `command`; without one it runs the router.
#
#   docker build -t fedstack .
#   docker run --rm -p 4000:4000 fedstack                                  # the router
#   docker run --rm -e MONGO_URL=mongodb://… fedstack node subgraphs/users/dist/index.js

ARG NODE_IMAGE=node:20-bookworm-slim

# ---- build: every dependency, then `tsc -b` writes each workspace's dist/ ----
FROM ${NODE_IMAGE} AS build
WORKDIR /app

# The manifests first, so the install layer is reused until a dependency changes.
COPY package.json package-lock.json ./
COPY packages/server/package.json packages/server/
COPY packages/subgraph/package.json packages/subgraph/
COPY packages/devkit/package.json packages/devkit/
COPY subgraphs/users/package.json subgraphs/users/
COPY subgraphs/orders/package.json subgraphs/orders/
COPY router/package.json router/
RUN npm ci --no-audit --no-fund

COPY tsconfig.base.json ./
COPY schema/ schema/
COPY packages/ packages/
COPY subgraphs/ subgraphs/
COPY router/ router/
RUN npx tsc -b packages/server packages/subgraph subgraphs/users subgraphs/orders router

# ---- runtime: production dependencies and the compiled JavaScript only ----
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production
# Two malloc arenas instead of glibc's eight per core: V8's worker threads (the optimising compiler,
# the collector) otherwise each keep an arena of their own, half empty between compilations. The
# router's peak resident set under load is 6–10 MiB lower, at the same CPU (docs/operations.md).
ENV MALLOC_ARENA_MAX=2
WORKDIR /app

COPY package.json package-lock.json ./
COPY packages/server/package.json packages/server/
COPY packages/subgraph/package.json packages/subgraph/
# The devkit (tooling) is never run here; its manifest is copied because npm ci installs every workspace
# the lockfile names.
COPY packages/devkit/package.json packages/devkit/
COPY subgraphs/users/package.json subgraphs/users/
COPY subgraphs/orders/package.json subgraphs/orders/
COPY router/package.json router/
# Links the workspaces into node_modules/@fedstack/*; their `exports` send plain `node` to each dist/.
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

# The layout matches the repository: services find the SDL in /app/schema, three levels up from dist/.
COPY --from=build /app/schema/ schema/
COPY --from=build /app/packages/server/dist/ packages/server/dist/
COPY --from=build /app/packages/subgraph/dist/ packages/subgraph/dist/
COPY --from=build /app/subgraphs/users/dist/ subgraphs/users/dist/
COPY --from=build /app/subgraphs/orders/dist/ subgraphs/orders/dist/
COPY --from=build /app/router/dist/ router/dist/
# The web app's trusted-documents manifest, where the router looks by default (PERSISTED_DOCUMENTS_PATH):
# production runs only these operations (PERSISTED_DOCUMENTS=require). Other clients' manifests: mount
# them and list them in PERSISTED_DOCUMENTS_PATH (docs/clients.md#trusted-documents).
COPY web/src/__generated__/persisted-documents.json web/src/__generated__/persisted-documents.json

# Files stay owned by root, so the service cannot rewrite its own code.
USER node
EXPOSE 4000 4001 4002
CMD ["node", "router/dist/index.js"]
