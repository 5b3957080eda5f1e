/**
 * The seeded oracle generator: projects (go.mod, go.sum, vendor/, local
 * directories, go env) and the module universe each one sees through fake
 * proxies on 127.0.0.1. The real `go mod download` is the judge of every
 * project; the generator only makes realistic set-ups in every family of
 * issue 12. Same seed → same projects, byte for byte.
 *
 * GOPROXY/GOSUMDB values are templates: {ok} {404} {410} {500} {refused}
 * {timeout} {tls} are replaced by the runner with the fake endpoints of the
 * project (see oracle-proxy.ts).
 */
import { createHash } from 'node:crypto';
import { createRng, type Rng } from './prng.ts';
import { modHash, zipHash, type UniverseModule, type UniverseVersion } from './universe.ts';

export const DEFAULT_SEED = 20261205;
export const DEFAULT_COUNT = 320;

export const FAMILIES = [
  'healthy',
  'missing-version',
  'wrong-case',
  'retracted',
  'path-mismatch',
  'excluded',
  'replace-dir',
  'replace-version',
  'go-sum',
  'bad-zip',
  'invalid-go-mod',
  'toolchain',
  'goproxy-list',
  'private',
  'sumdb',
  'vendor',
] as const;
export type Family = (typeof FAMILIES)[number];

export interface OracleEnv {
  /** Template: entries like {ok} {404} … joined with `,` / `|`, or off/direct. */
  GOPROXY: string;
  /** 'off', '{sumdb-refused}' (a checksum DB that refuses connections) or '{sumdb}' (the project's own signing checksum DB). */
  GOSUMDB: string;
  GOPRIVATE?: string;
  GONOPROXY?: string;
  GONOSUMDB?: string;
  GOFLAGS?: string;
  HTTP_PROXY?: string;
  HTTPS_PROXY?: string;
}

export interface OracleProject {
  /** Unique and stable for a seed: "p007-go-sum-tampered-zip". */
  id: string;
  family: Family;
  variant: string;
  goMod: string;
  goSum?: string;
  /** Other files, relative to the project's directory (`../x` lands next to it). */
  files: Record<string, string>;
  env: OracleEnv;
  modules: UniverseModule[];
  /** The family needs zip downloads to be seen (buildfix --deep). */
  deep: boolean;
  /**
   * With GOSUMDB={sumdb}: the checksum DB (a signing fake of its own) vouches
   * for every version of the universe, except these hashes it states
   * differently and these module@versions it does not know.
   */
  sumdb?: { differs?: Array<{ path: string; version: string; zip?: boolean; mod?: boolean }>; unknown?: string[] };
}

type Draft = Omit<OracleProject, 'id' | 'family' | 'variant'>;

interface Names {
  host: string;
  /** host/org/name */
  p(name: string): string;
  lib(): string;
}

const HOSTS = ['example.com', 'example.org', 'go.example.net', 'code.example.io'];
const ORGS = ['acme', 'globex', 'initech', 'hooli', 'umbrella', 'wonka', 'stark', 'tyrell'];
const LIBS = ['ledger', 'util', 'yaml', 'log', 'retry', 'cache', 'auth', 'queue', 'metrics', 'uuid', 'grpcx', 'httpx', 'kv', 'cron'];

function names(rng: Rng): Names {
  const host = rng.pick(HOSTS);
  const org = rng.pick(ORGS);
  const used = new Set<string>();
  return {
    host,
    p: (name) => `${host}/${org}/${name}`,
    lib: () => {
      let l = rng.pick(LIBS);
      for (let n = 2; used.has(l); n++) l = `${rng.pick(LIBS)}${used.size >= LIBS.length ? n : ''}`;
      used.add(l);
      return l;
    },
  };
}

function semver(rng: Rng, major = 1): string {
  return `v${major}.${rng.int(0, 9)}.${rng.int(0, 9)}`;
}

function bump(v: string): string {
  const m = /^v(\d+)\.(\d+)\.(\d+)/.exec(v)!;
  return `v${m[1]}.${m[2]}.${Number(m[3]) + 1}`;
}

function pseudo(rng: Rng): string {
  const hex = createHash('sha1').update(String(rng.next())).digest('hex').slice(0, 12);
  return `v0.0.0-2024${String(rng.int(1, 12)).padStart(2, '0')}${String(rng.int(10, 28))}${String(rng.int(10, 23))}0405-${hex}`;
}

interface Req {
  path: string;
  version: string;
  indirect?: boolean;
}

function mainGoMod(opts: { module?: string; go?: string; require: Req[]; lines?: string[]; header?: string }): string {
  let text = opts.header ?? `module ${opts.module ?? 'example.com/app'}\n\ngo ${opts.go ?? '1.19'}\n`;
  const direct = opts.require.filter((r) => !r.indirect);
  const indirect = opts.require.filter((r) => r.indirect);
  for (const block of [direct, indirect]) {
    if (block.length === 0) continue;
    text += `\nrequire (\n${block.map((r) => `\t${r.path} ${r.version}${r.indirect ? ' // indirect' : ''}\n`).join('')})\n`;
  }
  if (opts.lines?.length) text += `\n${opts.lines.join('\n')}\n`;
  return text;
}

