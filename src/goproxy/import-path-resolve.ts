/**
 * Import path → repository, as the go command resolves a module it fetches
 * `direct` (cmd/go/internal/vcs RepoRootForImportPath): the known hosting
 * sites and the `.git`-style qualifier first, else the `?go-get=1` page's
 * go-import meta tags (prefix matching, redirects followed, a
 * non-authoritative prefix checked against its own page), https only unless
 * GOINSECURE matches (then https, falling back to http). A failure says
 * which step broke, in go's words, so the report can tell a dead vanity host
 * from a page without tags.
 */
import { STATUS_CODES } from 'node:http';
import { insecureGet } from './insecure-get.ts';
import { redactUrl, HttpRequestError, type HttpClient, type HttpResponse } from './http-client.ts';

export interface ResolvedRepo {
  /** Import path of the repository root. */
  root: string;
  /** "git", "hg", "svn", "bzr", "fossil" or "mod". */
  vcs: string;
  /** Repository URL as go would hand it to the VCS (before git's own insteadOf rewriting). */
  repoUrl: string;
  via: 'known-host' | 'vcs-qualifier' | 'go-get';
  /** The go-get page that named the repository. */
  metaUrl?: string;
}

export type ImportResolveFailure =
  | 'bad-path'
  | 'dns'
  | 'connect'
  | 'tls'
  | 'timeout'
  | 'network'
  | 'http-status'
  | 'no-meta'
  | 'multiple-meta'
  | 'disagree'
  | 'invalid-repo-root'
  | 'unknown-vcs'
  | 'insecure-redirect'
  | 'govcs';

export type ImportResolution =
  | { ok: true; repo: ResolvedRepo }
  | {
      ok: false;
      failure: ImportResolveFailure;
      /** What go prints: `unrecognized import path "x": https fetch: …`. */
      message: string;
      /** Host of the go-get URL (the vanity host). */
      host: string;
      /** The go-get URL asked (credentials masked). */
      url?: string;
    };

export interface ResolveImportOptions {
  http: Pick<HttpClient, 'get'>;
  /** GOINSECURE matches the path: http is allowed after https fails. */
  insecure?: boolean;
  timeoutMs?: number;
  signal?: AbortSignal;
  /** The go-get page URL for an import path instead of https://<path>?go-get=1 (tests, mirrors). */
  pageUrl?: (importPath: string) => string;
  /** GOVCS check: go's error when it may not run `vcs` for `root` (govcs.ts govcsDenial). */
  govcs?: (root: string, vcs: string) => string | undefined;
  /** The Authorization header for an https request to a host (go sends ~/.netrc credentials). */
  authorization?: (host: string) => string | undefined;
}

interface StaticSite {
  prefix: string;
  re: RegExp;
  vcs: string;
  /** Rejects "github.com/a/b.git"-style roots on sites that never use a suffix. */
  noVcsSuffix: boolean;
}

const VCS_NAMES = ['bzr', 'fossil', 'git', 'hg', 'svn'];

