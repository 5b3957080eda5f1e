/**
 * One repository with every finding class the health report knows, served by
 * the goproxy fake and the vulnerability database fake:
 * - example.test/old v1.0.0: its latest go.mod (v1.1.0) says "// Deprecated:";
 * - example.test/retracted v1.2.0: retracted by its latest go.mod (v1.3.0);
 * - example.test/vuln v1.4.0: inside GO-2099-0001's range (introduced 1.3.0, fixed 1.4.2);
 * - example.test/safe v1.5.0: GO-2099-0002 is fixed in 1.5.0 (outside the range);
 *   a newer major lives at example.test/safe/v2;
 * - example.test/deep v0.1.0: required by example.test/vuln (indirect).
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FakeModule } from '../../fakes/goproxy-server.ts';
import type { FakeOsvEntry } from '../../fakes/vulndb-server.ts';

const OLD = '2023-01-10T00:00:00Z';
const NEW = '2025-06-01T00:00:00Z';

export const HEALTH_MODULES: FakeModule[] = [
  {
    path: 'example.test/old',
    versions: [
      { version: 'v1.0.0', time: OLD },
      { version: 'v1.1.0', time: NEW, deprecated: 'use example.test/new instead.' },
    ],
  },
  {
    path: 'example.test/retracted',
    versions: [
      { version: 'v1.2.0', time: OLD },
      { version: 'v1.3.0', time: NEW, retract: ['v1.2.0 // corrupts the cache'] },
    ],
  },
  {
    path: 'example.test/vuln',
    versions: [
      { version: 'v1.4.0', time: OLD, require: ['example.test/deep v0.1.0'] },
      { version: 'v1.4.2', time: NEW, require: ['example.test/deep v0.1.0'] },
    ],
  },
  { path: 'example.test/safe', versions: [{ version: 'v1.5.0', time: OLD }] },
  { path: 'example.test/safe/v2', versions: [{ version: 'v2.0.0', time: NEW }] },
  { path: 'example.test/deep', versions: [{ version: 'v0.1.0', time: OLD }] },
];

export const HEALTH_OSV: FakeOsvEntry[] = [
  {
    id: 'GO-2099-0001',
    aliases: ['CVE-2099-0001'],
    summary: 'Denial of service in example.test/vuln',
    affected: [
      { package: { name: 'example.test/vuln', ecosystem: 'Go' }, ranges: [{ type: 'SEMVER', events: [{ introduced: '1.3.0' }, { fixed: '1.4.2' }] }] },
    ],
    database_specific: { url: 'https://pkg.go.dev/vuln/GO-2099-0001' },
  },
  {
    id: 'GO-2099-0002',
    summary: 'Fixed before the version in use',
    affected: [{ package: { name: 'example.test/safe', ecosystem: 'Go' }, ranges: [{ type: 'SEMVER', events: [{ introduced: '0' }, { fixed: '1.5.0' }] }] }],
  },
  {
    id: 'GO-2099-0003',
    summary: 'A module nobody here uses',
    affected: [{ package: { name: 'example.test/unused', ecosystem: 'Go' }, ranges: [{ type: 'SEMVER', events: [{ introduced: '0' }] }] }],
  },
];

export const HEALTH_GO_MOD = `module example.test/app

go 1.19

require (
	example.test/old v1.0.0
	example.test/retracted v1.2.0
	example.test/vuln v1.4.0
	example.test/safe v1.5.0
)

require example.test/deep v0.1.0 // indirect
`;

export interface HealthProject {
  dir: string;
  /** A config file setting health.vulndbUrl (and extra YAML). */
  writeConfig(vulndbUrl: string, extra?: string): Promise<string>;
  cleanup(): Promise<void>;
}

export async function writeHealthProject(): Promise<HealthProject> {
  const dir = await mkdtemp(join(tmpdir(), 'bf-health-'));
  await writeFile(join(dir, 'go.mod'), HEALTH_GO_MOD);
  let n = 0;
  return {
    dir,
    async writeConfig(vulndbUrl, extra = '') {
      const file = join(dir, `buildfix-${n++}.yaml`);
      await writeFile(file, `health:\n  vulndbUrl: ${vulndbUrl}\n${extra}`);
      return file;
    },
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
}
