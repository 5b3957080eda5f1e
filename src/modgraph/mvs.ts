/**
 * Minimal version selection over a requirement graph (cmd/go/internal/mvs
 * Graph): roots and each loaded module's requirements are recorded; the
 * selected version of a path is the highest version any of them names. Only
 * modules whose go.mod was read contribute edges, which is how pruning shows.
 */
import { compareModuleVersions } from '../gomod/go-version.ts';
import { modKey, type ModVer } from './types.ts';

/** mvs.go cmpVersion: "" (the main module) sorts above every version; "none" below. */
export function compareMvsVersions(a: string, b: string): number {
  if (a === b) return 0;
  if (a === '') return 1;
  if (b === '') return -1;
  if (a === 'none') return -1;
  if (b === 'none') return 1;
  return compareModuleVersions(a, b);
}

export class RequirementGraph {
  readonly top: ModVer;
  readonly roots: readonly ModVer[];
  readonly #required = new Map<string, ModVer[]>();
  readonly #selected = new Map<string, string>();
  readonly #reachable = new Set<string>();

  /** `top` is the main module (version ""); `roots` its requirements. */
  constructor(top: ModVer, roots: readonly ModVer[]) {
    this.top = top;
    this.roots = roots;
    this.#reachable.add(modKey(top));
    this.#selected.set(top.path, top.version);
    this.require(top, roots);
  }

  /** Records m's requirements (once per module version). */
  require(m: ModVer, reqs: readonly ModVer[]): void {
    const key = modKey(m);
    if (!this.#reachable.has(key)) throw new Error(`internal: ${key} is not reachable from the main module`);
    if (this.#required.has(key)) throw new Error(`internal: requirements of ${key} recorded twice`);
    this.#required.set(key, [...reqs]);
    for (const dep of reqs) {
      this.#reachable.add(modKey(dep));
      if (compareMvsVersions(this.selected(dep.path), dep.version) < 0) this.#selected.set(dep.path, dep.version);
    }
  }

  requiredBy(m: ModVer): readonly ModVer[] | undefined {
    return this.#required.get(modKey(m));
  }

  /** The selected version of a path, or "none". */
  selected(path: string): string {
    return this.#selected.get(path) ?? 'none';
  }

  /** Selected versions: the main module, then the roots' paths in order, then the rest sorted by path. */
  buildList(): ModVer[] {
    const list: ModVer[] = [this.top];
    const seen = new Set<string>([this.top.path]);
    for (const r of this.roots) {
      if (seen.has(r.path)) continue;
      seen.add(r.path);
      const v = this.selected(r.path);
      if (v !== 'none') list.push({ path: r.path, version: v });
    }
    const rest = [...this.#selected].filter(([p, v]) => !seen.has(p) && v !== 'none').map(([path, version]) => ({ path, version }));
    rest.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : compareMvsVersions(a.version, b.version)));
    return [...list, ...rest];
  }

  /** Breadth-first from the main module: the first chain top → … → m for which `hit(m)` holds (mvs FindPath). */
  findPath(hit: (m: ModVer) => boolean): ModVer[] | undefined {
    const parent = new Map<string, ModVer | undefined>([[modKey(this.top), undefined]]);
    const queue: ModVer[] = [this.top];
    for (let i = 0; i < queue.length; i++) {
      const m = queue[i] as ModVer;
      if (m !== this.top && hit(m)) {
        const chain: ModVer[] = [m];
        for (let p = parent.get(modKey(m)); p; p = parent.get(modKey(p))) chain.unshift(p);
        return chain;
      }
      for (const r of this.requiredBy(m) ?? []) {
        const k = modKey(r);
        if (!parent.has(k)) {
          parent.set(k, m);
          queue.push(r);
        }
      }
    }
    return undefined;
  }

  /** Every edge recorded, by modKey (for the report and tests). */
  edges(): Map<string, ModVer[]> {
    return new Map(this.#required);
  }
}
