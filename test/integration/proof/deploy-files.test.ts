/**
 * The deployment files, tested without a Docker engine: docker-compose.yml
 * parses and references only services, build targets, volumes and
 * variables that exist; .env.example lists every variable the config knows
 * (and nothing else), each with a comment; the Dockerfile's stages follow
 * the rules (node:24-bookworm-slim, npm ci + npm run build, production
 * dependencies only, no src/, non-root, health checks); and its build steps
 * work as plain commands: the build script compiles into a temp app
 * directory holding only dist/, bin/, package.json and the production
 * packages of the lockfile, from which `buildfix --version`, `serve` and
 * `worker` run, and the images' HEALTHCHECK commands pass against them.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp, mkdir, mkdtemp, readdir, readFile, rm, symlink } from 'node:fs/promises';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parse as parseYaml } from 'yaml';
import { EnvSchema, GO_ENV_KEYS } from '../../../src/config/env.ts';
import { freePort } from '../../fakes/goproxy-server.ts';
import { startSlackApiFake, type SlackApiFake } from '../../fakes/slack-api.ts';
import { ROOT } from '../../helpers/run-cli.ts';
import { deletePrefix, REDIS_URL, uniquePrefix } from '../../helpers/slack-processes.ts';
import { postSigned, slashCommandBody, TEST_SIGNING_SECRET } from '../../helpers/slack-sign.ts';

const KNOWN_VARS = new Set<string>([...Object.keys(EnvSchema.shape), ...GO_ENV_KEYS]);

// ---------------------------------------------------------------------------
// Dockerfile: a small parser (continuations, comments, stages).

interface Instruction {
  op: string;
  args: string;
}
interface Stage {
  name: string;
  from: string;
  instructions: Instruction[];
}

function parseDockerfile(text: string): { args: Map<string, string>; stages: Stage[] } {
  const logical: string[] = [];
  let current = '';
  for (const raw of text.split('\n')) {
    if (current === '' && /^\s*#/.test(raw)) continue;
    if (/\\\s*$/.test(raw)) {
      current += `${raw.replace(/\\\s*$/, '')} `;
      continue;
    }
    current += raw;
    if (current.trim()) logical.push(current.trim());
    current = '';
  }
  const args = new Map<string, string>();
  const stages: Stage[] = [];
  for (const line of logical) {
    const m = /^(\S+)\s+([\s\S]*)$/.exec(line);
    if (!m) continue;
    const op = (m[1] ?? '').toUpperCase();
    const rest = (m[2] ?? '').trim();
    if (op === 'FROM') {
      const f = /^(\S+)(?:\s+AS\s+(\S+))?$/i.exec(rest);
      stages.push({ from: f?.[1] ?? rest, name: f?.[2] ?? String(stages.length), instructions: [] });
    } else if (stages.length === 0 && op === 'ARG') {
      const [k, v] = rest.split('=');
      args.set(k ?? '', (v ?? '').replace(/^"|"$/g, ''));
    } else stages.at(-1)?.instructions.push({ op, args: rest });
  }
  return { args, stages };
}

/** The stage and the stages it builds FROM, nearest first. */
function lineage(stages: Stage[], name: string): Stage[] {
  const out: Stage[] = [];
  let s = stages.find((x) => x.name === name);
  while (s) {
    out.push(s);
    const from = s.from;
    s = stages.find((x) => x.name === from);
  }
  return out;
}

