/**
 * A Go vulnerability database on 127.0.0.1 in the layout govulncheck reads
 * (https://go.dev/security/vuln/database#api): `index/db.json`
 * (`{"modified"}`), `index/modules.json` (`[{"path", "vulns": [{"id",
 * "modified", "fixed"}]}]`, built from the entries' affected packages),
 * `index/vulns.json` and `ID/<id>.json` (the OSV entries as given); 404 for
 * anything else. Tests can slow every answer down (a database that times
 * out) or make it fail with a status, and read what was requested.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeOsvEntry {
  id: string;
  modified?: string;
  published?: string;
  withdrawn?: string;
  aliases?: string[];
  summary?: string;
  details?: string;
  affected: Array<{
    package: { name: string; ecosystem?: string };
    ranges?: Array<{ type: string; events: Array<{ introduced?: string; fixed?: string }> }>;
  }>;
  database_specific?: { url?: string };
}

export interface VulnDbFakeOptions {
  entries: FakeOsvEntry[];
  /** Wait this long before every answer. */
  delayMs?: number;
  /** Answer every request with this status. */
  failStatus?: number;
}

export interface VulnDbFake {
  url: string;
  /** Paths requested, in order. */
  requests: string[];
  configure(patch: Partial<VulnDbFakeOptions>): void;
  close(): Promise<void>;
}

const MODIFIED = '2026-01-01T00:00:00Z';

function lastFixed(entry: FakeOsvEntry, path: string): string | undefined {
  const fixes = entry.affected
    .filter((a) => a.package.name === path)
    .flatMap((a) => a.ranges ?? [])
    .flatMap((r) => r.events.map((e) => e.fixed))
    .filter((f): f is string => f !== undefined);
  return fixes.at(-1);
}

/** index/modules.json for these entries, as the real database builds it. */
export function modulesIndex(entries: readonly FakeOsvEntry[]): unknown[] {
  const byPath = new Map<string, Array<{ id: string; modified: string; fixed?: string }>>();
  for (const e of entries) {
    for (const a of e.affected) {
      const list = byPath.get(a.package.name) ?? [];
      if (list.some((v) => v.id === e.id)) continue;
      const fixed = lastFixed(e, a.package.name);
      list.push({ id: e.id, modified: e.modified ?? MODIFIED, ...(fixed ? { fixed } : {}) });
      byPath.set(a.package.name, list);
    }
  }
  return [...byPath].sort(([a], [b]) => (a < b ? -1 : 1)).map(([path, vulns]) => ({ path, vulns }));
}

export async function startVulnDbFake(options: VulnDbFakeOptions): Promise<VulnDbFake> {
  let state: VulnDbFakeOptions = { ...options };
  const requests: string[] = [];
  const server: Server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    requests.push(path);
    const answer = (): void => {
      if (state.failStatus) {
        res.writeHead(state.failStatus, { 'content-type': 'text/plain' }).end('unavailable\n');
        return;
      }
      let body: unknown;
      if (path === '/index/db.json') body = { modified: MODIFIED };
      else if (path === '/index/modules.json') body = modulesIndex(state.entries);
      else if (path === '/index/vulns.json') body = state.entries.map((e) => ({ id: e.id, modified: e.modified ?? MODIFIED, aliases: e.aliases ?? [] }));
      else {
        const m = /^\/ID\/([^/]+)\.json$/.exec(path);
        const entry = m ? state.entries.find((e) => e.id === m[1]) : undefined;
        if (entry) body = { schema_version: '1.3.1', modified: MODIFIED, published: MODIFIED, aliases: [], ...entry };
      }
      if (body === undefined) {
        res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    };
    if (state.delayMs) {
      const t = setTimeout(answer, state.delayMs);
      res.on('close', () => clearTimeout(t));
    } else answer();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    configure(patch) {
      state = { ...state, ...patch };
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