/** go.sum lines (both kinds) for every version in the universe that exists (sorted like go writes them). */
function goSumFor(modules: UniverseModule[], opts: { zip?: boolean; skip?: (path: string, version: string, kind: 'zip' | 'mod') => boolean } = {}): string {
  const lines: string[] = [];
  for (const m of modules) {
    for (const v of m.versions) {
      if (v.gone || v.rawEntries || v.zeros !== undefined) continue;
      if (opts.zip !== false && !opts.skip?.(m.path, v.version, 'zip')) lines.push(`${m.path} ${v.version} ${zipHash(m.path, v)}`);
      if (!opts.skip?.(m.path, v.version, 'mod')) lines.push(`${m.path} ${v.version}/go.mod ${modHash(m.path, v)}`);
    }
  }
  return lines
    .sort()
    .map((l) => `${l}\n`)
    .join('');
}

function randomHash(rng: Rng): string {
  return `h1:${createHash('sha256').update(`tampered-${rng.next()}`).digest('base64')}`;
}

/** 0–2 healthy extra requirements that change nothing about the family's fault. */
function fillers(rng: Rng, n: Names): { modules: UniverseModule[]; require: Req[] } {
  const modules: UniverseModule[] = [];
  const require: Req[] = [];
  for (let i = rng.int(0, 2); i > 0; i--) {
    const path = n.p(n.lib());
    const version = semver(rng);
    modules.push({ path, versions: [{ version }] });
    require.push({ path, version });
  }
  return { modules, require };
}

const BASE_ENV: OracleEnv = { GOPROXY: '{ok}', GOSUMDB: 'off' };

function simple(goMod: string, modules: UniverseModule[], extra: Partial<Draft> = {}): Draft {
  return { goMod, files: {}, env: { ...BASE_ENV }, modules, deep: false, ...extra };
}

type VariantFn = (rng: Rng, n: Names) => Draft;

const healthy: Record<string, VariantFn> = {
  plain: (rng, n) => {
    const f = fillers(rng, n);
    const a = { path: n.p(n.lib()), version: semver(rng) };
    const modules = [{ path: a.path, versions: [{ version: a.version }] }, ...f.modules];
    return simple(mainGoMod({ require: [a, ...f.require] }), modules, rng.chance(0.5) ? { goSum: goSumFor(modules) } : {});
  },
  pseudo: (rng, n) => {
    const a = { path: n.p(n.lib()), version: pseudo(rng) };
    const modules = [{ path: a.path, versions: [{ version: a.version, time: '2024-03-04T05:06:07Z' }] }];
    return simple(mainGoMod({ require: [a] }), modules, { goSum: goSumFor(modules) });
  },
  prerelease: (rng, n) => {
    const base = n.p(n.lib());
    const a = { path: base, version: `${semver(rng)}-rc.${rng.int(1, 3)}` };
    const b = { path: `${n.p(n.lib())}/v2`, version: `v2.0.0-beta.${rng.int(1, 5)}` };
    const modules = [
      { path: a.path, versions: [{ version: a.version }] },
      { path: b.path, versions: [{ version: b.version }] },
    ];
    return simple(mainGoMod({ require: [a, b] }), modules, { goSum: goSumFor(modules) });
  },
  incompatible: (rng, n) => {
    const a = { path: n.p(n.lib()), version: `v${rng.int(2, 4)}.${rng.int(0, 5)}.0+incompatible` };
    const modules = [{ path: a.path, versions: [{ version: a.version, noGoModInZip: true }] }];
    return simple(mainGoMod({ require: [a] }), modules, { goSum: goSumFor(modules) });
  },
  major: (rng, n) => {
    const a = { path: `${n.p(n.lib())}/v2`, version: semver(rng, 2) };
    const b = { path: `${n.p(n.lib())}/v3`, version: semver(rng, 3) };
    const modules = [
      { path: a.path, versions: [{ version: a.version }] },
      { path: b.path, versions: [{ version: b.version }] },
    ];
    return simple(mainGoMod({ require: [a, b] }), modules, rng.chance(0.5) ? { goSum: goSumFor(modules) } : {});
  },
  'case-encoded': (rng, n) => {
    const a = { path: `${n.host}/${rng.pick(['BigCorp', 'AcmeInc', 'SirUpsen'])}/${rng.pick(['Widget', 'Logrus', 'kit'])}`, version: semver(rng) };
    const modules = [{ path: a.path, versions: [{ version: a.version }] }];
    return simple(mainGoMod({ require: [a] }), modules, { goSum: goSumFor(modules) });
  },
  'graph-tidy': (rng, n) => {
    const c = { path: n.p(n.lib()), version: semver(rng), indirect: true };
    const b = { path: n.p(n.lib()), version: semver(rng), indirect: true };
    const a = { path: n.p(n.lib()), version: semver(rng) };
    const modules: UniverseModule[] = [
      { path: a.path, versions: [{ version: a.version, requires: [[b.path, b.version]] }] },
      { path: b.path, versions: [{ version: b.version, requires: [[c.path, c.version]] }] },
      { path: c.path, versions: [{ version: c.version }] },
    ];
    return simple(mainGoMod({ require: [a, b, c] }), modules, { goSum: goSumFor(modules) });
  },
  'graph-go116': (rng, n) => {
    const c = { path: n.p(n.lib()), version: semver(rng) };
    const b = { path: n.p(n.lib()), version: semver(rng) };
    const a = { path: n.p(n.lib()), version: semver(rng) };
    const modules: UniverseModule[] = [
      { path: a.path, versions: [{ version: a.version, go: '1.16', requires: [[b.path, b.version]] }] },
      { path: b.path, versions: [{ version: b.version, go: '1.16', requires: [[c.path, c.version]] }] },
      { path: c.path, versions: [{ version: c.version, go: '1.16' }] },
    ];
    return simple(mainGoMod({ go: '1.16', require: [a] }), modules, rng.chance(0.5) ? { goSum: goSumFor(modules) } : {});
  },
  'graph-mvs': (rng, n) => {
    const bOld = 'v1.0.0';
    const bNew = 'v1.1.0';
    const a = { path: n.p(n.lib()), version: semver(rng) };
    const b = n.p(n.lib());
    const modules: UniverseModule[] = [
      { path: a.path, versions: [{ version: a.version, requires: [[b, bOld]] }] },
      { path: b, versions: [{ version: bOld }, { version: bNew }] },
    ];
    return simple(mainGoMod({ require: [a, { path: b, version: bNew }] }), modules, { goSum: goSumFor(modules) });
  },
};

