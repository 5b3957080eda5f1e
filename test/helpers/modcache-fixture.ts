/**
 * A module cache filled by the real go command: a small project whose
 * modules come from the fake GOPROXY, downloaded with `go mod download` into
 * a fresh GOMODCACHE, and a go.sum built from go's own -json answer.
 */
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCommand } from '../../src/exec/run-command.ts';
import { goModHash } from '../../src/gomod/dirhash.ts';
import { escapePath } from '../../src/goproxy/escape-path.ts';
import { startGoProxyFake, type FakeModule, type GoProxyFake } from '../fakes/goproxy-server.ts';

export interface ModcacheFixture {
  root: string;
  /** The project (go.mod, go.sum). */
  repo: string;
  /** The filled GOMODCACHE. */
  modcache: string;
  proxy: GoProxyFake;
  /** go's -json records: Path, Version, Zip, Info, GoMod … */
  downloaded: Array<{ Path: string; Version: string; Sum: string; GoModSum: string }>;
  close(): Promise<void>;
}

export const FIXTURE_MODULES: FakeModule[] = [
  {
    path: 'example.test/alpha',
    versions: [
      { version: 'v1.0.0', goMod: 'module example.test/alpha\n\ngo 1.19\n\nrequire example.test/charlie v1.1.0\n', files: { 'a.go': 'package alpha\n' } },
    ],
  },
  {
    path: 'example.test/Bravo',
    versions: [
      { version: 'v1.2.0', goMod: 'module example.test/Bravo\n\ngo 1.19\n\nrequire example.test/charlie v1.0.0\n', files: { 'b.go': 'package bravo\n' } },
    ],
  },
  // No go line: go reads its whole requirement graph (unpruned), so charlie v1.0.0's go.mod is needed without its zip.
  {
    path: 'example.test/delta',
    versions: [{ version: 'v0.3.0', goMod: 'module example.test/delta\n\nrequire example.test/charlie v1.0.0\n', files: { 'd.go': 'package delta\n' } }],
  },
  {
    path: 'example.test/charlie',
    versions: [
      { version: 'v1.0.0', files: { 'c.go': 'package charlie\n' } },
      { version: 'v1.1.0', files: { 'c.go': 'package charlie\n' } },
    ],
  },
];

export const FIXTURE_GO_MOD = `module example.test/app

go 1.19

require (
	example.test/Bravo v1.2.0
	example.test/alpha v1.0.0
	example.test/delta v0.3.0
)

require example.test/charlie v1.1.0 // indirect
`;

export function goEnvFor(gopath: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: gopath,
    GOPATH: gopath,
    GOMODCACHE: join(gopath, 'pkg', 'mod'),
    GOCACHE: join(gopath, 'gocache'),
    GOFLAGS: '-modcacherw',
    GOTOOLCHAIN: 'local',
    GOSUMDB: 'off',
    GONOSUMDB: '',
    GOPRIVATE: '',
    GONOPROXY: '',
    GOINSECURE: '',
    GOWORK: 'off',
    ...extra,
  };
}

export async function createModcacheFixture(): Promise<ModcacheFixture> {
  const root = await mkdtemp(join(tmpdir(), 'bf-modcache-'));
  const proxy = await startGoProxyFake({ modules: FIXTURE_MODULES });
  try {
    const repo = join(root, 'repo');
    const gopath = join(root, 'gopath');
    await mkdir(repo, { recursive: true });
    await writeFile(join(repo, 'go.mod'), FIXTURE_GO_MOD);
    const res = await runCommand(['go', 'mod', 'download', '-json'], {
      cwd: repo,
      timeoutMs: 30_000,
      inheritEnv: [],
      env: goEnvFor(gopath, { GOPROXY: proxy.url }),
    });
    const downloaded = JSON.parse(`[${res.stdout.replace(/}\s*{/g, '},{')}]`) as ModcacheFixture['downloaded'];
    const sum = downloaded.flatMap((d) => [`${d.Path} ${d.Version} ${d.Sum}`, `${d.Path} ${d.Version}/go.mod ${d.GoModSum}`]);
    // go.mod files go read for the graph only (no zip): their /go.mod lines complete go.sum (the drill's go verifies them).
    const have = new Set(downloaded.map((d) => `${d.Path} ${d.Version}`));
    for (const m of FIXTURE_MODULES) {
      for (const v of m.versions) {
        if (have.has(`${m.path} ${v.version}`)) continue;
        const text = await readFile(join(gopath, 'pkg', 'mod', 'cache', 'download', escapePath(m.path), '@v', `${v.version}.mod`), 'utf8').catch(
          () => undefined,
        );
        if (text !== undefined) sum.push(`${m.path} ${v.version}/go.mod ${goModHash(text)}`);
      }
    }
    sum.sort();
    await writeFile(join(repo, 'go.sum'), `${sum.join('\n')}\n`);
    return {
      root,
      repo,
      modcache: join(gopath, 'pkg', 'mod'),
      proxy,
      downloaded,
      close: async () => {
        await proxy.close();
        await rm(root, { recursive: true, force: true });
      },
    };
  } catch (err) {
    await proxy.close();
    await rm(root, { recursive: true, force: true });
    throw err;
  }
}

/** Every file under dir with its size, inode and mtime: proof that nothing changed. */
export async function snapshotTree(dir: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const walk = async (d: string): Promise<void> => {
    for (const e of await readdir(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      const s = await stat(p);
      out.set(p, `${e.isDirectory() ? 'd' : 'f'} ${s.size} ${s.mtimeMs} ${s.mode}`);
      if (e.isDirectory()) await walk(p);
    }
  };
  await walk(dir);
  return out;
}