/** ENV of a stage and the stages it builds on (nearest wins). */
function stageEnv(chain: Stage[]): Record<string, string> {
  const env: Record<string, string> = {};
  for (const s of [...chain].reverse()) {
    for (const i of s.instructions.filter((x) => x.op === 'ENV')) {
      for (const m of i.args.matchAll(/([A-Za-z_][A-Za-z0-9_]*)=("([^"]*)"|\S+)/g)) env[m[1] ?? ''] = m[3] ?? m[2] ?? '';
    }
  }
  return env;
}

function healthcheckCommand(stage: Stage[]): { shell: string } | { exec: string[] } {
  const hc = stage.flatMap((s) => s.instructions.filter((i) => i.op === 'HEALTHCHECK')).at(0);
  assert.ok(hc, 'a HEALTHCHECK');
  const cmd = /\bCMD\s+([\s\S]*)$/.exec(hc.args)?.[1]?.trim() ?? '';
  return cmd.startsWith('[') ? { exec: JSON.parse(cmd) as string[] } : { shell: cmd };
}

// ---------------------------------------------------------------------------
// .env.example and compose.

interface EnvEntry {
  name: string;
  commented: boolean;
  /** The comment lines right above it. */
  comment: string[];
}

function parseEnvExample(text: string): EnvEntry[] {
  const out: EnvEntry[] = [];
  let comment: string[] = [];
  for (const line of text.split('\n')) {
    const assign = /^(#\s*)?([A-Za-z_][A-Za-z0-9_]*)=/.exec(line);
    if (assign) {
      out.push({ name: assign[2] ?? '', commented: Boolean(assign[1]), comment });
      comment = [];
    } else if (line.startsWith('#')) comment.push(line.replace(/^#\s?/, ''));
    else comment = [];
  }
  return out;
}

/** Every ${VAR}, ${VAR:-x}, ${VAR-x}, ${VAR:?x} and $VAR in the compose text ($$ escapes skipped). */
function composeVariables(text: string): string[] {
  const found = new Set<string>();
  const re = /\$(\$|\{([A-Za-z_][A-Za-z0-9_]*)(?:[:?-][^}]*)?\}|([A-Za-z_][A-Za-z0-9_]*))/g;
  for (const m of text.matchAll(re)) {
    if (m[1] === '$') continue;
    const name = m[2] ?? m[3];
    if (name) found.add(name);
  }
  return [...found];
}

interface ComposeService {
  image?: string;
  build?: { context?: string; target?: string; dockerfile?: string };
  command?: string[];
  env_file?: string | string[];
  environment?: Record<string, string> | string[];
  volumes?: string[];
  depends_on?: Record<string, { condition?: string }> | string[];
  healthcheck?: { test?: string[] | string };
}

describe('deployment files', () => {
  let dockerfile: ReturnType<typeof parseDockerfile>;
  let compose: { services: Record<string, ComposeService>; volumes?: Record<string, unknown> };
  let composeText: string;
  let env: EnvEntry[];
  let pkg: { scripts: Record<string, string>; dependencies: Record<string, string>; devDependencies: Record<string, string>; version: string };

  before(async () => {
    dockerfile = parseDockerfile(await readFile(join(ROOT, 'Dockerfile'), 'utf8'));
    composeText = await readFile(join(ROOT, 'docker-compose.yml'), 'utf8');
    compose = parseYaml(composeText) as typeof compose;
    env = parseEnvExample(await readFile(join(ROOT, '.env.example'), 'utf8'));
    pkg = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')) as typeof pkg;
  });

  it('.env.example lists every variable the config reads, only those, each once and with a comment', () => {
    const names = env.map((e) => e.name);
    assert.deepEqual(
      names.filter((n) => !KNOWN_VARS.has(n)),
      [],
      'variables the config does not know',
    );
    assert.deepEqual(
      Object.keys(EnvSchema.shape).filter((k) => !names.includes(k)),
      [],
      'EnvSchema variables missing from .env.example',
    );
    assert.deepEqual(
      ['GOPROXY', 'GOPRIVATE', 'GOSUMDB', 'GOFLAGS', 'HTTP_PROXY', 'HTTPS_PROXY', 'NO_PROXY'].filter((k) => !names.includes(k)),
      [],
    );
    assert.equal(new Set(names).size, names.length, 'no variable twice');
    for (const e of env)
      assert.ok(
        e.comment.some((c) => c.trim().length > 10),
        `${e.name} has a comment above it`,
      );
  });

  it('docker-compose.yml parses and references only services, build targets, volumes and variables that exist', () => {
    const services = compose.services;
    assert.deepEqual(Object.keys(services).sort(), ['bot', 'redis', 'worker']);
    const stageNames = dockerfile.stages.map((s) => s.name);
    const declaredVolumes = new Set(Object.keys(compose.volumes ?? {}));
    const usedVolumes = new Set<string>();
    for (const [name, svc] of Object.entries(services)) {
      assert.ok(svc.image || svc.build, `${name} has an image or a build`);
      if (svc.build) {
        assert.equal(svc.build.context, '.');
        assert.ok(existsSync(join(ROOT, svc.build.dockerfile ?? 'Dockerfile')));
        assert.ok(svc.build.target && stageNames.includes(svc.build.target), `${name}: build target ${svc.build.target} is a Dockerfile stage`);
      }
      if (svc.image && !svc.build) assert.match(svc.image, /^redis:\d+(\.\d+)*-[a-z]+$/, `${name}: a pinned official image`);
      assert.ok(svc.healthcheck?.test, `${name} has a health check`);
      const deps = Array.isArray(svc.depends_on) ? svc.depends_on : Object.keys(svc.depends_on ?? {});
      for (const d of deps) assert.ok(services[d], `${name} depends on ${d}, which exists`);
      for (const v of svc.volumes ?? []) {
        const source = v.split(':')[0] ?? '';
        if (source.startsWith('.') || source.startsWith('/')) {
          assert.ok(source.startsWith('./'), `${name}: bind mounts stay inside the project (${source})`);
          assert.ok(!['./src', './test', './.env', './.git'].includes(source));
        } else {
          assert.ok(declaredVolumes.has(source), `${name}: volume ${source} is declared`);
          usedVolumes.add(source);
        }
      }
      const envKeys = Array.isArray(svc.environment) ? svc.environment.map((e) => e.split('=')[0] ?? '') : Object.keys(svc.environment ?? {});
      for (const k of envKeys) assert.ok(KNOWN_VARS.has(k), `${name}: environment ${k} is a variable the config knows`);
    }
    assert.deepEqual(
      [...declaredVolumes].filter((v) => !usedVolumes.has(v)),
      [],
      'no unused volume',
    );

    const listed = new Set(env.map((e) => e.name));
    assert.deepEqual(
      composeVariables(composeText).filter((v) => !listed.has(v)),
      [],
      'every ${VAR} in compose is in .env.example',
    );
    assert.ok(composeVariables(composeText).length >= 2);
  });

  it('compose: Redis persists (appendonly, a named volume at /data, noeviction); bot runs serve, worker runs worker, both from .env', () => {
    const { redis, bot, worker } = compose.services as Record<'redis' | 'bot' | 'worker', ComposeService>;
    const cmd = (redis.command ?? []).join(' ');
    assert.match(cmd, /--appendonly yes/);
    assert.match(cmd, /--maxmemory-policy noeviction/);
    assert.ok(
      (redis.volumes ?? []).some((v) => /^[a-z][\w-]*:\/data$/.test(v)),
      'a named volume at /data',
    );
    assert.deepEqual(bot.command, ['serve']);
    assert.deepEqual(worker.command, ['worker']);
    for (const s of [bot, worker]) {
      assert.equal(s.env_file, '.env');
      assert.deepEqual(s.depends_on, { redis: { condition: 'service_healthy' } });
    }
    assert.equal(bot.build?.target, 'serve');
    assert.equal(worker.build?.target, 'worker');
  });

  it('Dockerfile: node:24-bookworm-slim, npm ci + npm run build, production dependencies only, no src/, non-root, health checks', () => {
    const { args, stages } = dockerfile;
    const resolve = (from: string): string => from.replace(/^\$\{?(\w+)\}?$/, (_m, k: string) => args.get(k) ?? from);
    for (const s of stages) {
      const base = resolve(s.from);
      assert.ok(
        base === 'node:24-bookworm-slim' || stages.some((o) => o.name === base),
        `stage ${s.name} builds FROM node:24-bookworm-slim or a stage (${base})`,
      );
    }
    const build = stages.find((s) => s.name === 'build');
    const runs = (s: Stage | undefined): string[] => (s?.instructions ?? []).filter((i) => i.op === 'RUN').map((i) => i.args);
    assert.ok(
      runs(build).some((r) => /\bnpm ci\b/.test(r) && !/--omit=dev/.test(r)),
      'build: npm ci with dev dependencies',
    );
    assert.ok(
      runs(build).some((r) => /\bnpm run build\b/.test(r)),
      'build: npm run build',
    );
    assert.match(pkg.scripts.build ?? '', /^node scripts\/build\.ts$/, 'the build script the test replays');
    assert.ok(
      runs(stages.find((s) => s.name === 'deps')).some((r) => /\bnpm ci\b.*--omit=dev/.test(r)),
      'deps: npm ci --omit=dev',
    );

    for (const s of stages) {
      for (const i of s.instructions.filter((x) => x.op === 'COPY' || x.op === 'ADD')) {
        assert.notEqual(i.op, 'ADD', 'COPY, not ADD');
        const parts = i.args.split(/\s+/).filter((p) => !p.startsWith('--'));
        const from = /--from=(\S+)/.exec(i.args)?.[1];
        const sources = parts.slice(0, -1);
        if (from)
          assert.ok(
            stages.some((o) => o.name === from),
            `COPY --from=${from} names a stage`,
          );
        else for (const src of sources) assert.ok(existsSync(join(ROOT, src)), `COPY source ${src} exists`);
      }
    }

    for (const target of ['serve', 'worker']) {
      const chain = lineage(stages, target);
      assert.ok(chain.length >= 2, `${target} is a stage built on the app stage`);
      const copies = chain.flatMap((s) => s.instructions.filter((i) => i.op === 'COPY').map((i) => i.args));
      assert.ok(!copies.some((c) => /(^|\s)(\.\/)?src(\/|\s|$)/.test(c) && !/--from=/.test(c)), `${target}: src/ is never copied in`);
      assert.ok(!copies.some((c) => /\/src\b/.test(c) && /--from=build/.test(c) && !/\/dist\b/.test(c)), `${target}: only dist/ comes from the build stage`);
      assert.ok(
        copies.some((c) => /--from=deps\s+\/app\/node_modules/.test(c)),
        `${target}: node_modules from the --omit=dev stage`,
      );
      assert.ok(
        copies.some((c) => /--from=build\s+\S*\/dist\s/.test(c)),
        `${target}: dist/ from the build stage`,
      );
      // The effective user: the last USER of the nearest stage that sets one.
      const user = chain.map((s) => s.instructions.filter((i) => i.op === 'USER').at(-1)).find((u) => u !== undefined);
      assert.ok(user && !/^(root|0)(:|$)/.test(user.args), `${target} runs as a non-root user (${user?.args})`);
      healthcheckCommand(chain);
    }
    assert.equal(stages.at(-1)?.name, 'serve', 'a plain `docker build` builds serve');
    const worker = lineage(stages, 'worker');
    assert.ok(
      worker.some((s) => s.instructions.some((i) => i.op === 'ARG' && /git golang-go/.test(i.args))),
      'the worker gets git and golang-go',
    );
  });

  it('.dockerignore keeps secrets, dependencies, builds and tests out of the context', async () => {
    const lines = (await readFile(join(ROOT, '.dockerignore'), 'utf8')).split('\n').map((l) => l.trim());
    for (const p of ['.git', '.env', 'node_modules', 'dist', 'test']) assert.ok(lines.includes(p), `.dockerignore lists ${p}`);
    for (const needed of ['src', 'bin', 'vendor', 'scripts', 'package.json', 'package-lock.json', 'tsconfig.json'])
      assert.ok(!lines.includes(needed), `${needed} is in the context`);
  });

  describe('the build steps as plain commands', () => {
    let work: string;
    let app: string;
    let pathDir: string;
    let slack: SlackApiFake;
    const prefix = uniquePrefix();
    const children: ChildProcess[] = [];

    before(async () => {
      work = await mkdtemp(join(tmpdir(), 'buildfix-deploy-'));
      app = join(work, 'app');
      pathDir = join(work, 'bin');
      await mkdir(app);
      await mkdir(pathDir);
      // The images run `node`: here that is the pinned Node the tests run on.
      await symlink(process.execPath, join(pathDir, 'node'));
      slack = await startSlackApiFake();
    });
    after(async () => {
      for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
      await slack?.close();
      await deletePrefix(prefix);
      await rm(work, { recursive: true, force: true });
    });

    const run = (argv: string[], options: { cwd: string; env?: Record<string, string>; timeoutMs?: number }): Promise<{ code: number | null; out: string }> =>
      new Promise((resolve) => {
        const child = spawn(argv[0] ?? '', argv.slice(1), {
          cwd: options.cwd,
          env: { PATH: `${pathDir}:${process.env.PATH ?? '/usr/bin:/bin'}`, HOME: work, ...options.env },
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        let out = '';
        child.stdout.on('data', (d: Buffer) => (out += d.toString()));
        child.stderr.on('data', (d: Buffer) => (out += d.toString()));
        const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000);
        child.on('close', (code) => {
          clearTimeout(timer);
          resolve({ code, out });
        });
      });

    // The images' ENV (NODE_ENV, NODE_OPTIONS): a bad V8 flag there would stop node from starting.
    const imageEnv = (): Record<string, string> => stageEnv(lineage(dockerfile.stages, 'app'));

    const start = (args: string[], env: Record<string, string>, ready: RegExp): Promise<{ child: ChildProcess; output: () => string }> =>
      new Promise((resolve, reject) => {
        const child = spawn(process.execPath, ['bin/buildfix.js', ...args], {
          cwd: app,
          env: { PATH: `${pathDir}:${process.env.PATH ?? ''}`, HOME: work, NO_COLOR: '1', LOG_LEVEL: 'info', ...imageEnv(), ...env },
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        children.push(child);
        let out = '';
        const timer = setTimeout(() => reject(new Error(`${args[0]} from dist/ not ready:\n${out}`)), 20_000);
        const onData = (d: Buffer): void => {
          out += d.toString();
          if (ready.test(out)) {
            clearTimeout(timer);
            resolve({ child, output: () => out });
          }
        };
        child.stdout.on('data', onData);
        child.stderr.on('data', onData);
        child.once('exit', (code) => {
          clearTimeout(timer);
          reject(new Error(`${args[0]} from dist/ exited with ${code}:\n${out}`));
        });
      });

    const runHealthcheck = (hc: { shell: string } | { exec: string[] }, env: Record<string, string>) =>
      'exec' in hc
        ? run(hc.exec, { cwd: app, env: { ...imageEnv(), ...env }, timeoutMs: 15_000 })
        : run(['/bin/sh', '-c', hc.shell], { cwd: app, env: { ...imageEnv(), ...env }, timeoutMs: 15_000 });

    it('npm run build (scripts/build.ts, esbuild) bundles into the app directory', async () => {
      const script = (pkg.scripts.build ?? '').split(/\s+/);
      assert.equal(script[0], 'node');
      const res = await run([process.execPath, ...script.slice(1).map((a) => join(ROOT, a)), '--outdir', join(app, 'dist')], { cwd: ROOT, timeoutMs: 120_000 });
      assert.ok(existsSync(join(app, 'dist/cli/main.js')));
      assert.ok(existsSync(join(app, 'dist/slack/handler-thread.js')), 'the Slack handler thread entry is compiled too');
      // COPY package.json ./ and COPY bin ./bin; node_modules = the lockfile's production packages (what npm ci --omit=dev installs).
      await cp(join(ROOT, 'package.json'), join(app, 'package.json'));
      await cp(join(ROOT, 'bin'), join(app, 'bin'), { recursive: true });
      const lock = JSON.parse(await readFile(join(ROOT, 'package-lock.json'), 'utf8')) as { packages: Record<string, { dev?: boolean }> };
      for (const [path, meta] of Object.entries(lock.packages)) {
        if (!/^node_modules\/(@[^/]+\/)?[^/]+$/.test(path) || meta.dev) continue;
        await mkdir(join(app, path, '..'), { recursive: true });
        await symlink(join(ROOT, path), join(app, path));
      }
      assert.ok(!existsSync(join(app, 'src')), 'no src/ in the image');
      assert.ok(!existsSync(join(app, 'node_modules/typescript')), 'dev dependencies are not installed');
      assert.equal(res.code, 0, res.out);
      assert.match(res.out, /bundled 2 entry points/);
    });

    it('every package dist/ imports is a production dependency', async () => {
      const files = (await readdir(join(app, 'dist'), { recursive: true })).filter((f) => f.endsWith('.js'));
      assert.ok(files.length > 10, `a bundle split into chunks, got ${files.length} files`);
      const builtins = new Set(builtinModules);
      const bad = new Set<string>();
      const seen = new Set<string>();
      for (const f of files) {
        const text = await readFile(join(app, 'dist', f), 'utf8');
        // import/export statements, import(), and require() in its bundled forms (__require, createRequire(import.meta.url)(…)).
        for (const m of text.matchAll(
          /(?:^|\s)(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|^import\s*['"]([^'"]+)['"]|(?:\brequire\w*|createRequire\w*\(import\.meta\.url\))\(\s*['"]([^'"]+)['"]\s*\)/gm,
        )) {
          const spec = m[1] ?? m[2] ?? m[3] ?? m[4] ?? '';
          if (spec.startsWith('.') || spec.startsWith('node:') || builtins.has(spec)) continue;
          const name = spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : (spec.split('/')[0] ?? spec);
          seen.add(name);
          if (!(name in pkg.dependencies)) bad.add(`${f}: ${spec}`);
        }
      }
      assert.deepEqual([...bad], [], 'imports of packages that are not production dependencies');
      assert.ok(seen.has('pino') && seen.has('yaml') && seen.has('bullmq'), `lazily required and external packages are seen too: ${[...seen].join(', ')}`);
    });

    it('buildfix --version and --help run from dist/ (no src/), and serve, worker and the images’ health checks work', async () => {
      assert.match(imageEnv().NODE_OPTIONS ?? '', /--max-old-space-size=\d+/, 'the image caps the V8 heap');
      const version = await run([process.execPath, 'bin/buildfix.js', '--version'], { cwd: app, env: imageEnv() });
      assert.equal(version.code, 0, version.out);
      assert.equal(version.out.trim(), `buildfix ${pkg.version}`);
      const help = await run([process.execPath, 'bin/buildfix.js', '--help'], { cwd: app });
      assert.match(help.out, /serve \[--listen ADDR\]/);

      const port = await freePort();
      const common = { REDIS_URL, REDIS_PREFIX: prefix, GOPROXY: 'off' };
      const serve = await start(
        ['serve', '--listen', '127.0.0.1', '--grace-ms', '200'],
        { ...common, PORT: String(port), SLACK_BOT_TOKEN: 'xoxb-test-token', SLACK_SIGNING_SECRET: TEST_SIGNING_SECRET, SLACK_API_URL: slack.apiUrl },
        /buildfix serve listening on/,
      );
      const worker = await start(['worker'], { ...common, BUILDFIX_HOST: 'agent-01' }, /"msg":"worker ready"/);

      const chains = { serve: lineage(dockerfile.stages, 'serve'), worker: lineage(dockerfile.stages, 'worker') };
      const serveHc = await runHealthcheck(healthcheckCommand(chains.serve), { PORT: String(port) });
      assert.equal(serveHc.code, 0, `serve HEALTHCHECK: ${serveHc.out}`);
      const workerEnv = { ...common, BUILDFIX_HOST: 'agent-01' };
      const workerHc = await runHealthcheck(healthcheckCommand(chains.worker), workerEnv);
      assert.equal(workerHc.code, 0, `worker HEALTHCHECK: ${workerHc.out}`);
      const otherHost = await runHealthcheck(healthcheckCommand(chains.worker), { ...workerEnv, BUILDFIX_HOST: 'agent-99' });
      assert.equal(otherHost.code, 1, 'the worker check fails for a host with no live worker');

      // compose's own health checks (the same commands, as compose runs them)
      const botTest = compose.services.bot?.healthcheck?.test as string[];
      assert.equal(botTest[0], 'CMD');
      assert.equal((await run(botTest.slice(1), { cwd: app, env: { PORT: String(port) } })).code, 0);
      const workerTest = compose.services.worker?.healthcheck?.test as string[];
      assert.equal(workerTest[0], 'CMD-SHELL');
      assert.equal((await run(['/bin/sh', '-c', workerTest[1] ?? 'false'], { cwd: app, env: workerEnv })).code, 0);

      // the handler thread (dist/slack/handler-thread.js) answers a command end to end
      const res = await postSigned(`http://127.0.0.1:${port}/slack/events`, slashCommandBody({ text: 'status', response_url: slack.responseUrl() }));
      assert.equal(res.status, 200);
      const posted = await slack.waitFor((c) => c.method === 'chat.postMessage' && c.ok && /agent-01/.test(JSON.stringify(c.args)), 15_000);
      assert.ok(posted);

      for (const p of [serve, worker]) {
        p.child.kill('SIGTERM');
        const code = await new Promise<number | null>((resolve) => p.child.once('exit', resolve));
        assert.equal(code, 0, p.output());
      }
    });
  });
});
