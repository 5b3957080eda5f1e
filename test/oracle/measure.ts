/**
 * Runs oracle projects through go and buildfix against one set of fakes,
 * with bounded concurrency, and judges each; summary per family.
 */
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FAMILIES, type Family, type OracleProject } from './generate.ts';
import { judge, type Verdict } from './judge.ts';
import { startOracleFakes } from './oracle-proxy.ts';
import { cleanup, materialize, runBuildfix, runGo, type BuildfixOutcome, type GoOutcome } from './run-project.ts';

export interface ProjectResult {
  project: OracleProject;
  go: GoOutcome;
  buildfix: BuildfixOutcome;
  verdict: Verdict;
}

export interface FamilySummary {
  family: Family;
  projects: number;
  agree: number;
  goFailed: number;
}

export async function measureAgreement(
  projects: OracleProject[],
  options: { concurrency?: number; onResult?: (r: ProjectResult) => void; hangMs?: number } = {},
): Promise<ProjectResult[]> {
  const base = await mkdtemp(join(tmpdir(), 'buildfix-oracle-'));
  const goCache = join(base, 'gocache');
  await mkdir(goCache, { recursive: true });
  const fakes = await startOracleFakes({ projects, ...(options.hangMs !== undefined ? { hangMs: options.hangMs } : {}) });
  const results: ProjectResult[] = new Array(projects.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    for (;;) {
      const i = next++;
      if (i >= projects.length) return;
      const project = projects[i]!;
      const goDirs = await materialize(project, base, 'go');
      const dirs = await materialize(project, base, 'buildfix');
      const env = fakes.envFor(project);
      try {
        const [go, buildfix] = await Promise.all([runGo(goDirs, env, { goCache }), runBuildfix(dirs, env, { deep: project.deep })]);
        const result = { project, go, buildfix, verdict: judge(go, buildfix) };
        results[i] = result;
        options.onResult?.(result);
      } finally {
        await Promise.all([cleanup(goDirs), cleanup(dirs)]);
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.max(1, options.concurrency ?? 2) }, worker));
  } finally {
    await fakes.close();
    await rm(base, { recursive: true, force: true, maxRetries: 2 });
  }
  return results;
}

export function summarize(results: ProjectResult[]): FamilySummary[] {
  return FAMILIES.map((family) => {
    const rs = results.filter((r) => r.project.family === family);
    return { family, projects: rs.length, agree: rs.filter((r) => r.verdict.agree).length, goFailed: rs.filter((r) => r.verdict.goFailed).length };
  });
}