const missingVersion: Record<string, VariantFn> = {
  '404-direct': (rng, n) => {
    const f = fillers(rng, n);
    const path = n.p(n.lib());
    const have = semver(rng);
    const modules = [{ path, versions: [{ version: have }] }, ...f.modules];
    return simple(mainGoMod({ require: [{ path, version: bump(have) }, ...f.require] }), modules);
  },
  '410-direct': (rng, n) => {
    const path = n.p(n.lib());
    const v = semver(rng);
    return simple(mainGoMod({ require: [{ path, version: v }] }), [{ path, versions: [{ version: 'v0.1.0' }, { version: v, gone: true }] }]);
  },
  'missing-transitive-go116': (rng, n) => {
    const a = { path: n.p(n.lib()), version: semver(rng) };
    const c = n.p(n.lib());
    const modules: UniverseModule[] = [
      { path: a.path, versions: [{ version: a.version, go: '1.16', requires: [[c, 'v1.9.0']] }] },
      { path: c, versions: [{ version: 'v1.8.0' }] },
    ];
    return simple(mainGoMod({ go: '1.16', require: [a] }), modules);
  },
  'missing-indirect-tidy': (rng, n) => {
    const a = { path: n.p(n.lib()), version: semver(rng) };
    const c = n.p(n.lib());
    const modules: UniverseModule[] = [
      { path: a.path, versions: [{ version: a.version, requires: [[c, 'v1.9.0']] }] },
      { path: c, versions: [{ version: 'v1.8.0' }] },
    ];
    return simple(mainGoMod({ require: [a, { path: c, version: 'v1.9.0', indirect: true }] }), modules);
  },
  'missing-pseudo': (rng, n) => {
    const path = n.p(n.lib());
    return simple(mainGoMod({ require: [{ path, version: pseudo(rng) }] }), [{ path, versions: [{ version: semver(rng) }] }]);
  },
};

const wrongCase: Record<string, VariantFn> = {
  'lowercase-request': (rng, n) => {
    const real = `${n.host}/${rng.pick(['BigCorp', 'SirUpsen'])}/widget`;
    const v = semver(rng);
    return simple(mainGoMod({ require: [{ path: real.toLowerCase(), version: v }] }), [{ path: real, versions: [{ version: v }] }]);
  },
  'declares-lowercase': (rng, n) => {
    const real = `${n.host}/${rng.pick(['Mixed', 'CamelCo'])}/lib`;
    const v = semver(rng);
    return simple(mainGoMod({ require: [{ path: real, version: v }] }), [{ path: real, versions: [{ version: v, declaredPath: real.toLowerCase() }] }]);
  },
  'uppercase-request': (rng, n) => {
    const real = n.p(n.lib());
    const v = semver(rng);
    const asked = real.replace(/\/([a-z])([a-z]*)$/, (_, c: string, rest: string) => `/${c.toUpperCase()}${rest}`);
    return simple(mainGoMod({ require: [{ path: asked, version: v }] }), [{ path: real, versions: [{ version: v }] }]);
  },
};

const retracted: Record<string, VariantFn> = {
  'required-retracted': (rng, n) => {
    const path = n.p(n.lib());
    const f = fillers(rng, n);
    const modules: UniverseModule[] = [
      { path, versions: [{ version: 'v1.0.0' }, { version: 'v1.0.1' }, { version: 'v1.1.0', retract: ['v1.0.1 // data race in Parse'] }] },
      ...f.modules,
    ];
    return simple(mainGoMod({ require: [{ path, version: 'v1.0.1' }, ...f.require] }), modules, rng.chance(0.5) ? { goSum: goSumFor(modules) } : {});
  },
  'range-retracted': (rng, n) => {
    const path = n.p(n.lib());
    const modules: UniverseModule[] = [
      { path, versions: [{ version: 'v1.0.0' }, { version: 'v1.0.2' }, { version: 'v1.2.0', retract: ['[v1.0.0, v1.0.2] // leaked credentials'] }] },
    ];
    return simple(mainGoMod({ require: [{ path, version: rng.pick(['v1.0.0', 'v1.0.2']) }] }), modules);
  },
  'retracted-and-missing': (rng, n) => {
    const path = n.p(n.lib());
    const other = n.p(n.lib());
    const modules: UniverseModule[] = [
      { path, versions: [{ version: 'v1.0.1' }, { version: 'v1.1.0', retract: ['v1.0.1'] }] },
      { path: other, versions: [{ version: 'v0.3.0' }] },
    ];
    return simple(
      mainGoMod({
        require: [
          { path, version: 'v1.0.1' },
          { path: other, version: 'v0.4.0' },
        ],
      }),
      modules,
    );
  },
};

