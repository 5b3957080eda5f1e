/**
 * Jenkins item names ↔ URL paths. A job's full name is its folder path joined
 * with "/" (`team/payments/main`); its URL nests `/job/<segment>` per level,
 * each segment percent-encoded on its own (Jenkins' Util.rawEncode), so a
 * multibranch job named `feature%2Fx` becomes `/job/feature%252Fx`.
 * Agents live under `/computer/<name>`, the controller under `/computer/(built-in)`.
 */
import { BuildfixError } from '../../errors.ts';

/** The URL name of the controller's own node (older cores also answer "(master)"). */
export const BUILT_IN_NODE = '(built-in)';

const BUILT_IN_ALIASES = new Set(['(built-in)', '(master)', 'built-in node', 'built-in', 'master']);

// Segments Jenkins would never produce and a URL cannot carry unambiguously.
function checkSegment(segment: string, fullName: string): void {
  if (segment === '' || segment === '.' || segment === '..') {
    throw new BuildfixError('BF_INPUT', `invalid Jenkins job name "${fullName}": use the full name with folders separated by "/", like team/payments/main`);
  }
}

/** A job's full name from a full name, a job URL, or a `/job/a/job/b/` path. */
export function normalizeJobName(jobOrUrl: string): string {
  const text = jobOrUrl.trim();
  if (/^https?:\/\//i.test(text) || text.startsWith('/job/')) return jobNameFromPath(text);
  return text.replace(/^\/+|\/+$/g, '');
}

/** `team/payments/main` → `/job/team/job/payments/job/main` (no trailing slash). */
export function jobPath(jobOrUrl: string): string {
  const fullName = normalizeJobName(jobOrUrl);
  const segments = fullName.split('/');
  for (const s of segments) checkSegment(s, fullName);
  return segments.map((s) => `/job/${encodeURIComponent(s)}`).join('');
}

/** `/job/team/job/payments/job/main/42/` or a full URL → `team/payments/main` (build numbers and actions dropped). */
export function jobNameFromPath(pathOrUrl: string): string {
  let path = pathOrUrl;
  if (/^https?:\/\//i.test(path)) path = new URL(path).pathname;
  const parts = path.split('/').filter((p) => p !== '');
  const names: string[] = [];
  for (let i = 0; i < parts.length - 1; i++) {
    if (parts[i] === 'job') {
      names.push(decodeURIComponent(parts[i + 1] as string));
      i++;
    } else if (names.length > 0) {
      break;
    }
  }
  if (names.length === 0) throw new BuildfixError('BF_INPUT', `"${pathOrUrl}" is not a Jenkins job URL (expected …/job/<name>/…)`);
  return names.join('/');
}

/** `/job/…/42` for a build number or a permalink such as `lastSuccessfulBuild`. */
export function buildPath(job: string, build: number | string): string {
  return `${jobPath(job)}/${encodeURIComponent(String(build))}`;
}

/** True for the names people use for the controller's own node. */
export function isBuiltInNode(name: string): boolean {
  return BUILT_IN_ALIASES.has(name.trim().toLowerCase());
}

/** `agent-01` → `/computer/agent-01`; the controller maps to `/computer/(built-in)`. */
export function nodePath(name: string): string {
  const trimmed = name.trim();
  if (trimmed === '') throw new BuildfixError('BF_INPUT', 'empty Jenkins node name');
  if (isBuiltInNode(trimmed)) return `/computer/${BUILT_IN_NODE}`;
  return `/computer/${encodeURIComponent(trimmed)}`;
}
