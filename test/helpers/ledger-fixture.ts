/**
 * The failure most Slack and incident tests reproduce: payments requires example.com/ledger v1.9.9, which the module
 * proxy does not have (404; v1.9.8 is the last published version). As proxy fake modules, as a checkout on disk, and
 * as a real git history in which ann's "bump ledger" commit broke it.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { FakeModule } from '../fakes/goproxy-server.ts';
import { goModWith, makeHistory, type History, type HistoryCommit } from './git-history.ts';

/** example.com/ledger on the proxy fake: v1.9.8 published, v1.9.9 answered 404. */
export const LEDGER_V199_MISSING: FakeModule = { path: 'example.com/ledger', versions: [{ version: 'v1.9.8' }, { version: 'v1.9.9', fail: { status: 404 } }] };

/** `<work>/payments` with a go.mod requiring the missing ledger v1.9.9; returns the checkout's path. */
export async function writePaymentsCheckout(work: string): Promise<string> {
  const dir = join(work, 'payments');
  await mkdir(dir);
  await writeFile(join(dir, 'go.mod'), 'module example.com/payments\n\ngo 1.19\n\nrequire example.com/ledger v1.9.9\n');
  return dir;
}

/** Bob's release 2.3 (ledger v1.9.8, green), then ann's "bump ledger" to v1.9.9 (the breaking change). */
export const LEDGER_BUMP_COMMITS: readonly HistoryCommit[] = [
  { author: 'bob', subject: 'release 2.3', files: { 'go.mod': goModWith(['example.com/ledger v1.9.8']) } },
  { author: 'ann', subject: 'bump ledger', files: { 'go.mod': goModWith(['example.com/ledger v1.9.9']) } },
];

/** Carol's commit after the bump that does not touch go.mod (the red build's head, not its cause). */
export const HANDLER_TWEAK_COMMIT: HistoryCommit = { author: 'carol', subject: 'handler tweak', files: { 'main.go': 'package main\n\nfunc main() {}\n' } };

/** payments' history under `work`: the ledger bump, then carol's handler tweak unless `tweak` is false. */
export function paymentsHistory(work: string, tweak = true): Promise<History> {
  return makeHistory(work, 'payments', [...LEDGER_BUMP_COMMITS, ...(tweak ? [HANDLER_TWEAK_COMMIT] : [])]);
}
