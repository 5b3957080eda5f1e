/**
 * Would the go command build from vendor/ here, and would it accept it?
 * go uses vendor/ when GOFLAGS has -mod=vendor, or (go ≥ 1.14 in go.mod)
 * when vendor/ exists and no -mod flag says otherwise; it then checks
 * vendor/modules.txt against go.mod and stops with "inconsistent vendoring".
 *
 * `go mod download` itself never reads vendor/ (go 1.19: -mod is not one of
 * its flags, so GOFLAGS' -mod is ignored), so these findings are warnings:
 * they break `go build`/`go test`/`go list`, not the download.
 */
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { GoEnv } from '../config/env.ts';
import { compareGoVersions, parseGoVersion } from '../gomod/go-version.ts';
import type { GoMod } from '../gomod/types.ts';
import { checkVendorConsistency, inconsistentVendoringMessage, parseVendorModules } from '../gomod/vendor-modules.ts';
import type { CheckResult, Finding } from '../report/model.ts';

export type VendorMode = { use: false } | { use: true; why: string; explicit: boolean };

/** cfg.BuildMod for build commands (modload.setDefaultBuildMod), from GOFLAGS and go.mod. */
export function vendorMode(goEnv: GoEnv, goMod: GoMod, vendorDirExists: boolean): VendorMode {
  const flags = (goEnv.GOFLAGS ?? '').split(/\s+/).filter(Boolean);
  const mod = flags
    .map((f) => /^--?mod=(.*)$/.exec(f)?.[1])
    .filter((v): v is string => v !== undefined)
    .at(-1);
  if (mod === 'vendor') return { use: true, explicit: true, why: `GOFLAGS=${goEnv.GOFLAGS ?? ''} sets -mod=vendor` };
  if (mod !== undefined) return { use: false };
  const v = goMod.go ? parseGoVersion(goMod.go.version) : undefined;
  const min = parseGoVersion('1.14');
  if (vendorDirExists && v && min && compareGoVersions(v, min) >= 0) {
    return { use: true, explicit: false, why: `go.mod says go ${goMod.go?.version} (≥ 1.14) and vendor/ exists, so go build uses -mod=vendor by default` };
  }
  return { use: false };
}

async function isDir(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}

export async function checkVendor(repoDir: string, goMod: GoMod, goEnv: GoEnv, hostGoVersion: string | undefined): Promise<CheckResult> {
  const started = performance.now();
  const vendorDir = join(repoDir, 'vendor');
  const mode = vendorMode(goEnv, goMod, await isDir(vendorDir));
  const findings: Finding[] = [];
  let detail = 'go build does not use vendor/';
  if (mode.use) {
    detail = mode.why;
    let text: string | undefined;
    try {
      text = await readFile(join(vendorDir, 'modules.txt'), 'utf8');
    } catch {
      text = undefined;
    }
    // Without vendor/ or modules.txt under an explicit -mod=vendor, the proxy lint reports vendor-missing.
    if (text !== undefined || !mode.explicit) {
      const problems = checkVendorConsistency(goMod, parseVendorModules(text ?? ''));
      if (problems.length > 0) {
        const first = problems[0];
        const goSays = inconsistentVendoringMessage(repoDir, problems);
        const requireLine = goMod.require.find((r) => first?.module === `${r.path}@${r.version}`)?.line;
        findings.push({
          category: 'vendor-inconsistent',
          severity: 'warning',
          key: 'vendor-inconsistent',
          message: `vendor/modules.txt does not match go.mod (${problems.length} problem${problems.length === 1 ? '' : 's'}; ${mode.why}): go build, go test and go list stop with "inconsistent vendoring". go mod download${hostGoVersion ? ` (go ${hostGoVersion} on this host)` : ''} ignores vendor/ and is not affected.`,
          ...(first && !first.module.includes(' ') ? { module: first.module.split('@')[0] ?? first.module } : {}),
          location: requireLine !== undefined ? `go.mod:${requireLine}` : 'vendor/modules.txt',
          evidence: goSays,
          fix: `Run go mod vendor with the go version CI uses and commit vendor/ (vendor/modules.txt)${mode.explicit ? ', or drop -mod=vendor from GOFLAGS' : ', or build with -mod=mod (GOFLAGS=-mod=mod) to ignore vendor/'}.`,
        });
      }
    }
  }
  return {
    id: 'vendor',
    title: 'vendor/ matches go.mod',
    status: findings.length > 0 ? 'warn' : mode.use ? 'pass' : 'skip',
    durationMs: Math.round(performance.now() - started),
    detail,
    findings: findings.map((f) => ({ ...f, check: 'vendor' })),
  };
}