const pathMismatch: Record<string, VariantFn> = {
  direct: (rng, n) => {
    const path = n.p(n.lib());
    const v = semver(rng);
    return simple(mainGoMod({ require: [{ path, version: v }] }), [{ path, versions: [{ version: v, declaredPath: `${path}-fork` }] }]);
  },
  'replace-target-declares-other': (rng, n) => {
    const a = n.p(n.lib());
    const b = n.p(n.lib());
    return simple(mainGoMod({ require: [{ path: a, version: 'v1.0.0' }], lines: [`replace ${a} => ${b} v1.2.0`] }), [
      { path: a, versions: [{ version: 'v1.0.0' }] },
      { path: b, versions: [{ version: 'v1.2.0', declaredPath: n.p(n.lib()) }] },
    ]);
  },
  'replace-target-declares-original': (rng, n) => {
    const a = n.p(n.lib());
    const b = n.p(n.lib());
    return simple(mainGoMod({ require: [{ path: a, version: 'v1.0.0' }], lines: [`replace ${a} => ${b} v1.2.0`] }), [
      { path: b, versions: [{ version: 'v1.2.0', declaredPath: a }] },
    ]);
  },
  'replace-target-declares-own': (rng, n) => {
    const a = n.p(n.lib());
    const b = n.p(n.lib());
    return simple(mainGoMod({ require: [{ path: a, version: 'v1.0.0' }], lines: [`replace ${a} => ${b} v1.2.0`] }), [
      { path: b, versions: [{ version: 'v1.2.0' }] },
    ]);
  },
  'transitive-go116': (rng, n) => {
    const a = { path: n.p(n.lib()), version: semver(rng) };
    const c = n.p(n.lib());
    return simple(mainGoMod({ go: '1.16', require: [a] }), [
      { path: a.path, versions: [{ version: a.version, go: '1.16', requires: [[c, 'v1.1.0']] }] },
      { path: c, versions: [{ version: 'v1.1.0', declaredPath: `example.org/${c.split('/').at(-1)}` }] },
    ]);
  },
  'transitive-tidy': (rng, n) => {
    const a = { path: n.p(n.lib()), version: semver(rng) };
    const c = n.p(n.lib());
    return simple(mainGoMod({ require: [a, { path: c, version: 'v1.1.0', indirect: true }] }), [
      { path: a.path, versions: [{ version: a.version, requires: [[c, 'v1.1.0']] }] },
      { path: c, versions: [{ version: 'v1.1.0', declaredPath: `example.org/${c.split('/').at(-1)}` }] },
    ]);
  },
  'major-suffix': (rng, n) => {
    const base = n.p(n.lib());
    const v = semver(rng, 2);
    return simple(mainGoMod({ require: [{ path: `${base}/v2`, version: v }] }), [{ path: `${base}/v2`, versions: [{ version: v, declaredPath: base }] }]);
  },
};

const excluded: Record<string, VariantFn> = {
  'required-excluded-higher': (rng, n) => {
    const a = n.p(n.lib());
    return simple(mainGoMod({ require: [{ path: a, version: 'v1.1.0' }], lines: [`exclude ${a} v1.1.0`] }), [
      { path: a, versions: [{ version: 'v1.0.0' }, { version: 'v1.1.0' }, { version: 'v1.2.0' }] },
    ]);
  },
  'required-excluded-none-higher': (rng, n) => {
    const a = n.p(n.lib());
    return simple(mainGoMod({ require: [{ path: a, version: 'v1.1.0' }], lines: [`exclude ${a} v1.1.0`] }), [
      { path: a, versions: [{ version: 'v1.0.0' }, { version: 'v1.1.0' }] },
    ]);
  },
  'unrelated-exclude': (rng, n) => {
    const a = n.p(n.lib());
    const modules = [{ path: a, versions: [{ version: 'v1.0.0' }, { version: 'v1.1.0' }] }];
    return simple(mainGoMod({ require: [{ path: a, version: 'v1.1.0' }], lines: [`exclude ${a} v1.0.0`] }), modules, { goSum: goSumFor(modules) });
  },
  'transitive-excluded-go116': (rng, n) => {
    const a = { path: n.p(n.lib()), version: semver(rng) };
    const b = n.p(n.lib());
    return simple(mainGoMod({ go: '1.16', require: [a], lines: [`exclude ${b} v1.0.0`] }), [
      { path: a.path, versions: [{ version: a.version, go: '1.16', requires: [[b, 'v1.0.0']] }] },
      { path: b, versions: [{ version: 'v1.0.0' }, ...(rng.chance(0.5) ? [{ version: 'v1.0.1' }] : [])] },
    ]);
  },
};

const replaceDir: Record<string, VariantFn> = {
  'missing-dir': (rng, n) => {
    const a = n.p(n.lib());
    return simple(mainGoMod({ require: [{ path: a, version: 'v1.0.0' }], lines: [`replace ${a} => ../${a.split('/').at(-1)}-fork`] }), [
      { path: a, versions: [{ version: 'v1.0.0' }] },
    ]);
  },
  'existing-dir': (rng, n) => {
    const a = n.p(n.lib());
    const f = fillers(rng, n);
    return simple(mainGoMod({ require: [{ path: a, version: 'v1.0.0' }, ...f.require], lines: [`replace ${a} => ./third_party/fork`] }), f.modules, {
      files: { 'third_party/fork/go.mod': `module ${a}\n\ngo 1.19\n` },
    });
  },
  'dir-without-go-mod': (rng, n) => {
    const a = n.p(n.lib());
    return simple(mainGoMod({ require: [{ path: a, version: 'v1.0.0' }], lines: [`replace ${a} => ../fork`] }), [], {
      files: { '../fork/lib.go': 'package lib\n' },
    });
  },
  'dir-declares-other': (rng, n) => {
    const a = n.p(n.lib());
    return simple(mainGoMod({ require: [{ path: a, version: 'v1.0.0' }], lines: [`replace ${a} => ./fork`] }), [], {
      files: { 'fork/go.mod': `module ${n.p(n.lib())}\n\ngo 1.19\n` },
    });
  },
  'versioned-left-dir': (rng, n) => {
    const a = n.p(n.lib());
    return simple(mainGoMod({ require: [{ path: a, version: 'v1.0.0' }], lines: [`replace ${a} v1.0.0 => ./local/${a.split('/').at(-1)}`] }), [], {
      files: { [`local/${a.split('/').at(-1)}/go.mod`]: `module ${a}\n` },
    });
  },
};

