/**
 * vendor/modules.txt and the consistency check the go command makes before
 * it builds from vendor/ (cmd/go/internal/modload/vendor.go: readVendorList
 * and checkVendorConsistency, go 1.19), with go's own messages.
 */
import { compareModuleVersions, parseGoVersion, compareGoVersions } from './go-version.ts';
import type { GoMod } from './types.ts';

interface ModKey {
  path: string;
  version: string;
}

interface VendorMeta {
  explicit: boolean;
  replacement?: ModKey;
}

export interface VendorList {
  /** Per "path@version" (version "" for a wildcard replacement header). */
  meta: Map<string, VendorMeta>;
  /** Modules that provide at least one vendored package, highest version per path. */
  modules: ModKey[];
  /** Headers with a "=>" replacement. */
  replaced: ModKey[];
}

const key = (m: ModKey): string => `${m.path}@${m.version}`;
const SEMVER = /^v(0|[1-9][0-9]*)(\.(0|[1-9][0-9]*)(\.(0|[1-9][0-9]*)(-[0-9A-Za-z-.]+)?(\+[0-9A-Za-z-.]+)?)?)?$/;

/** readVendorList: "# path version [=> new [version]]", "## explicit[; go 1.x]", package lines. */
export function parseVendorModules(text: string): VendorList {
  const meta = new Map<string, VendorMeta>();
  const versions = new Map<string, string>();
  const modules: ModKey[] = [];
  const replaced: ModKey[] = [];
  let mod: ModKey | undefined;
  for (const line of text.split('\n')) {
    if (line.startsWith('# ')) {
      let f = line.trim().split(/\s+/);
      if (f.length < 3) continue;
      if (SEMVER.test(f[2] as string)) {
        mod = { path: f[1] as string, version: f[2] as string };
        f = f.slice(3);
      } else if (f[2] === '=>') {
        mod = { path: f[1] as string, version: '' };
        f = f.slice(2);
      } else {
        mod = undefined;
        continue;
      }
      if (f.length >= 2 && f[0] === '=>') {
        const m = meta.get(key(mod)) ?? { explicit: false };
        if (f.length === 2) {
          m.replacement = { path: f[1] as string, version: '' };
          replaced.push(mod);
        } else if (f.length === 3 && SEMVER.test(f[2] as string)) {
          m.replacement = { path: f[1] as string, version: f[2] as string };
          replaced.push(mod);
        }
        meta.set(key(mod), m);
      }
      continue;
    }
    if (!mod) continue;
    if (line.startsWith('## ')) {
      const m = meta.get(key(mod)) ?? { explicit: false };
      for (const entry of line.slice(3).split(';')) if (entry.trim() === 'explicit') m.explicit = true;
      meta.set(key(mod), m);
      continue;
    }
    const f = line.trim().split(/\s+/).filter(Boolean);
    if (f.length === 1 && !(f[0] as string).startsWith('#')) {
      const have = versions.get(mod.path);
      if (have === undefined || compareModuleVersions(have, mod.version) < 0) {
        modules.push(mod);
        versions.set(mod.path, mod.version);
      }
    }
  }
  return { meta, modules, replaced };
}

export interface VendorProblem {
  /** "example.com/a@v1.0.0" or a bare path for a wildcard replacement. */
  module: string;
  /** go's text after "module: ". */
  detail: string;
}

function describe(m: ModKey): string {
  return m.version === '' ? m.path : `${m.path}@${m.version}`;
}

/** checkVendorConsistency: every problem go lists under "go: inconsistent vendoring". */
export function checkVendorConsistency(goMod: GoMod, list: VendorList): VendorProblem[] {
  const problems: VendorProblem[] = [];
  const goVersion = goMod.go ? parseGoVersion(goMod.go.version) : undefined;
  const oneFourteen = parseGoVersion('1.14');
  const pre114 = goVersion === undefined || oneFourteen === undefined || compareGoVersions(goVersion, oneFourteen) < 0;
  const vendorVersion = new Map(list.modules.map((m) => [m.path, m.version]));
  const add = (m: ModKey, detail: string): void => {
    problems.push({ module: describe(m), detail });
  };

  for (const r of goMod.require) {
    if (list.meta.get(key(r))?.explicit) continue;
    if (pre114) {
      const vv = vendorVersion.get(r.path);
      if (vv !== undefined && vv !== r.version) add(r, `is explicitly required in go.mod, but vendor/modules.txt indicates ${r.path}@${vv}`);
    } else {
      add(r, 'is explicitly required in go.mod, but not marked as explicit in vendor/modules.txt');
    }
  }

  const replacementOf = (m: ModKey): ModKey | undefined => {
    let generic: ModKey | undefined;
    for (const r of goMod.replace) {
      if (r.from.path !== m.path) continue;
      const to = { path: r.to.path, version: r.to.version ?? '' };
      if ((r.from.version ?? '') === m.version) return to;
      if (r.from.version === undefined) generic = to;
    }
    return generic;
  };
  for (const r of goMod.replace) {
    const old = { path: r.from.path, version: r.from.version ?? '' };
    const now = { path: r.to.path, version: r.to.version ?? '' };
    const vr = list.meta.get(key(old))?.replacement;
    if (vr === undefined) {
      if (!(pre114 && (old.version === '' || vendorVersion.get(old.path) !== old.version)))
        add(old, 'is replaced in go.mod, but not marked as replaced in vendor/modules.txt');
    } else if (vr.path !== now.path || vr.version !== now.version) {
      add(old, `is replaced by ${describe(now)} in go.mod, but marked as replaced by ${describe(vr)} in vendor/modules.txt`);
    }
  }

  const required = new Set(goMod.require.map((r) => key(r)));
  for (const m of list.modules) {
    if (list.meta.get(key(m))?.explicit && !required.has(key(m))) add(m, 'is marked as explicit in vendor/modules.txt, but not explicitly required in go.mod');
  }

  for (const m of list.replaced) {
    const r = replacementOf(m);
    const vr = list.meta.get(key(m))?.replacement;
    if (r === undefined) add(m, 'is marked as replaced in vendor/modules.txt, but not replaced in go.mod');
    else if (vr && (vr.path !== r.path || vr.version !== r.version))
      add(m, `is marked as replaced by ${describe(vr)} in vendor/modules.txt, but replaced by ${describe(r)} in go.mod`);
  }
  return problems;
}

/** go's message for the problems, as `go build` prints it. */
export function inconsistentVendoringMessage(dir: string, problems: VendorProblem[]): string {
  return `go: inconsistent vendoring in ${dir}:${problems.map((p) => `\n\t${p.module}: ${p.detail}`).join('')}\n\n\tTo ignore the vendor directory, use -mod=readonly or -mod=mod.\n\tTo sync the vendor directory, run:\n\t\tgo mod vendor`;
}
