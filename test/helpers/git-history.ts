/** Real git histories for "what changed since the last green build" tests: a bare repository whose commits have the given authors. */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { runCommand } from '../../src/exec/run-command.ts';
import { isolatedGitEnv } from '../fakes/goproxy-server.ts';

export interface History {
  /** Path of the bare repository (serve it as file://<bare>). */
  bare: string;
  /** Full shas, oldest first. */
  shas: string[];
}

export interface HistoryCommit {
  author: string;
  subject: string;
  files: Record<string, string>;
}

export async function makeHistory(root: string, name: string, commits: HistoryCommit[]): Promise<History> {
  const work = join(root, `${name}-work`);
  await mkdir(work, { recursive: true });
  const env = isolatedGitEnv(root);
  const git = (args: string[], extra: Record<string, string> = {}) =>
    runCommand(['git', '-c', 'init.defaultBranch=main', ...args], { cwd: work, env: { ...env, ...extra }, timeoutMs: 30_000 });
  await git(['init', '-q']);
  const shas: string[] = [];
  for (const c of commits) {
    for (const [path, content] of Object.entries(c.files)) {
      await mkdir(dirname(join(work, path)), { recursive: true });
      await writeFile(join(work, path), content);
    }
    await git(['add', '-A']);
    await git(['commit', '-q', '-m', c.subject], { GIT_AUTHOR_NAME: c.author, GIT_AUTHOR_EMAIL: `${c.author}@example.test` });
    shas.push((await git(['rev-parse', 'HEAD'])).stdout.trim());
  }
  const bare = join(root, `${name}.git`);
  await runCommand(['git', 'clone', '-q', '--bare', work, bare], { env, timeoutMs: 30_000 });
  return { bare, shas };
}

export const goModWith = (reqs: string[]): string => `module example.com/app\n\ngo 1.19\n\nrequire (\n${reqs.map((r) => `\t${r}\n`).join('')})\n`;