const replaceVersion: Record<string, VariantFn> = {
  'to-existing-version': (rng, n) => {
    const a = n.p(n.lib());
    return simple(mainGoMod({ require: [{ path: a, version: 'v1.0.0' }], lines: [`replace ${a} v1.0.0 => ${a} v1.1.0`] }), [
      { path: a, versions: [{ version: 'v1.1.0' }] },
    ]);
  },
  'to-missing-version': (rng, n) => {
    const a = n.p(n.lib());
    return simple(mainGoMod({ require: [{ path: a, version: 'v1.0.0' }], lines: [`replace ${a} => ${a} v1.9.9`] }), [
      { path: a, versions: [{ version: 'v1.0.0' }] },
    ]);
  },
  'to-other-module': (rng, n) => {
    const a = n.p(n.lib());
    const fork = `${a}-fork`;
    const modules = [{ path: fork, versions: [{ version: 'v1.0.3', declaredPath: rng.chance(0.5) ? a : fork }] }];
    return simple(mainGoMod({ require: [{ path: a, version: 'v1.0.0' }], lines: [`replace ${a} => ${fork} v1.0.3`] }), modules, { goSum: goSumFor(modules) });
  },
  'to-other-module-missing': (rng, n) => {
    const a = n.p(n.lib());
    return simple(mainGoMod({ require: [{ path: a, version: 'v1.0.0' }], lines: [`replace ${a} => ${a}-fork v1.0.3`] }), [
      { path: a, versions: [{ version: 'v1.0.0' }] },
    ]);
  },
  'non-matching-left': (rng, n) => {
    const a = n.p(n.lib());
    return simple(mainGoMod({ require: [{ path: a, version: 'v1.0.0' }], lines: [`replace ${a} v0.9.0 => ${a}-fork v1.0.3`] }), [
      { path: a, versions: [{ version: 'v1.0.0' }] },
    ]);
  },
};

function sumProject(rng: Rng, n: Names): { modules: UniverseModule[]; goMod: string; reqs: Req[] } {
  const reqs: Req[] = [];
  const modules: UniverseModule[] = [];
  for (let i = rng.int(2, 3); i > 0; i--) {
    const r = { path: n.p(n.lib()), version: semver(rng) };
    reqs.push(r);
    modules.push({ path: r.path, versions: [{ version: r.version }] });
  }
  return { modules, reqs, goMod: mainGoMod({ require: reqs }) };
}

/** Replace the hash of one go.sum line (the `kind` line of `path`). */
function rehash(goSum: string, path: string, kind: 'zip' | 'mod', hash: string): string {
  return goSum
    .split('\n')
    .map((l) => {
      const f = l.split(' ');
      if (f[0] !== path || f.length !== 3) return l;
      const isMod = f[1]!.endsWith('/go.mod');
      return isMod === (kind === 'mod') ? `${f[0]} ${f[1]} ${hash}` : l;
    })
    .join('\n');
}

const goSum: Record<string, VariantFn> = {
  good: (rng, n) => {
    const s = sumProject(rng, n);
    return simple(s.goMod, s.modules, { goSum: goSumFor(s.modules) });
  },
  'mod-lines-only': (rng, n) => {
    const s = sumProject(rng, n);
    return simple(s.goMod, s.modules, { goSum: goSumFor(s.modules, { zip: false }) });
  },
  'stale-mod': (rng, n) => {
    const s = sumProject(rng, n);
    const victim = s.modules[rng.int(0, s.modules.length - 1)]!;
    const v = victim.versions[0]!;
    const old: UniverseVersion = { ...v, goMod: `module ${victim.path}\n\ngo 1.18\n` };
    return simple(s.goMod, s.modules, { goSum: rehash(goSumFor(s.modules), victim.path, 'mod', modHash(victim.path, old)) });
  },
  'stale-zip': (rng, n) => {
    const s = sumProject(rng, n);
    const victim = s.modules[rng.int(0, s.modules.length - 1)]!;
    const v = victim.versions[0]!;
    const old: UniverseVersion = { ...v, files: { 'lib.go': 'package lib\n\n// before the re-tag\n' } };
    return simple(s.goMod, s.modules, { goSum: rehash(goSumFor(s.modules), victim.path, 'zip', zipHash(victim.path, old)), deep: true });
  },
  'tampered-mod': (rng, n) => {
    const s = sumProject(rng, n);
    const victim = s.modules[rng.int(0, s.modules.length - 1)]!;
    return simple(s.goMod, s.modules, { goSum: rehash(goSumFor(s.modules), victim.path, 'mod', randomHash(rng)) });
  },
  'tampered-zip': (rng, n) => {
    const s = sumProject(rng, n);
    const victim = s.modules[rng.int(0, s.modules.length - 1)]!;
    return simple(s.goMod, s.modules, { goSum: rehash(goSumFor(s.modules), victim.path, 'zip', randomHash(rng)), deep: true });
  },
  partial: (rng, n) => {
    const s = sumProject(rng, n);
    const victim = s.modules[0]!.path;
    return simple(s.goMod, s.modules, { goSum: goSumFor(s.modules, { skip: (p) => p === victim }) });
  },
  'malformed-fields': (rng, n) => {
    const s = sumProject(rng, n);
    const lines = goSumFor(s.modules).split('\n');
    lines[rng.int(0, lines.length - 2)] = `${s.reqs[0]!.path} ${s.reqs[0]!.version}`;
    return simple(s.goMod, s.modules, { goSum: lines.join('\n') });
  },
  'malformed-hash': (rng, n) => {
    const s = sumProject(rng, n);
    const victim = s.modules[rng.int(0, s.modules.length - 1)]!;
    return simple(s.goMod, s.modules, { goSum: rehash(goSumFor(s.modules), victim.path, 'mod', 'h1:not-a-hash') });
  },
};