// vcs.go's vcsPaths, in order (the general `.vcs` syntax is separate, below).
const STATIC_SITES: StaticSite[] = [
  { prefix: 'github.com', re: /^(github\.com\/[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+)(\/[A-Za-z0-9_.-]+)*$/, vcs: 'git', noVcsSuffix: true },
  { prefix: 'bitbucket.org', re: /^(bitbucket\.org\/[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+)(\/[A-Za-z0-9_.-]+)*$/, vcs: 'git', noVcsSuffix: true },
  { prefix: 'hub.jazz.net/git', re: /^(hub\.jazz\.net\/git\/[a-z0-9]+\/[A-Za-z0-9_.-]+)(\/[A-Za-z0-9_.-]+)*$/, vcs: 'git', noVcsSuffix: true },
  { prefix: 'git.apache.org', re: /^(git\.apache\.org\/[a-z0-9_.-]+\.git)(\/[A-Za-z0-9_.-]+)*$/, vcs: 'git', noVcsSuffix: false },
  { prefix: 'git.openstack.org', re: /^(git\.openstack\.org\/[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+)(\.git)?(\/[A-Za-z0-9_.-]+)*$/, vcs: 'git', noVcsSuffix: false },
  { prefix: 'chiselapp.com', re: /^(chiselapp\.com\/user\/[A-Za-z0-9]+\/repository\/[A-Za-z0-9_.-]+)$/, vcs: 'fossil', noVcsSuffix: false },
];

const VCS_QUALIFIED = /((([a-z0-9.-]+\.)+[a-z0-9.-]+(:[0-9]+)?(\/~?[A-Za-z0-9_.-]+)+?)\.(bzr|fossil|git|hg|svn))(\/~?[A-Za-z0-9_.-]+)*$/;

/** str.HasPathPrefix. */
export function hasPathPrefix(path: string, prefix: string): boolean {
  if (path === prefix) return true;
  if (!path.startsWith(prefix)) return false;
  return prefix.endsWith('/') || path[prefix.length] === '/';
}

/** `<meta name="go-import" content="prefix vcs repo">` entries in the head, "mod" entries first (PreferMod). */
export function parseGoImportMeta(html: string): Array<{ prefix: string; vcs: string; repo: string }> {
  const found: Array<{ prefix: string; vcs: string; repo: string }> = [];
  const head = html.split(/<\/head\s*>|<body[\s>]/i)[0] ?? html;
  for (const tag of head.match(/<meta\s[^>]*>/gi) ?? []) {
    const attr = (name: string): string => {
      const m = new RegExp(`\\b${name}\\s*=\\s*(?:"([^"]*)"|'([^']*)'|([^\\s>]+))`, 'i').exec(tag);
      return m ? (m[1] ?? m[2] ?? m[3] ?? '') : '';
    };
    if (attr('name') !== 'go-import') continue;
    const decoded = attr('content')
      .replace(/&quot;/g, '"')
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&amp;/g, '&');
    const f = decoded.trim().split(/\s+/);
    if (f.length === 3) found.push({ prefix: f[0]!, vcs: f[1]!, repo: f[2]! });
  }
  const mods = found.filter((m) => m.vcs === 'mod');
  const have = new Set(mods.map((m) => m.prefix));
  return [...mods, ...found.filter((m) => m.vcs !== 'mod' && !have.has(m.prefix))];
}

type MetaMatch = { ok: true; meta: { prefix: string; vcs: string; repo: string } } | { ok: false; multiple: boolean; mismatches: string[] };

/** matchGoImport: exactly one tag whose prefix is a path prefix of the import path. */
function matchGoImport(imports: Array<{ prefix: string; vcs: string; repo: string }>, importPath: string): MetaMatch {
  let match = -1;
  const mismatches: string[] = [];
  for (const [i, im] of imports.entries()) {
    if (!hasPathPrefix(importPath, im.prefix)) {
      mismatches.push(im.prefix);
      continue;
    }
    if (match >= 0) {
      if (imports[match]?.vcs === 'mod' && im.vcs !== 'mod') break;
      return { ok: false, multiple: true, mismatches };
    }
    match = i;
  }
  const meta = imports[match];
  return meta ? { ok: true, meta } : { ok: false, multiple: false, mismatches };
}

function staticRoot(importPath: string, govcs: ResolveImportOptions['govcs']): ImportResolution | undefined {
  const host = importPath.split('/')[0] ?? importPath;
  const denied = (root: string, vcs: string): ImportResolution | undefined => {
    const why = govcs?.(root, vcs);
    return why ? { ok: false, failure: 'govcs', host, message: why } : undefined;
  };
  for (const site of STATIC_SITES) {
    if (!hasPathPrefix(importPath, site.prefix)) continue;
    const m = site.re.exec(importPath);
    if (!m) return { ok: false, failure: 'bad-path', host, message: `invalid ${site.prefix} import path "${importPath}"` };
    const root = m[1]!;
    if (site.noVcsSuffix && VCS_NAMES.some((v) => root.endsWith(`.${v}`)))
      return { ok: false, failure: 'bad-path', host, message: `invalid version control suffix in ${site.prefix}/ path` };
    return denied(root, site.vcs) ?? { ok: true, repo: { root, vcs: site.vcs, repoUrl: `https://${root}`, via: 'known-host' } };
  }
  const q = VCS_QUALIFIED.exec(importPath);
  if (q && q.index === 0) {
    // go pings the VCS's secure schemes to pick one; https is the one an agent uses.
    return denied(q[1]!, q[6]!) ?? { ok: true, repo: { root: q[1]!, vcs: q[6]!, repoUrl: `https://${q[2]!}.${q[6]!}`, via: 'vcs-qualifier' } };
  }
  return undefined;
}

function fetchFailure(err: unknown): { failure: ImportResolveFailure; detail: string } {
  if (err instanceof HttpRequestError) {
    const kind = err.kind;
    const failure: ImportResolveFailure =
      kind === 'dns' ? 'dns' : kind === 'connect-refused' ? 'connect' : kind === 'tls' ? 'tls' : kind === 'timeout' ? 'timeout' : 'network';
    // Its message starts with "GET <url>: ", which go's wording already has.
    return { failure, detail: err.message.replace(/^GET \S+: /, '') };
  }
  return { failure: 'network', detail: err instanceof Error ? err.message : String(err) };
}

/** web.Get with the go-get security mode: https; with GOINSECURE, http after https fails. */
type PageAnswer = Pick<HttpResponse, 'status' | 'body' | 'url'>;

async function getMetaPage(
  importPath: string,
  options: ResolveImportOptions,
): Promise<{ ok: true; res: PageAnswer; url: string } | { ok: false; failure: ImportResolveFailure; detail: string; url: string }> {
  const slash = importPath.indexOf('/');
  const host = slash < 0 ? importPath : importPath.slice(0, slash);
  const path = slash < 0 ? '/' : importPath.slice(slash);
  const httpsUrl = options.pageUrl?.(importPath) ?? `https://${host}${path}?go-get=1`;
  const req = { ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}), ...(options.signal ? { signal: options.signal } : {}) };
  let auth: string | undefined;
  try {
    auth = httpsUrl.startsWith('https:') ? options.authorization?.(new URL(httpsUrl).hostname) : undefined;
  } catch {
    auth = undefined;
  }
  try {
    const res = await options.http.get(httpsUrl, { ...req, ...(auth ? { headers: { authorization: auth } } : {}) });
    if (!options.insecure && !options.pageUrl && res.url.startsWith('http:'))
      return { ok: false, failure: 'insecure-redirect', detail: `redirected from secure URL ${httpsUrl} to insecure URL ${res.url}`, url: httpsUrl };
    return { ok: true, res, url: httpsUrl };
  } catch (err) {
    if (!options.insecure) return { ok: false, ...fetchFailure(err), url: httpsUrl };
    // GOINSECURE: go asks https again without checking the certificate before it tries http.
    if (fetchFailure(err).failure === 'tls') {
      try {
        const res = await insecureGet(httpsUrl, {
          timeoutMs: options.timeoutMs ?? 30_000,
          ...(auth ? { headers: { authorization: auth } } : {}),
          ...(options.signal ? { signal: options.signal } : {}),
        });
        return { ok: true, res, url: httpsUrl };
      } catch {
        // fall through to http, as go does
      }
    }
  }
  const httpUrl = `http://${host}${path}?go-get=1`;
  try {
    return { ok: true, res: await options.http.get(httpUrl, req), url: httpUrl };
  } catch (err) {
    return { ok: false, ...fetchFailure(err), url: httpUrl };
  }
}

