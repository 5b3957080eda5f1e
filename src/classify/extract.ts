/**
 * Pulls module paths, versions and hosts out of single log lines. Every
 * pattern here is linear (no nested unbounded quantifiers over the same
 * characters) because it runs on arbitrary CI output.
 */

/** A Go pseudo-version (vX.Y.Z-[pre.]yyyymmddhhmmss-hash, optionally +incompatible), well-formed or not. */
export const PSEUDO_VERSION = /^v\d+\.\d+\.\d+-(?:[0-9A-Za-z.-]*\.)?\d{14}-[0-9a-f]+(?:\+incompatible)?$/;

/** The commit hash a pseudo-version names (its last segment), for `go get module@<hash>`. */
export function pseudoVersionCommit(version: string): string | undefined {
  return PSEUDO_VERSION.test(version) ? /-([0-9a-f]+)(?:\+incompatible)?$/.exec(version)?.[1] : undefined;
}

/** The import path a git clone address stands for: `git@github.com:o/r.git` and `https://github.com/o/r` → `github.com/o/r`. */
export function importPathOfCloneAddress(address: string): string | undefined {
  const scp = /^[\w.-]+@([\w.-]+):([\w./-]+)$/.exec(address);
  const url = /^(?:https?|ssh|git):\/\/?(?:[\w.-]+@)?([\w.-]+)\/([\w./-]+)$/.exec(address);
  const m = scp ?? url;
  if (!m) return undefined;
  const path = `${m[1]}/${m[2]}`.replace(/\.git$/, '').replace(/\/+$/, '');
  return path.includes('.') ? path : undefined;
}

export interface ModuleRef {
  module: string;
  version?: string;
}

// <module>@<version> as the go command prints it: the version is a semver
// (v1.2.3, pseudo-versions, +incompatible), a query word or a commit hash.
const GO_MOD_AT =
  /((?:[A-Za-z0-9]|<[\w-]+>)(?:[\w.~-]|<[\w-]+>)*(?:\/[\w.~+-]+)*)@(v\d+(?:\.\d+)*(?:-[\w.-]+)?(?:\+incompatible)?|latest|upgrade|patch|master|main|HEAD|[0-9a-f]{7,40}\b)/;
/**
 * A host the poster replaced by a placeholder (`<redacted>`, `code.<company>`): people redact
 * their company's hosts before posting a log, so such a host is a private one.
 */
const PLACEHOLDER_HOST = /<[\w-]+>/;