function badZipProject(rng: Rng, n: Names, entries: (prefix: string) => Array<{ name: string; data: string }>): Draft {
  const path = n.p(n.lib());
  const v = semver(rng);
  const prefix = `${path}@${v}/`;
  return simple(
    mainGoMod({ require: [{ path, version: v }] }),
    [{ path, versions: [{ version: v, rawEntries: [{ name: `${prefix}go.mod`, data: `module ${path}\n\ngo 1.19\n` }, ...entries(prefix)] }] }],
    { deep: true },
  );
}

const badZip: Record<string, VariantFn> = {
  'malformed-name': (rng, n) =>
    badZipProject(rng, n, (p) => [{ name: `${p}${rng.pick(['bad"quote.go', 'what?.go', 'pipe|name.go'])}`, data: 'package lib\n' }]),
  'case-collision': (rng, n) =>
    badZipProject(rng, n, (p) => [
      { name: `${p}README.md`, data: 'one\n' },
      { name: `${p}readme.md`, data: 'two\n' },
    ]),
  'outside-prefix': (rng, n) => badZipProject(rng, n, () => [{ name: `${n.p('elsewhere')}@v1.0.0/x.go`, data: 'package x\n' }]),
  'dot-dot': (rng, n) => badZipProject(rng, n, (p) => [{ name: `${p}../escape.go`, data: 'package x\n' }]),
  oversized: (rng, n) => {
    const path = n.p(n.lib());
    const v = semver(rng);
    return simple(mainGoMod({ require: [{ path, version: v }] }), [{ path, versions: [{ version: v, zeros: 501 << 20 }] }], { deep: true });
  },
};

const invalidGoMod: Record<string, VariantFn> = {
  'uppercase-host': (rng, n) => {
    const path = `Example.com/${n.lib()}`;
    return simple(mainGoMod({ require: [{ path, version: semver(rng) }] }), []);
  },
  'version-without-v': (rng, n) => {
    const path = n.p(n.lib());
    const v = semver(rng);
    return simple(mainGoMod({ require: [{ path, version: v.slice(1) }] }), [{ path, versions: [{ version: v }] }]);
  },
  'unknown-directive': (rng, n) => {
    const path = n.p(n.lib());
    return simple(`module example.com/app\n\ngo 1.19\n\nrequires ${path} v1.0.0\n`, [{ path, versions: [{ version: 'v1.0.0' }] }]);
  },
  'missing-version': (rng, n) => simple(`module example.com/app\n\ngo 1.19\n\nrequire ${n.p(n.lib())}\n`, []),
  'unterminated-module': () => simple('module "example.com/app\n\ngo 1.19\n', []),
  'bad-go-version': (rng) => simple(`module example.com/app\n\ngo ${rng.pick(['1.19rc1', 'go1.19', '1'])}\n`, []),
  'malformed-replace': (rng, n) => {
    const path = n.p(n.lib());
    return simple(`module example.com/app\n\ngo 1.19\n\nrequire ${path} v1.0.0\n\nreplace ${path} =>\n`, [{ path, versions: [{ version: 'v1.0.0' }] }]);
  },
  'noncanonical-version': (rng, n) => {
    const path = n.p(n.lib());
    return simple(mainGoMod({ require: [{ path, version: 'v1.2' }] }), [{ path, versions: [{ version: 'v1.2.0' }] }]);
  },
};

function toolchainProject(rng: Rng, n: Names, goLine: string, extra = ''): Draft {
  const path = n.p(n.lib());
  const v = semver(rng);
  return simple(`module example.com/app\n\ngo ${goLine}\n${extra}\nrequire ${path} ${v}\n`, [{ path, versions: [{ version: v }] }]);
}

const toolchain: Record<string, VariantFn> = {
  'toolchain-line': (rng, n) => toolchainProject(rng, n, '1.19', `\ntoolchain go1.${rng.int(21, 23)}.${rng.int(0, 4)}\n`),
  'go-minor-newer': (rng, n) => toolchainProject(rng, n, `1.${rng.int(20, 23)}`),
  'go-patch-newer': (rng, n) => toolchainProject(rng, n, `1.${rng.int(21, 23)}.${rng.int(0, 3)}`),
  'go-older': (rng, n) => toolchainProject(rng, n, `1.${rng.int(17, 18)}`),
  'dep-toolchain-line': (rng, n) => {
    const path = n.p(n.lib());
    const v = semver(rng);
    return simple(mainGoMod({ require: [{ path, version: v }] }), [
      { path, versions: [{ version: v, goMod: `module ${path}\n\ngo 1.21.0\n\ntoolchain go1.22.1\n` }] },
    ]);
  },
  'dep-newer-go': (rng, n) => {
    const path = n.p(n.lib());
    const v = semver(rng);
    return simple(mainGoMod({ require: [{ path, version: v }] }), [{ path, versions: [{ version: v, go: `1.${rng.int(20, 22)}` }] }]);
  },
};

