# auth-hooks: three stages. `build` compiles the TypeScript; `deps` installs the production
# dependencies (compiling better-sqlite3's addon where no prebuilt one can be downloaded) and prunes
# what is never run; `runtime` is the slim image with both, run as the unprivileged `node` user.
# test/package.e2e.test.ts does the same steps in CI, where there is no Docker engine.
# Node 22 (LTS): what package.json "engines" starts at and what CI tests (.ci/run).

FROM node:22-bookworm-slim AS build
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build

# The full image has python3, make and g++ for better-sqlite3's native addon.
FROM node:22-bookworm AS deps
WORKDIR /src
COPY package.json package-lock.json ./
COPY scripts/prune-production.sh ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm rebuild better-sqlite3 && ./prune-production.sh && npm cache clean --force

FROM node:22-bookworm-slim AS runtime
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000 \
    AUTH_HOOKS_CONFIG=/app/conf/auth.yaml
WORKDIR /app
COPY package.json package-lock.json ./
COPY --from=deps /src/node_modules ./node_modules
COPY --from=build /src/dist ./dist
# The schemas are the program's own; conf/ is the operator's (mount yours over it: auth.yaml and lists).
COPY schema ./schema
COPY conf ./conf
# The store's default file is data/auth-hooks.db (relative to /app): a folder `node` may write,
# kept as a volume so it outlives the container. `auth-hooks` is on PATH for `docker compose exec`.
RUN mkdir -p /app/data && chown node:node /app/data \
 && chmod +x dist/cli.js && ln -s /app/dist/cli.js /usr/local/bin/auth-hooks
VOLUME /app/data
USER node
EXPOSE 3000
HEALTHCHECK --interval=10s --timeout=3s --start-period=10s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/healthz').then(r => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# The CLI is the entrypoint: `docker compose run --rm auth-hooks check` (or test, explain) runs a
# verb instead of serve. Node as PID 1 receives SIGTERM from `docker stop` and shuts down gracefully.
ENTRYPOINT ["node", "dist/cli.js"]
CMD ["serve"]
