/**
 * A diagnosis that also answers "agent or code": the failing revision is
 * diagnosed as usual, the dependency files are compared with the last green
 * revision (src/changes), and the green revision's dependency set is checked
 * again from this agent now. Both revisions are checked out as detached git
 * worktrees of the same clone, so nothing of the checkout the person gave is
 * touched, and removed afterwards.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decideOrigin, type OriginInputs } from '../changes/origin-verdict.ts';
import { git, repoPrefix } from '../changes/git-history.ts';
import { changeForModule, whatChanged } from '../changes/what-changed.ts';
import { BuildfixError } from '../errors.ts';
import type { DiagnosisReport, SinceGreen } from '../report/model.ts';
import { diagnose, type DiagnoseOptions } from './diagnose.ts';
import { resolveTarget } from './resolve-target.ts';

export interface SinceGreenOptions extends DiagnoseOptions {
  /** The last green revision (a sha from the CI system, or what the person typed). */
  green: string;
  /** Where `green` came from, for the report: "--since", "Jenkins build #41". */
  greenSource?: string;
  /** The failing revision (default: what the target has checked out). */
  failing?: string;
  /** Re-check the green revision's dependency set from this agent (default true). */
  recheckGreen?: boolean;
  /** Evidence from outside the checkout: other agents' builds (CI history), this agent's environment across time, and which machine checks (named in the verdict). */
  evidence?: Pick<OriginInputs, 'greenElsewhere' | 'greenElsewhereNote' | 'environment' | 'ranOn' | 'failingAgent'>;
}

async function gitOut(dir: string, args: string[], signal?: AbortSignal): Promise<string> {
  return (await git(dir, args, signal ? { signal } : {})).stdout.trim();
}

/** The green revision is re-checked quietly: its dependency set only (no probe, host or lint), no streamed verdict. */
function greenRecheckOptions(options: SinceGreenOptions): DiagnoseOptions {
  const {
    onFirstVerdict: _onFirstVerdict,
    onProgress: _onProgress,
    green: _green,
    greenSource: _source,
    failing: _failing,
    recheckGreen: _recheck,
    evidence: _evidence,
    ...rest
  } = options;
  return { ...rest, parts: { ...rest.parts, probe: false, host: false, lint: false } };
}

export async function diagnoseSinceGreen(targetInput: string, options: SinceGreenOptions): Promise<DiagnosisReport> {
  const emit = options.onProgress ?? (() => {});
  emit({ check: 'target', phase: 'start', message: `resolving ${targetInput}` });
  const target = await resolveTarget(targetInput, options.config, options.signal ? { signal: options.signal } : {});
  const scratch = await mkdtemp(join(tmpdir(), 'buildfix-since-'));
  const worktrees: string[] = [];
  let top: string | undefined;
  try {
    try {
      top = await gitOut(target.dir, ['rev-parse', '--show-toplevel'], options.signal);
    } catch (err) {
      throw new BuildfixError('BF_TARGET', `${target.origin} is not a git checkout: comparing with the last green build needs its history`, { cause: err });
    }
    const prefix = await repoPrefix(target.dir, options.signal ? { signal: options.signal } : {});
    emit({ check: 'since-green', phase: 'start', message: `comparing with the last green revision ${options.green}` });
    const changes = await whatChanged(top, options.green, options.failing ?? 'HEAD', options.signal ? { signal: options.signal } : {});
    emit({
      check: 'since-green',
      phase: 'done',
      message: `${changes.files.length} dependency file(s) changed in ${changes.commits.length} commit(s)`,
      status: changes.files.length > 0 ? 'warn' : 'pass',
    });

    const checkout = async (name: string, sha: string): Promise<string> => {
      const dir = join(scratch, name);
      await gitOut(top ?? target.dir, ['worktree', 'add', '--quiet', '--detach', dir, sha], options.signal);
      worktrees.push(dir);
      return join(dir, prefix);
    };
    const head = await gitOut(top, ['rev-parse', 'HEAD'], options.signal);
    const failingDir = changes.to === head ? target.dir : await checkout('failing', changes.to);
    const recheck = options.recheckGreen ?? true;
    const greenDir = recheck ? await checkout('green', changes.from) : undefined;

    const [failing, greenReport] = await Promise.all([
      diagnose(failingDir, options),
      greenDir
        ? diagnose(greenDir, greenRecheckOptions(options)).catch((err: unknown) => {
            emit({
              check: 'since-green',
              phase: 'info',
              message: `the green revision could not be re-checked: ${err instanceof Error ? err.message : String(err)}`,
            });
            return undefined;
          })
        : Promise.resolve(undefined),
    ]);

    const cause = failing.findings.find((f) => f.severity === 'error');
    const blamed = cause?.module ? changeForModule(changes, cause.module, `${prefix}go.mod`) : undefined;
    const sinceGreen: SinceGreen = {
      green: changes.from,
      failing: changes.to,
      source: options.greenSource ?? 'given',
      linear: changes.linear,
      files: changes.files,
      commits: changes.commits,
      goMod: changes.goMod,
      ...(blamed ? { blamed } : {}),
    };
    const origin = decideOrigin({ failing, sinceGreen, ...(greenReport ? { greenRecheck: greenReport } : {}), ...options.evidence });
    return { ...failing, target: target.origin, sinceGreen, origin };
  } finally {
    for (const dir of worktrees) {
      await git(top ?? target.dir, ['worktree', 'remove', '--force', dir], { reject: false, timeoutMs: 30_000 }).catch(() => undefined);
    }
    await rm(scratch, { recursive: true, force: true });
    await target.cleanup();
  }
}