const FAILURE_ENTRIES = ['404', '410', '500', 'refused', 'timeout', 'tls'] as const;

function proxyListProject(goproxy: string): VariantFn {
  return (rng, n) => {
    const f = fillers(rng, n);
    const a = { path: n.p(n.lib()), version: semver(rng) };
    const modules = [{ path: a.path, versions: [{ version: a.version }] }, ...f.modules];
    return simple(mainGoMod({ require: [a, ...f.require] }), modules, { env: { ...BASE_ENV, GOPROXY: goproxy } });
  };
}

const goproxyList: Record<string, VariantFn> = {};
for (const k of FAILURE_ENTRIES) {
  goproxyList[`${k}-comma-ok`] = proxyListProject(`{${k}},{ok}`);
  goproxyList[`${k}-pipe-ok`] = proxyListProject(`{${k}}|{ok}`);
  goproxyList[`${k}-alone`] = proxyListProject(`{${k}}`);
}
goproxyList['ok-then-500'] = proxyListProject('{ok},{500}');
goproxyList['404-410-ok'] = proxyListProject('{404},{410},{ok}');
goproxyList['500-pipe-404-comma-ok'] = proxyListProject('{500}|{404},{ok}');
goproxyList['404-then-direct'] = proxyListProject('{404},direct');
goproxyList.off = proxyListProject('off');
// go never proxies loopback requests (httpproxy: localhost and loopback IPs are exempt), so a malformed proxy variable breaks nothing here.
goproxyList['malformed-https-proxy-loopback'] = (rng, n) => {
  const d = proxyListProject('{tls}|{ok}')(rng, n);
  return { ...d, env: { ...d.env, HTTPS_PROXY: 'htp://proxy.corp.example:3128' } };
};
goproxyList['malformed-http-proxy-loopback'] = (rng, n) => {
  const d = proxyListProject('{ok}')(rng, n);
  return { ...d, env: { ...d.env, HTTP_PROXY: 'htp://proxy.corp.example:3128' } };
};

const privateFamily: Record<string, VariantFn> = {
  'goprivate-direct': (rng, n) => {
    const d = proxyListProject('{ok}')(rng, n);
    return { ...d, env: { ...d.env, GOPRIVATE: n.host } };
  },
  'goprivate-via-proxy-sumdb-down': (rng, n) => {
    const d = proxyListProject('{ok}')(rng, n);
    return { ...d, env: { ...d.env, GOPRIVATE: n.host, GONOPROXY: 'none.invalid', GOSUMDB: '{sumdb-refused}' } };
  },
  'gonosumdb-covers': (rng, n) => {
    const d = proxyListProject('{ok}')(rng, n);
    return { ...d, env: { ...d.env, GONOSUMDB: n.host, GOSUMDB: '{sumdb-refused}' } };
  },
  'gonosumdb-misses': (rng, n) => {
    const d = proxyListProject('{ok}')(rng, n);
    return { ...d, env: { ...d.env, GONOSUMDB: 'corp.example.net', GOSUMDB: '{sumdb-refused}' } };
  },
  'gonoproxy-direct': (rng, n) => {
    const d = proxyListProject('{ok}')(rng, n);
    return { ...d, env: { ...d.env, GONOPROXY: n.host, GONOSUMDB: n.host } };
  },
  'goprivate-other-host': (rng, n) => {
    const d = proxyListProject('{ok}')(rng, n);
    return { ...d, env: { ...d.env, GOPRIVATE: 'corp.example.net' } };
  },
};

const sumdb: Record<string, VariantFn> = {
  'complete-go-sum-sumdb-down': (rng, n) => {
    const s = sumProject(rng, n);
    return simple(s.goMod, s.modules, { goSum: goSumFor(s.modules), env: { ...BASE_ENV, GOSUMDB: '{sumdb-refused}' } });
  },
  'partial-go-sum-sumdb-down': (rng, n) => {
    const s = sumProject(rng, n);
    const victim = s.modules[1]!.path;
    return simple(s.goMod, s.modules, { goSum: goSumFor(s.modules, { skip: (p) => p === victim }), env: { ...BASE_ENV, GOSUMDB: '{sumdb-refused}' } });
  },
  'no-go-sum-sumdb-down': (rng, n) => {
    const s = sumProject(rng, n);
    return simple(s.goMod, s.modules, { env: { ...BASE_ENV, GOSUMDB: '{sumdb-refused}' } });
  },
  'mod-lines-only-sumdb-down': (rng, n) => {
    const s = sumProject(rng, n);
    return simple(s.goMod, s.modules, { goSum: goSumFor(s.modules, { zip: false }), env: { ...BASE_ENV, GOSUMDB: '{sumdb-refused}' } });
  },
  'verified-no-go-sum': (rng, n) => {
    const s = sumProject(rng, n);
    return simple(s.goMod, s.modules, { env: { ...BASE_ENV, GOSUMDB: '{sumdb}' }, sumdb: {} });
  },
  'verified-complete-go-sum': (rng, n) => {
    const s = sumProject(rng, n);
    return simple(s.goMod, s.modules, { goSum: goSumFor(s.modules), env: { ...BASE_ENV, GOSUMDB: '{sumdb}' }, sumdb: {} });
  },
  'proxy-differs-from-sumdb-mod': (rng, n) => {
    const s = sumProject(rng, n);
    const victim = s.reqs[rng.int(0, s.reqs.length - 1)]!;
    return simple(s.goMod, s.modules, {
      env: { ...BASE_ENV, GOSUMDB: '{sumdb}' },
      sumdb: { differs: [{ path: victim.path, version: victim.version, mod: true }] },
      deep: true,
    });
  },
  'proxy-differs-from-sumdb-zip': (rng, n) => {
    const s = sumProject(rng, n);
    const victim = s.reqs[rng.int(0, s.reqs.length - 1)]!;
    return simple(s.goMod, s.modules, {
      env: { ...BASE_ENV, GOSUMDB: '{sumdb}' },
      sumdb: { differs: [{ path: victim.path, version: victim.version, zip: true }] },
      deep: true,
    });
  },
  'unknown-to-sumdb': (rng, n) => {
    const s = sumProject(rng, n);
    const victim = s.reqs[0]!;
    return simple(s.goMod, s.modules, { env: { ...BASE_ENV, GOSUMDB: '{sumdb}' }, sumdb: { unknown: [`${victim.path}@${victim.version}`] }, deep: true });
  },
  'stale-go-sum-sumdb-agrees-with-proxy': (rng, n) => {
    const s = sumProject(rng, n);
    const victim = s.modules[rng.int(0, s.modules.length - 1)]!;
    const old: UniverseVersion = { ...victim.versions[0]!, goMod: `module ${victim.path}\n\ngo 1.18\n` };
    return simple(s.goMod, s.modules, {
      goSum: rehash(goSumFor(s.modules), victim.path, 'mod', modHash(victim.path, old)),
      env: { ...BASE_ENV, GOSUMDB: '{sumdb}' },
      sumdb: {},
    });
  },
  'sumdb-off-no-go-sum': (rng, n) => {
    const s = sumProject(rng, n);
    return simple(s.goMod, s.modules);
  },
};

