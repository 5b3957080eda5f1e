/**
 * Incidents in `buildfix shell` (no Redis: kept in memory): a diagnosis that
 * finds a problem opens one, later commands attach to the one open incident,
 * and resolving prints the post-mortem report.
 */
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startGoProxyFake, type GoProxyFake } from '../../fakes/goproxy-server.ts';
import { runCli } from '../../helpers/run-cli.ts';

describe('incidents in buildfix shell (in memory)', { timeout: 60_000 }, () => {
  let fake: GoProxyFake;
  let work: string;
  let env: Record<string, string>;

  before(async () => {
    fake = await startGoProxyFake({
      modules: [{ path: 'example.com/ledger', versions: [{ version: 'v1.9.8' }, { version: 'v1.9.9', fail: { status: 404 } }] }],
    });
    work = await mkdtemp(join(tmpdir(), 'buildfix-shell-incidents-'));
    await mkdir(join(work, 'payments'));
    await writeFile(join(work, 'payments', 'go.mod'), 'module example.com/payments\n\ngo 1.19\n\nrequire example.com/ledger v1.9.9\n');
    await writeFile(join(work, 'buildfix.yaml'), `repos:\n  payments:\n    url: ${join(work, 'payments')}\nincidents:\n  autoOpen: true\n`);
    await writeFile(join(work, 'default.yaml'), `repos:\n  payments:\n    url: ${join(work, 'payments')}\n`);
    env = { GOPROXY: fake.url, GOSUMDB: 'off', GOFLAGS: '-mod=mod', BUILDFIX_CONFIG: join(work, 'buildfix.yaml') };
  });

  after(async () => {
    await fake.close();
    await rm(work, { recursive: true, force: true });
  });

  it('by default the shell opens no incident by itself; severity, @names and the report are terminal text', async () => {
    const script = [
      'diagnose payments',
      'incident list',
      'incident open ledger tag missing',
      'incident severity sev1',
      'incident severity sev9',
      'incident role commander @ann',
      'incident resolve pinned',
      '',
    ].join('\n');
    const r = await runCli(['shell'], { ...env, BUILDFIX_CONFIG: join(work, 'default.yaml') }, { input: script });
    const out = r.stdout;
    assert.match(out, /Root cause: version-not-found/);
    assert.doesNotMatch(out.slice(0, out.indexOf('incident open') === -1 ? undefined : out.indexOf('Incident #1 opened')), /Incident #\d+ opened: payments/);
    assert.match(out, /No open incidents\./);
    assert.match(out, /Incident #1 is now sev1\./);
    assert.match(out, /severity must be one of sev1, sev2, sev3, sev4/);
    assert.match(out, /@?ann is now the incident commander of incident #1\./);
    assert.match(out, /Incident #1 resolved\. Its report:\nIncident #1: ledger tag missing\n/);
    assert.match(out, /\n {2}Severity +sev1\n/);
    assert.doesNotMatch(out, /<@|<!|\*\*|^#+ /m);
  });

  it('a failing diagnosis opens an incident; the next commands attach to it; resolve prints the report', async () => {
    const script = [
      'incident status identified',
      'diagnose payments',
      'incident note pinned the ledger to v1.9.8',
      'diagnose payments',
      'incident log',
      'incident resolve pinned v1.9.8 and asked for the tag',
      'incident list',
      '',
    ].join('\n');
    const r = await runCli(['shell'], env, { input: script });
    assert.equal(r.exitCode, 1, 'the first `incident status` fails: no incident is open');
    const out = r.stdout;
    assert.match(out, /No incident is open\. `incident open <title>` starts one\./);
    assert.match(out, /Incident #1 opened: payments: version-not-found example\.com\/ledger v1\.9\.9/);
    assert.match(out, /Noted in incident #1's timeline/);
    assert.match(out, /Incident #1 \(identified\) timeline, \d+ entries:/);
    const log = out.slice(out.indexOf('Incident #1 (identified) timeline'));
    assert.equal(log.match(/ command {2}diagnose payments/g)?.length, 2, 'both diagnoses are in the timeline');
    assert.match(log, /note {2}pinned the ledger to v1\.9\.8/);
    assert.match(out, /Incident #1 resolved\. Its report:/);
    assert.match(out, /\nIncident #1: payments: version-not-found example\.com\/ledger v1\.9\.9\n/);
    assert.match(out, /Summary:\s+pinned v1\.9\.8 and asked for the tag/);
    assert.match(out, /Actions taken \(4\):/);
    assert.match(out, /No open incidents\./);
  });
});