const URL_TEXT = /https?:\/\/[^\s"'<>]+/g;
// Checksum database lookups: <sumdb>/lookup/<module>@<version>.
const SUMDB_LOOKUP = /\/lookup\/([\w.~!/-]+)@(v[\w.+-]+?)(?:\/go\.mod)?(?=[\s":]|$)/;
const URL_HOST = /\b[a-z][a-z0-9+.-]*:\/\/(?:[^\s/@"']*@)?([^\s/:"'?#]+)/i;
const DNS_LOOKUP = /lookup ([A-Za-z0-9.-]+)(?: on |: )/;

/** Undoes the proxy protocol's case encoding ("!azure" → "Azure"). */
export function decodeGoModulePath(path: string): string {
  return path.replace(/!([a-z])/g, (_m, c: string) => c.toUpperCase());
}

/**
 * The module whose checksum go could not verify: `verifying <m>@<v>[/go.mod]: checksum mismatch` (go mod download,
 * go.sum mismatch) or `<m>@<v>: verifying [go.mod: ]…` (the checksum DB disagrees), which can follow a parent
 * module on the same line (`go: <parent>@<v> requires <m>@<v>: verifying go.mod: checksum mismatch`).
 */
const VERIFYING_AT = new RegExp(`(?:\\bverifying ${GO_MOD_AT.source}(?:\\/go\\.mod)?:|${GO_MOD_AT.source}(?:\\/go\\.mod)?: verifying\\b)`);

/** First `module@version` on a Go line (the one being verified on a checksum line), falling back to proxy and sumdb URLs. */
export function extractGoModule(line: string): ModuleRef | undefined {
  const verifying = line.includes('verifying') ? VERIFYING_AT.exec(line) : null;
  const at = verifying ? ([verifying[0], verifying[1] ?? verifying[3], verifying[2] ?? verifying[4]] as const) : GO_MOD_AT.exec(line);
  if (at && at[1] && at[2]) {
    // Inside a checksum DB URL the module follows /lookup/.
    const lookup = at[1].indexOf('/lookup/');
    const module = decodeGoModulePath(lookup >= 0 ? at[1].slice(lookup + '/lookup/'.length) : at[1]);
    const host = module.split('/')[0] ?? '';
    if (host.includes('.') || PLACEHOLDER_HOST.test(host)) return { module, version: at[2].replace(/\.+$/, '') };
  }
  const fromUrl = moduleFromProxyUrl(line);
  if (fromUrl) return fromUrl;
  const lookup = SUMDB_LOOKUP.exec(line);
  if (lookup && lookup[1] && lookup[2]) return { module: decodeGoModulePath(lookup[1]), version: lookup[2] };
  return undefined;
}

// "missing go.sum entry for module providing package X", "no required module provides package X;"
const PROVIDING_PACKAGE = /(?:module providing package|required module provides package) ([\w.~-]+\.[\w.~-]+(?:\/[\w.~+-]+)*)/;

/** The package a go.sum / go.mod complaint is about (a package path, which starts with its module path). */
export function extractGoPackage(line: string): ModuleRef | undefined {
  const m = PROVIDING_PACKAGE.exec(line);
  return m && m[1] ? { module: m[1] } : undefined;
}

/**
 * Module (and version) from a proxy protocol URL in the line:
 * <proxy>[/prefix]/<module>/@v/<version>.info|.mod|.zip, /@v/list or /@latest.
 * The module starts at the first path element with a dot, which skips proxy
 * path prefixes such as Artifactory's /api/go/<repo>/.
 */
export function moduleFromProxyUrl(line: string): ModuleRef | undefined {
  if (!line.includes('/@')) return undefined;
  for (const match of line.matchAll(URL_TEXT)) {
    const url = match[0];
    const at = url.indexOf('/@');
    if (at < 0) continue;
    const afterScheme = url.indexOf('//') + 2;
    const pathStart = url.indexOf('/', afterScheme);
    if (pathStart < 0 || pathStart >= at) continue;
    const segments = url.slice(pathStart + 1, at).split('/');
    const first = segments.findIndex((seg) => seg.includes('.'));
    if (first < 0) continue;
    const module = decodeGoModulePath(segments.slice(first).join('/'));
    const rest = url.slice(at + 2);
    const version = /^v\/(v[^/]+?)\.(?:info|mod|zip)\b/.exec(rest);
    return version && version[1] ? { module, version: decodeGoModulePath(version[1]) } : { module };
  }
  return undefined;
}

/**
 * The GOPROXY entry a proxy-protocol URL was requested from (scheme, host and any path prefix before the module):
 * https://art.corp/artifactory/api/go/go-virtual/github.com/x/y/@v/list → https://art.corp/artifactory/api/go/go-virtual
 */
export function goProxyBaseFromLine(line: string): string | undefined {
  if (!line.includes('/@')) return undefined;
  for (const match of line.matchAll(URL_TEXT)) {
    const url = match[0];
    const at = url.indexOf('/@');
    const afterScheme = url.indexOf('//') + 2;
    const pathStart = url.indexOf('/', afterScheme);
    if (at < 0 || pathStart < 0 || pathStart >= at) continue;
    const segments = url.slice(pathStart + 1, at).split('/');
    const first = segments.findIndex((seg) => seg.includes('.'));
    if (first < 0) continue;
    const prefix = segments.slice(0, first).join('/');
    return `${url.slice(0, pathStart).replace(/^([a-z]+:\/\/)[^@/]*@/i, '$1')}${prefix ? `/${prefix}` : ''}`;
  }
  return undefined;
}

/** Splits an npm package spec ("@scope/name@^1.2.0", "left-pad@9.9.9"). */
export function parseNpmSpec(spec: string): ModuleRef | undefined {
  const m = /^(@[\w.~-]+\/[\w.~-]+|[\w.~-]+)(?:@(\S+))?$/.exec(spec.trim());
  if (!m || !m[1]) return undefined;
  return m[2] ? { module: m[1], version: m[2] } : { module: m[1] };
}

const NPM_SPEC_PATTERNS: RegExp[] = [
  /'((?:@[\w.~-]+\/)?[\w.~-]+@[^'\s]+)' is not in (?:this|the npm) registry/,
  /No matching version found for ((?:@[\w.~-]+\/)?[\w.~-]+@[^\s,]+?)\.?(?:\s|$)/,
  /\bversion not found: ((?:@[\w.~-]+\/)?[\w.~-]+@\S+)/,
  /Missing: ((?:@[\w.~-]+\/)?[\w.~-]+@\S+) from lock file/,
  /Invalid: lock file's ((?:@[\w.~-]+\/)?[\w.~-]+@\S+) does not satisfy/,
  /Unsupported engine for ((?:@[\w.~-]+\/)?[\w.~-]+@[^\s:]+):/,
  /Not compatible with your version of node\/npm: ((?:@[\w.~-]+\/)?[\w.~-]+@\S+)/,
  /Couldn't find any versions for "((?:@[\w.~-]+\/)?[\w.~-]+)" that matches "([^"]+)"/,
];
// Tarball URLs: <registry>/<name>/-/<basename>-<version>.tgz (name may be @scope/name or @scope%2fname).
const NPM_TARBALL = /https?:\/\/\S+?\/((?:@[\w.~-]+(?:\/|%2[fF]))?[\w.~-]+)\/-\/[\w.~-]+?-(\d+\.\d+\.\d+[\w.+-]*?)\.tgz/;
// Packument URLs in "404 Not Found - GET <url>" and "request to <url> failed" lines.
const NPM_GET_URL = /\b(?:GET|PUT|request to) (https?:\/\/[^\s,]+)/;

/** Package (and version when printed) named on one npm/yarn/pnpm line. */
export function extractNpmPackage(line: string): ModuleRef | undefined {
  for (const re of NPM_SPEC_PATTERNS) {
    const m = re.exec(line);
    if (m && m[1]) {
      if (m[2]) return { module: m[1], version: m[2] };
      return parseNpmSpec(m[1]);
    }
  }
  const tarball = NPM_TARBALL.exec(line);
  if (tarball && tarball[1] && tarball[2]) {
    return { module: tarball[1].replace(/%2[fF]/, '/'), version: tarball[2] };
  }
  const get = NPM_GET_URL.exec(line);
  if (get && get[1]) return packageFromRegistryUrl(get[1]);
  return undefined;
}

/**
 * Registry base of a packument or tarball URL, as .npmrc keys it:
 * https://artifactory.corp/api/npm/npm-virtual/@a%2fb → //artifactory.corp/api/npm/npm-virtual/
 */
export function npmRegistryFromLine(line: string): string | undefined {
  // A request (`GET <url>`, `request to <url>`), else a tarball URL anywhere (yarn's `error … "https://…/-/x-1.0.0.tgz: …"`).
  const raw = NPM_GET_URL.exec(line)?.[1] ?? /https?:\/\/[^\s"'\\]+\/-\/[^\s"'\\]+\.tgz/.exec(line)?.[0];
  if (!raw) return undefined;
  let url: URL;
  try {
    url = new URL(raw.replace(/[:"',)]+$/, ''));
  } catch {
    return undefined;
  }
  if (url.hostname === '...' || !/^[\w.-]+$/.test(url.hostname.replace(/^\[|\]$/g, ''))) return undefined;
  const segments = url.pathname.split('/').filter((seg) => seg !== '');
  const dash = segments.indexOf('-');
  let keep = dash >= 0 ? dash - 1 : segments.length - 1; // drop the package name (and tarball part)
  // GitHub Packages serves tarballs at /download/@scope/name/<version>/<sha>, under the registry root.
  const download = segments.indexOf('download');
  if (download >= 0 && segments[download + 1]?.startsWith('@')) keep = download;
  if (keep > 0 && segments[keep - 1]?.startsWith('@')) keep -= 1; // @scope/name in two segments
  // A placeholder the poster put in the path (`<redacted>`) reads as written, not percent-encoded.
  const base = segments
    .slice(0, Math.max(0, keep))
    .map((seg) => seg.replace(/%3C([\w-]+)%3E/gi, '<$1>'))
    .join('/');
  return `//${url.host}/${base ? `${base}/` : ''}`;
}

/**
 * npm's older and yarn's wordings of a package, for the fix text only (the classifier's context reads
 * extractNpmPackage): npm 6's `401 Unauthorized: @scope/name@1.2.3`, `fetchPackageMetaData error for name@1.2.3`,
 * yarn berry's `@scope/name@npm:1.2.3: …`.
 */
const NPM_SPEC_FOR_FIX: RegExp[] = [
  /\b[1-5]\d\d [A-Za-z][A-Za-z ]*: ((?:@[\w.~-]+\/)?[\w.~-]+@\d[^\s,:]*)/,
  /fetchPackageMetaData error for ((?:@[\w.~-]+\/)?[\w.~-]+@[^\s,:]+)/,
];
const YARN_BERRY_SPEC = /((?:@[\w.~-]+\/)?[\w.~-]+)@npm:(\d[^\s:,]*)/;

/** A plausible npm package name (not a tarball hash, an elided `...`, or a name with the line's punctuation stuck to it). */
export function isNpmPackageName(name: string): boolean {
  return /^(?:@[\w.~-]+\/)?[A-Za-z0-9][\w.~-]*$/.test(name) && !/^[0-9a-f]{32,}$/.test(name);
}

/** GitHub Packages' tarball URL: https://npm.pkg.github.com/download/@scope/name/1.2.3/<sha>. */
const GITHUB_PACKAGES_DOWNLOAD = /\/download\/(@[\w.~-]+)\/([\w.~-]+)\/(\d[\w.+-]*)\//;

export function extractNpmPackageForFix(line: string): ModuleRef | undefined {
  const download = GITHUB_PACKAGES_DOWNLOAD.exec(line);
  if (download && download[1] && download[2] && download[3]) return { module: `${download[1]}/${download[2]}`, version: download[3] };
  const found = extractNpmPackage(line);
  const strict = found ? { ...found, module: found.module.replace(/[:,.;]+$/, '') } : undefined;
  if (strict && isNpmPackageName(strict.module)) return strict;
  // A spec left in a URL's last segment (pkg.pr.new's `/@scope/name@123`).
  const spec = strict ? parseNpmSpec(strict.module) : undefined;
  if (spec && isNpmPackageName(spec.module)) return spec;
  for (const re of NPM_SPEC_FOR_FIX) {
    const m = re.exec(line);
    if (m && m[1]) return parseNpmSpec(m[1]);
  }
  const berry = YARN_BERRY_SPEC.exec(line);
  if (berry && berry[1] && berry[2]) return { module: berry[1], version: berry[2] };
  return undefined;
}

/** Package name from a packument URL (https://registry.npmjs.org/@acme%2fledger → @acme/ledger). */
export function packageFromRegistryUrl(url: string): ModuleRef | undefined {
  let path: string;
  try {
    path = new URL(url).pathname;
  } catch {
    return undefined;
  }
  const segments = path.split('/').filter((s) => s !== '' && s !== '-');
  if (segments.length === 0) return undefined;
  const last = decodeURIComponent(segments[segments.length - 1] ?? '');
  if (last.startsWith('@') && last.includes('/')) return { module: last };
  const prev = segments[segments.length - 2];
  if (prev && prev.startsWith('@')) return { module: `${decodeURIComponent(prev)}/${last}` };
  if (!/^[\w.~-]+$/.test(last)) return undefined;
  return { module: last };
}

/** scheme://host[:port] of the first http(s) URL in a line, without credentials. */
export function extractOrigin(line: string): string | undefined {
  for (const match of line.matchAll(URL_TEXT)) {
    try {
      const url = new URL(match[0].replace(/["')\],.]+$/, ''));
      return `${url.protocol}//${url.host}`;
    } catch {
      continue;
    }
  }
  return undefined;
}

/** Host of the first URL in a line, or of a DNS lookup ("lookup proxy.golang.org on …"). */
export function extractHost(line: string): string | undefined {
  const url = URL_HOST.exec(line);
  if (url && url[1]) return url[1].toLowerCase();
  const dns = DNS_LOOKUP.exec(line);
  return dns && dns[1] ? dns[1].toLowerCase() : undefined;
}

/** Hosts whose modules are public: a 404 from the public proxy for them is a real "not found". */
const PUBLIC_MODULE_HOSTS = new Set([
  'github.com',
  'gitlab.com',
  'bitbucket.org',
  'golang.org',
  'google.golang.org',
  'gopkg.in',
  'go.uber.org',
  'k8s.io',
  'sigs.k8s.io',
  'cloud.google.com',
  'go.opentelemetry.io',
  'go.etcd.io',
  'gotest.tools',
  'honnef.co',
  'go.mongodb.org',
  'gorm.io',
  'gocloud.dev',
  'go.temporal.io',
  'connectrpc.com',
  'buf.build',
  'mvdan.cc',
  'filippo.io',
  'modernc.org',
  'rsc.io',
  'gonum.org',
  'cuelang.org',
  'helm.sh',
  'istio.io',
  'knative.dev',
  'tailscale.com',
  'codeberg.org',
  'gitee.com',
  'git.sr.ht',
  'launchpad.net',
  'dario.cat',
  'nhooyr.io',
  'go4.org',
  'example.com',
  'example.org',
]);
const PRIVATE_LABEL = /(?:^|[.-])(?:corp|corporate|internal|intranet|intra|private|priv|local|lan|office|company|enterprise|onprem)(?:[.-]|$)/;
const SCM_PREFIX = /^(?:git|gitlab|github|bitbucket|gitea|gogs|scm|stash|code|source|src|repo|repos|vcs|ghe)\./;

/** Heuristic: does a module path's host look like a company server rather than a public forge? */
export function looksPrivateModule(modulePath: string, goprivate?: string): boolean {
  if (goprivate && matchesGoPrivate(modulePath, goprivate)) return true;
  const host = (modulePath.split('/')[0] ?? '').toLowerCase();
  if (PLACEHOLDER_HOST.test(host)) return true;
  if (!host.includes('.') || PUBLIC_MODULE_HOSTS.has(host)) return false;
  if (PRIVATE_LABEL.test(host)) return true;
  return SCM_PREFIX.test(host);
}

/** GOPRIVATE semantics: comma-separated globs matched against path prefixes. */
export function matchesGoPrivate(modulePath: string, goprivate: string): boolean {
  const parts = modulePath.split('/');
  for (const rawPattern of goprivate.split(',')) {
    const pattern = rawPattern.trim();
    if (!pattern) continue;
    const n = pattern.split('/').length;
    if (parts.length < n) continue;
    const prefix = parts.slice(0, n).join('/');
    if (globMatch(pattern, prefix)) return true;
  }
  return false;
}

// path.Match subset: '*' matches within one path element, '?' one character.
function globMatch(pattern: string, text: string): boolean {
  const re = new RegExp(
    `^${pattern
      .split('')
      .map((c) => (c === '*' ? '[^/]*' : c === '?' ? '[^/]' : c.replace(/[.+^${}()|[\]\\]/g, '\\$&')))
      .join('')}$`,
  );
  return re.test(text);
}
