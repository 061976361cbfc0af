# syntax=docker/dockerfile:1
# auth-hooks: build the TypeScript in one stage, run the compiled service with production
# dependencies only, as the unprivileged `node` user. test/package.test.ts checks the same steps
# (pack, install --omit=dev, serve the shipped conf) in CI, where there is no Docker engine.

FROM node:20-bookworm-slim AS build
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY conf ./conf
RUN npm run build

# Production dependencies in the full image, which has python3, make and g++ for better-sqlite3's
# native addon (prebuilt when the build can download it, compiled otherwise).
FROM node:20-bookworm AS deps
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm rebuild better-sqlite3 && npm cache clean --force

FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000 \
    AUTH_HOOKS_CONFIG=/app/conf/auth.yaml
WORKDIR /app
COPY package.json package-lock.json ./
COPY --from=deps /src/node_modules ./node_modules
COPY --from=build /src/dist ./dist
# The shipped example; mount your own over it (docker-compose.yml mounts ./conf read-only).
COPY conf ./conf
USER node
EXPOSE 3000
HEALTHCHECK --interval=10s --timeout=3s --start-period=10s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/healthz').then(r => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# `npm start` would rebuild first (prestart) and needs the dev dependencies; run the build directly.
# Node as PID 1 receives SIGTERM from `docker stop` and shuts down gracefully.
CMD ["node", "dist/cli.js", "serve"]