function modulesTxt(reqs: Req[], go: string | undefined): string {
  return reqs.map((r) => `# ${r.path} ${r.version}\n${go ? `## explicit; go ${go}\n` : '## explicit\n'}${r.path}\n`).join('');
}

function vendorProject(rng: Rng, n: Names, mutate: (reqs: Req[]) => { txt?: string; goMod?: string }): Draft {
  const s = sumProject(rng, n);
  const files: Record<string, string> = {};
  for (const r of s.reqs) files[`vendor/${r.path}/lib.go`] = 'package lib\n';
  const m = mutate(s.reqs);
  if (m.txt !== undefined) files['vendor/modules.txt'] = m.txt;
  return simple(m.goMod ?? s.goMod, s.modules, { files, goSum: goSumFor(s.modules), env: { ...BASE_ENV, GOFLAGS: '-mod=vendor' } });
}

const vendor: Record<string, VariantFn> = {
  consistent: (rng, n) => vendorProject(rng, n, (reqs) => ({ txt: modulesTxt(reqs, '1.19') })),
  'version-differs': (rng, n) =>
    vendorProject(rng, n, (reqs) => ({
      txt: modulesTxt(
        reqs.map((r, i) => (i === 0 ? { ...r, version: bump(r.version) } : r)),
        '1.19',
      ),
    })),
  'module-missing': (rng, n) => vendorProject(rng, n, (reqs) => ({ txt: modulesTxt(reqs.slice(1), '1.19') })),
  'extra-module': (rng, n) => vendorProject(rng, n, (reqs) => ({ txt: modulesTxt([...reqs, { path: n.p('extra'), version: 'v0.1.0' }], '1.19') })),
  'no-vendor-dir': (rng, n) => {
    const d = vendorProject(rng, n, () => ({}));
    return { ...d, files: {} };
  },
  'go116-no-annotations': (rng, n) =>
    vendorProject(rng, n, (reqs) => ({
      txt: reqs.map((r) => `# ${r.path} ${r.version}\n${r.path}\n`).join(''),
      goMod: mainGoMod({ go: '1.16', require: reqs }),
    })),
};

export const VARIANTS: Record<Family, Record<string, VariantFn>> = {
  healthy,
  'missing-version': missingVersion,
  'wrong-case': wrongCase,
  retracted,
  'path-mismatch': pathMismatch,
  excluded,
  'replace-dir': replaceDir,
  'replace-version': replaceVersion,
  'go-sum': goSum,
  'bad-zip': badZip,
  'invalid-go-mod': invalidGoMod,
  toolchain,
  'goproxy-list': goproxyList,
  private: privateFamily,
  sumdb,
  vendor,
};

/** Every (family, variant) pair, in a fixed order. */
export function allVariants(): Array<{ family: Family; variant: string }> {
  return FAMILIES.flatMap((family) => Object.keys(VARIANTS[family]).map((variant) => ({ family, variant })));
}

/**
 * `count` projects (default 320): project i is variant i mod (number of
 * variants), so every variant of every family appears once before any
 * repeats; names, versions, fillers and choices come from the seed.
 */
export function generateProjects(options: { seed?: number; count?: number } = {}): OracleProject[] {
  const seed = options.seed ?? DEFAULT_SEED;
  const count = options.count ?? DEFAULT_COUNT;
  const variants = allVariants();
  const rng = createRng(seed);
  const out: OracleProject[] = [];
  for (let i = 0; i < count; i++) {
    const { family, variant } = variants[i % variants.length]!;
    const projectRng = createRng(Math.floor(rng.next() * 2 ** 32));
    const draft = VARIANTS[family][variant]!(projectRng, names(projectRng));
    out.push({ id: `p${String(i).padStart(3, '0')}-${family}-${variant}`, family, variant, ...draft });
  }
  return out;
}
