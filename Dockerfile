# syntax=docker/dockerfile:1
#
# buildfix images, from one Dockerfile:
#
#   docker build -t buildfix .                          # `buildfix serve` (the Slack app; default target)
#   docker build --target worker -t buildfix-worker .   # `buildfix worker`: the same app plus git and Go
#
# Why two targets of one file and not one image with everything: serve never
# runs git or go (jobs run on workers), so its image stays small and has less
# to patch; the worker needs git and a Go toolchain to diagnose, clear and warm
# module caches. Both come from Debian's packages (`git`, `golang-go`), the
# only registry these machines reach. Debian bookworm's golang-go is Go 1.19:
# a containerised worker reports that toolchain as the host's. For real
# diagnoses run `buildfix worker` on each build agent itself (see
# docs/operations.md), or pass another package with
#   --build-arg WORKER_PACKAGES="git ca-certificates openssh-client golang-1.22-go"
# from bookworm-backports.
#
# The runtime stages hold production dependencies only (npm ci --omit=dev),
# the bundled dist/ (scripts/build.ts: esbuild, one ESM bundle split per
# command; packages that load their own files stay in node_modules), bin/ and
# package.json; never src/ (bin/buildfix.js runs src/ when it exists, dist/
# otherwise) and never the tests.

ARG NODE_IMAGE=node:24-bookworm-slim

# ---- build: bundle the TypeScript sources into dist/ (dev dependency: esbuild) ----
FROM ${NODE_IMAGE} AS build
WORKDIR /build
COPY package.json package-lock.json ./
COPY vendor ./vendor
RUN npm ci --no-audit --no-fund
COPY tsconfig.json ./
COPY scripts ./scripts
COPY src ./src
RUN npm run build

# ---- deps: production dependencies only (no install scripts are needed at run time) ----
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json ./
COPY vendor ./vendor
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force

# ---- app: what both images run; owned by root, run as the unprivileged "node" user ----
FROM ${NODE_IMAGE} AS app
ENV NODE_ENV=production
# A small V8 young generation and a capped old one per JavaScript thread: serve (two threads) stays
# under 200 MB under load instead of letting garbage pile up (bench/peak-rss.ts, docs/benchmarks.md).
ENV NODE_OPTIONS="--max-semi-space-size=2 --max-old-space-size=128"
WORKDIR /app
COPY --from=deps /app/vendor ./vendor
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /build/dist ./dist
COPY package.json ./
COPY bin ./bin
USER node
ENTRYPOINT ["node", "bin/buildfix.js"]

# ---- worker: + git and Go; healthy while its heartbeat is in Redis ----
FROM app AS worker
USER root
ARG WORKER_PACKAGES="git golang-go ca-certificates openssh-client"
RUN apt-get update \
 && apt-get install -y --no-install-recommends ${WORKER_PACKAGES} \
 && rm -rf /var/lib/apt/lists/* \
 && mkdir -p /home/node/go /home/node/.cache \
 && chown -R node:node /home/node/go /home/node/.cache
USER node
HEALTHCHECK --interval=30s --timeout=10s --start-period=30s --retries=3 \
  CMD node bin/buildfix.js status --json | node -e 'let s="";process.stdin.on("data",(d)=>(s+=d)).on("end",()=>{const h=(process.env.BUILDFIX_HOST||require("os").hostname()).toLowerCase();let ok=false;try{ok=JSON.parse(s).workers.some((w)=>w.host===h&&w.state==="running")}catch{}process.exit(ok?0:1)})'
CMD ["worker"]

# ---- serve (default): the Slack app on PORT (3000) ----
FROM app AS serve
EXPOSE 3000
HEALTHCHECK --interval=15s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/healthz').then((r)=>process.exit(r.ok?0:1),()=>process.exit(1))"]
CMD ["serve"]
