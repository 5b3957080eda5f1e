/**
 * Pre-flight fleet: 20 agents × 50 repos, one shared GOPROXY fake on
 * loopback answering after 50 ms. Each simulated worker runs its round the
 * way the `preflight` job does (src/preflight/run-check.ts: the engine's
 * module check and module graph through the agent's shared answer cache,
 * the run lock, results and capped history in the real Redis), two repos at
 * a time (a worker's default concurrency); the agents run side by side in
 * this one process. Measured:
 *   - proxy requests per round, per agent, against the distinct module
 *     versions in that agent's 50 build lists (cross-repo de-duplication);
 *   - a second round within the cache lifetime (no request repeated), and a
 *     round after it (every file asked again);
 *   - Redis memory of one agent-repo history at its cap (MEMORY USAGE);
 *   - time for a round, per agent and for the whole fleet.
 *
 *   node bench/preflight-fleet.ts [--agents 20] [--repos 50] [--runs 3]
 *
 * Loopback only, bounded (agents × repos × runs diagnoses, a 10-minute cap), stops by itself.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { loadConfig } from '../src/config/load-config.ts';
import { PreflightConfigSchema } from '../src/config/preflight-schema.ts';
import { agentProxyCache, closeProxyCache, runPreflightCheck } from '../src/preflight/run-check.ts';
import { RedisPreflightStore } from '../src/preflight/store.ts';
import { mapLimit } from '../src/util/map-limit.ts';
import { startGoProxyFake, type FakeModule } from '../test/fakes/goproxy-server.ts';
import { median } from './lib/stats.ts';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? Number(process.argv[i + 1]) : NaN;
  return Number.isFinite(v) && v > 0 ? v : fallback;
}

const AGENTS = arg('agents', 20);
const REPOS = arg('repos', 50);
const RUNS = arg('runs', 3);
const MODULES = 300;
const PER_REPO = 25;
const HISTORY = 96;
const REDIS_URL = process.env.BENCH_REDIS_URL || 'redis://127.0.0.1:6379';

// A seeded generator: the same fleet every run.
let seed = 17;
const rand = (): number => {
  seed = (seed * 1103515245 + 12345) % 2 ** 31;
  return seed / 2 ** 31;
};

// 300 modules, two versions each; every module requires one other (so the graph has depth), repos require 25 of them.
const modules: FakeModule[] = [];
for (let i = 0; i < MODULES; i++) {
  const dep = i + 1 < MODULES ? `example.test/m${String(i + 1).padStart(3, '0')}` : undefined;
  const path = `example.test/m${String(i).padStart(3, '0')}`;
  modules.push({
    path,
    versions: ['v1.0.0', 'v1.1.0'].map((version) => ({
      version,
      goMod: `module ${path}\n\ngo 1.19\n${dep && i % 5 !== 4 ? `\nrequire ${dep} v1.0.0\n` : ''}`,
    })),
  });
}

async function main(): Promise<void> {
  const deadline = setTimeout(() => {
    process.stderr.write('preflight-fleet: 10-minute cap reached, stopping\n');
    process.exit(2);
  }, 10 * 60_000);
  deadline.unref();
  const proxy = await startGoProxyFake({ modules, delayMs: 50 });
  const dir = await mkdtemp(join(tmpdir(), 'buildfix-bench-fleet-'));
  const prefixValue = `bench-fleet-${randomUUID().slice(0, 8)}`;
  const prefix = `{${prefixValue}}`;
  const redis = new Redis(REDIS_URL);
  try {
    const repos: Record<string, { url: string }> = {};
    const buildLists: string[][] = [];
    for (let r = 0; r < REPOS; r++) {
      const name = `repo${String(r).padStart(2, '0')}`;
      const chosen = new Set<number>();
      while (chosen.size < PER_REPO) chosen.add(Math.floor(rand() * MODULES));
      const reqs = [...chosen].sort((a, b) => a - b).map((i) => `example.test/m${String(i).padStart(3, '0')} ${rand() < 0.5 ? 'v1.0.0' : 'v1.1.0'}`);
      const repoDir = join(dir, name);
      await mkdir(repoDir);
      await writeFile(join(repoDir, 'go.mod'), `module example.com/${name}\n\ngo 1.19\n\nrequire (\n${reqs.map((q) => `\t${q}\n`).join('')})\n`);
      await writeFile(join(repoDir, 'go.sum'), '');
      repos[name] = { url: repoDir };
      buildLists.push(reqs);
    }
    const config = loadConfig({ GOPROXY: proxy.url, GOSUMDB: 'off', GOFLAGS: '-mod=mod', GOTOOLCHAIN: 'local', GOPRIVATE: '', GONOPROXY: '', GONOSUMDB: '' });
    const fleetConfig = { ...config, repos };
    const preflight = PreflightConfigSchema.parse({ modules: '15m', proxyCacheTtl: '5m', history: HISTORY });
    const store = new RedisPreflightStore(redis, prefix);
    const agents = Array.from({ length: AGENTS }, (_, i) => `bench-agent-${String(i).padStart(2, '0')}`);
    const repoNames = Object.keys(repos);

    const round = async (): Promise<{ fleetMs: number; agentMs: number[]; sent: number[]; fakeRequests: number; failed: number }> => {
      proxy.resetStats();
      const before = agents.map((a) => agentProxyCache(a, fleetConfig, preflight.proxyCacheTtl).sent);
      let failed = 0;
      const t0 = performance.now();
      const agentMs = await Promise.all(
        agents.map(async (agent) => {
          const a0 = performance.now();
          await mapLimit(repoNames, 2, async (repo) => {
            const r = await runPreflightCheck({ check: 'modules', repo, agent, config: fleetConfig, preflight, store, lockMs: 600_000 });
            if (r.status === 'fail' || r.status === 'error') failed++;
          });
          return performance.now() - a0;
        }),
      );
      const fleetMs = performance.now() - t0;
      const sent = agents.map((a, i) => agentProxyCache(a, fleetConfig, preflight.proxyCacheTtl).sent - (before[i] ?? 0));
      return { fleetMs, agentMs, sent, fakeRequests: proxy.requests.length, failed };
    };

    const fresh: Array<Awaited<ReturnType<typeof round>>> = [];
    const within: Array<Awaited<ReturnType<typeof round>>> = [];
    for (let run = 0; run < RUNS; run++) {
      for (const a of agents) agentProxyCache(a, fleetConfig, preflight.proxyCacheTtl).clear();
      fresh.push(await round());
      within.push(await round());
      process.stderr.write(`run ${run + 1}/${RUNS}: fleet round ${Math.round(fresh.at(-1)?.fleetMs ?? 0)} ms\n`);
    }

    // Distinct files per agent: every repo's build list is the same on every agent.
    const distinctVersions = new Set(buildLists.flat().map((r) => r.replace(' ', '@')));
    const paths = new Map<string, number>();
    for (const req of fresh.at(-1) ? proxy.requests : []) paths.set(req.path, (paths.get(req.path) ?? 0) + 1);

    // The graph reaches deps of deps: the distinct module versions an agent's round touched, from the fake's own record of the last fresh round.
    proxy.resetStats();
    for (const a of agents) agentProxyCache(a, fleetConfig, preflight.proxyCacheTtl).clear();
    const one = agents[0] ?? '';
    await mapLimit(repoNames, 2, (repo) => runPreflightCheck({ check: 'modules', repo, agent: one, config: fleetConfig, preflight, store, lockMs: 600_000 }));
    const touched = new Set(proxy.requests.map((q) => q.path.replace(/\/@v\/(.+)\.(info|mod)$/, '@$1').replace(/\/@v\/list$/, '@list')));
    const byFile = new Map<string, number>();
    for (const q of proxy.requests) byFile.set(q.path, (byFile.get(q.path) ?? 0) + 1);
    const repeated = [...byFile.values()].filter((n) => n > 1).length;
    const kinds = new Map<string, number>();
    for (const q of proxy.requests) {
      const k = /\.(info|mod)$/.exec(q.path)?.[1] ?? (q.path.endsWith('/list') ? 'list' : 'other');
      kinds.set(k, (kinds.get(k) ?? 0) + 1);
    }
    const versionsTouched = [...touched].filter((t) => !t.endsWith('@list')).length;
    const modulesListed = [...touched].filter((t) => t.endsWith('@list')).length;
    // Without de-duplication: each repo's check with an answer cache of its own (what 50 separate diagnoses send).
    let alone = 0;
    for (const repo of repoNames) {
      const name = `bench-alone-${repo}`;
      const cache = agentProxyCache(name, fleetConfig, preflight.proxyCacheTtl);
      await runPreflightCheck({ check: 'modules', repo, agent: name, config: fleetConfig, preflight, store, lockMs: 600_000 });
      alone += cache.sent;
      await closeProxyCache(name);
    }

    // Redis memory of one agent-repo history at its cap: fill a few to HISTORY entries with real results.
    const sample = (await store.history(one, 'modules', repoNames[0] ?? ''))[0];
    const memory: number[] = [];
    const lastField: number[] = [];
    for (let k = 0; k < 5 && sample; k++) {
      const agent = `bench-mem-${k}`;
      for (let h = 0; h < HISTORY + 5; h++) await store.record({ ...sample, agent, finishedAt: new Date().toISOString() }, HISTORY);
      memory.push(Number(await redis.memory('USAGE', store.keys.history(agent, 'modules', sample.repo), 'SAMPLES', '0')));
      lastField.push(Buffer.byteLength(JSON.stringify(sample)));
    }

    const perAgentRequests = fresh.flatMap((f) => f.sent);
    const medianSent = median(perAgentRequests);
    const out = [
      `### Pre-flight fleet (${AGENTS} agents × ${REPOS} repos, ${PER_REPO} requirements per repo from ${MODULES} modules, +50 ms per proxy answer, ${RUNS} runs, ${new Date().toISOString().slice(0, 10)})`,
      '',
      '| figure | median |',
      '|---|---|',
      `| proxy requests per agent per round (cache cold) | ${medianSent} |`,
      `| distinct module versions in one agent's round (requirements and the graph below them) | ${versionsTouched} (${distinctVersions.size} required directly) |`,
      `| .mod requests per distinct module version per agent per round | ${((kinds.get('mod') ?? 0) / versionsTouched).toFixed(2)} (${kinds.get('mod') ?? 0} for ${versionsTouched}; .info ${kinds.get('info') ?? 0}) |`,
      `| @v/list requests (the retraction check, one per module) | ${kinds.get('list') ?? 0} for ${modulesListed} modules |`,
      `| requests repeated within one agent's round | ${repeated} |`,
      `| proxy requests for the same ${REPOS} checks without de-duplication (an answer cache per repo) | ${alone} |`,
      `| proxy requests per agent in a second round within the cache lifetime | ${median(within.flatMap((w) => w.sent))} |`,
      `| proxy requests per fleet round (fake's own count, cold) | ${median(fresh.map((f) => f.fakeRequests))} |`,
      `| time for one agent's round (50 module checks, 2 at a time) | ${(median(fresh.flatMap((f) => f.agentMs)) / 1000).toFixed(2)} s |`,
      `| time for the fleet's round (all agents in this one process) | ${(median(fresh.map((f) => f.fleetMs)) / 1000).toFixed(2)} s |`,
      `| Redis memory of one agent-repo history at its cap (${HISTORY} results) | ${(median(memory) / 1024).toFixed(1)} KiB (one result ${median(lastField)} bytes of JSON) |`,
      `| runs that failed (should be 0) | ${fresh.reduce((a, f) => a + f.failed, 0)} |`,
      '',
    ];
    process.stdout.write(`${out.join('\n')}\n`);
  } finally {
    clearTimeout(deadline);
    for (let i = 0; i < AGENTS; i++) await closeProxyCache(`bench-agent-${String(i).padStart(2, '0')}`);
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `*${prefixValue}*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0) await redis.del(...keys);
    } while (cursor !== '0');
    redis.disconnect();
    await proxy.close();
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