/** metaImportsForPrefix for the non-authoritative check: the prefix's own page must name the same tag. */
async function confirmPrefix(
  prefix: string,
  importPath: string,
  meta: { prefix: string; vcs: string; repo: string },
  options: ResolveImportOptions,
): Promise<string | undefined> {
  const page = await getMetaPage(prefix, options);
  if (!page.ok) return `fetching ${prefix}: ${page.detail}`;
  const again = matchGoImport(parseGoImportMeta(page.res.body), importPath);
  if (!again.ok || again.meta.prefix !== meta.prefix || again.meta.vcs !== meta.vcs || again.meta.repo !== meta.repo)
    return `${redactUrl(page.url)} and the page for ${importPath} disagree about go-import for ${prefix}`;
  return undefined;
}

/** RepoRootForImportPath for module mode. */
export async function resolveImportPath(importPath: string, options: ResolveImportOptions): Promise<ImportResolution> {
  const host = importPath.split('/')[0] ?? importPath;
  if (/^https?:/.test(importPath))
    return { ok: false, failure: 'bad-path', host, message: `"${importPath.slice(0, importPath.indexOf(':') + 1)}//" not allowed in import path` };
  const known = staticRoot(importPath, options.govcs);
  if (known) return known;
  const unrecognized = (failure: ImportResolveFailure, detail: string, url?: string): ImportResolution => ({
    ok: false,
    failure,
    host,
    message: `unrecognized import path "${importPath}": ${detail}`,
    ...(url ? { url: redactUrl(url) } : {}),
  });
  if (!host.includes('.')) return unrecognized('bad-path', 'import path does not begin with hostname');
  const page = await getMetaPage(importPath, options);
  const fetchWord = options.insecure ? 'http/https fetch' : 'https fetch';
  if (!page.ok)
    return unrecognized(
      page.failure,
      page.failure === 'insecure-redirect' ? page.detail : `${fetchWord}: Get "${redactUrl(page.url)}": ${page.detail}`,
      page.url,
    );
  const { res } = page;
  const shownUrl = redactUrl(res.url);
  const imports = parseGoImportMeta(res.body);
  if (imports.length === 0 && res.status !== 200)
    return unrecognized('http-status', `reading ${shownUrl}: ${res.status}${STATUS_CODES[res.status] ? ` ${STATUS_CODES[res.status]}` : ''}`, page.url);
  const matched = matchGoImport(imports, importPath);
  if (!matched.ok) {
    if (matched.multiple) return unrecognized('multiple-meta', `parse ${shownUrl}: multiple meta tags match import path "${importPath}"`, page.url);
    const why = matched.mismatches.map((p) => `meta tag ${p} did not match import path ${importPath}`).join(', ');
    return unrecognized('no-meta', `parse ${shownUrl}: no go-import meta tags (${why})`, page.url);
  }
  const meta = matched.meta;
  if (meta.prefix !== importPath) {
    const disagreement = await confirmPrefix(meta.prefix, importPath, meta, options);
    if (disagreement) return unrecognized('disagree', disagreement, page.url);
  }
  let scheme: string;
  try {
    scheme = new URL(meta.repo).protocol.replace(/:$/, '');
  } catch {
    scheme = '';
  }
  if (scheme === '') return unrecognized('invalid-repo-root', `${shownUrl}: invalid repo root "${meta.repo}": no scheme`, page.url);
  if (scheme === 'file') return unrecognized('invalid-repo-root', `${shownUrl}: invalid repo root "${meta.repo}": file scheme disallowed`, page.url);
  if (meta.vcs !== 'mod' && !VCS_NAMES.includes(meta.vcs)) return unrecognized('unknown-vcs', `${shownUrl}: unknown vcs "${meta.vcs}"`, page.url);
  const denied = options.govcs?.(meta.prefix, meta.vcs);
  if (denied) return unrecognized('govcs', denied, page.url);
  return { ok: true, repo: { root: meta.prefix, vcs: meta.vcs, repoUrl: meta.repo, via: 'go-get', metaUrl: shownUrl } };
}
