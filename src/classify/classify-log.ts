/**
 * Names the root cause of a failed `go mod download` / `npm install` from a CI
 * log (Jenkins, GitHub Actions, GitLab or plain output).
 *
 * One pass over the text: a keyword prefilter (prefilter.ts) picks candidate
 * lines, each candidate is cleaned (normalize-log.ts) and matched against the
 * rules (rules.ts). Then the matches are ranked: the most "root" rank wins
 * (disk, proxy, TLS before network, before auth, before 404s), and among equal
 * ranks the earliest line wins, because later errors are usually fallout.
 * Line numbers always refer to the original text.
 */
import type { Category } from '../report/model.ts';
import {
  extractGoModule,
  extractGoPackage,
  extractHost,
  extractOrigin,
  extractNpmPackage,
  goProxyBaseFromLine,
  extractNpmPackageForFix,
  isNpmPackageName,
  looksPrivateModule,
  npmRegistryFromLine,
  type ModuleRef,
  PSEUDO_VERSION,
} from './extract.ts';
import { fixFor, type Ecosystem, type JsTool } from './fixes.ts';
import { newerStdPackageIn } from './std-since.ts';
import { GITLAB_CONTINUATION, normalizeLineDetailed, toEvidence, type LineRole } from './normalize-log.ts';
import { createPrefilter, passesPrefilter } from './prefilter.ts';
import {
  CI_VERDICT,
  ERROR_LOOKING,
  LOCAL_RULES,
  LOCAL_RULES_NOT_GO,
  RESPONSE_RULES,
  RETIRED_ROOT_EXPIRIES,
  SYMPTOM,
  WARNING_LINE,
  matchRule,
  type Rule,
} from './rules.ts';
import { redactText } from '../util/redact.ts';
import { whatToCheck } from './what-to-check.ts';

export type { Ecosystem } from './fixes.ts';
export { isProbablyBinary } from './is-probably-binary.ts';

export interface Classification {
  category: Category;
  /** 0..1 */
  confidence: number;
  /** The log line(s) that prove it, cleaned (no ANSI, no CI timestamps), at most 5, each ≤ 300 chars. */
  evidence: string[];
  /** 1-based line numbers in the original text, parallel to `evidence`. */
  evidenceLines: number[];
  /** What to do, from the playbook. */
  fix: string;
  module?: string;
  version?: string;
  ecosystem: Ecosystem;
  /** Other causes seen in the log, ranked, without duplicates of the main one. */
  secondary: Array<{ category: Category; evidence: string; line: number }>;
  /** Id of the rule (src/classify/rules.ts) that named the cause; for accuracy reports. */
  rule?: string;
  /**
   * The two most likely categories, best first, and what to check to tell them apart, when the log
   * alone cannot settle it: with `unknown`; below 0.6 confidence; and below 0.8 when the message
   * is known to have another cause (a registry 404 during an outage vs a missing version). Renderers
   * name the second one next to the answer.
   */
  candidates?: Array<{ category: Category; confidence: number; check: string }>;
  /** The fix if the second candidate is the cause (an answer that names another cause, not `unknown`). */
  otherFix?: string;
}

interface Hit {
  rule: Rule;
  category: Category;
  rank: number;
  confidence: number;
  line: number;
  text: string;
  warning: boolean;
  ecosystem: Ecosystem;
  module?: string;
  version?: string;
  /** The earlier line that named the module, when this line did not. */
  anchorLine?: number;
  anchorText?: string;
  /** The line sits in (or opens) a `server response:` block from the public proxy / checksum DB. */
  response?: 'proxy' | 'sumdb';
  publicProxy: boolean;
  /** The other cause the same message is known to have (opposite causes, issue 13). */
  alternative?: Category;
  /** A yarn classic / pnpm line NPM_LINE does not know: its fix is npm-family whatever the rest of the log says. */
  jsLine?: boolean;
}

interface ContextRef extends ModuleRef {
  /** The first line that named the module. */
  line: number;
  text: string;
  /** The last line that named it (the window is measured from here). */
  seen: number;
}

const MAX_EVIDENCE = 5;
/** `go get`/`go install` command lines remembered (bounded memory on huge logs). */
const MAX_GO_GET_COMMANDS = 16;
/** Matches kept per rule; the root cause is among the first errors, and this bounds memory on huge logs. */
const MAX_HITS_PER_RULE = 64;
/** How far back (lines) a line may borrow the module named by an earlier line. */
const CONTEXT_WINDOW = 12;
/** Longest line the rules look at; longer lines are cut (keeps regex cost bounded). */
const MAX_LINE = 8192;
/** Longest GitHub Actions step header (script, shell, env) read as the runner's echo; a header never closed ends here. */
const RUN_HEADER_MAX = 200;

const PUBLIC_PROXY = /proxy\.golang\.org|goproxy\.io|goproxy\.cn|sum\.golang\.org/i;
const LOOKUP_URL = /\/lookup\//;
/** The host a git command in the log talks to: `git clone https://github.com/x/y`, `git ls-remote -q git@github.com:x/y`. */
const GIT_REMOTE_HOST = /\bgit (?:clone|ls-remote|fetch)\b[^\n]*?(?:https?:\/\/(?:[^@/\s]+@)?|git@)([\w.-]+\.[a-z]{2,})[/:]/i;
const MAX_GIT_HOSTS = 8;
const MAX_REGISTRIES = 8;
/** go's suggestion prompt at the end of a line: the command follows on the next line. */
const GO_SUGGESTION_PROMPT = /(?:to add(?: it| missing requirements, run| module requirements and sums)?|to update it):\s*$/;
/** The command go suggests, alone on its (tab-indented) line. */
const GO_SUGGESTED_COMMAND = /^\s*(go (?:mod (?:download|tidy)|get)\b[^;]*?)\s*$/;
/** Prompt and command on one line (a wrapper joined them, or go printed them so). */
const GO_SUGGESTION_INLINE =
  /(?:to add(?: it| missing requirements, run| module requirements and sums)?|to update it):\s+(go (?:mod (?:download|tidy)|get)\b[^;]*?)\s*$/;
/** Google's module mirror and checksum DB (they serve public modules without credentials). */
const GOOGLE_MODULE_SERVICE = /https:\/\/(?:proxy|sum)\.golang\.org\//i;
const GOPRIVATE_VALUE = /\bGOPRIVATE\s*[=:]\s*(?:"([^"]*)"|'([^']*)'|([^\s"']*))/;
const PROXY_CONFIG = /\b(?:https?[-_]proxy|proxy)\b["']?\s*(?:[=:]|\s)\s*["']?https?:\/\/\S+/i;
const PROXY_PORT = /:(?:3128|3129|8080|8081|8888|9090|9400)\b/;
/** The URL a package manager says it requested (`request to <url> failed`, `GET <url>`): its port is the server's. */
const REQUESTED_URL = /\b(?:request to|GET|fetch failed) https?:\/\/\S+/gi;

/**
 * A proxy's usual port outside the URL asked for: npm dialled a proxy. Node names the server it could not reach
 * (`getaddrinfo ENOTFOUND repo.corp repo.corp:8081`): when that is the requested URL's own host:port, it is the registry.
 */
function dialsProxyPort(text: string): boolean {
  const asked = [...text.matchAll(REQUESTED_URL)].map((m) => /https?:\/\/([^/\s]+)/i.exec(m[0])?.[1]).filter((hp) => hp !== undefined);
  let rest = text.replace(REQUESTED_URL, '');
  for (const hostPort of asked) rest = rest.split(hostPort).join('');
  return PROXY_PORT.test(rest);
}
/** GOPROXY set to a mirror that is not the public default. */
const MIRROR_CONFIG = /GOPROXY\s*[=:]\s*["']?(?!https:\/\/proxy\.golang\.org|direct|off)https?:\/\/\S+/i;
// A proxy's checksum-DB pass-through sits under the GOPROXY URL, which may have a path (Artifactory's
// /artifactory/api/go/<repo>/sumdb/sum.golang.org/lookup/…): the host answering is the proxy's.
const SUMDB_HOST = /https?:\/\/([^/\s]+)\/(?:(?:[^\s/]+\/)*?sumdb\/[^/\s]+\/)?(?:lookup|tile)\//;
/** A request to the public npm registry for an unscoped package. */
const PUBLIC_NPM_UNSCOPED = /\/\/registry\.(?:npmjs\.org|yarnpkg\.com)\/(?!@|%40)[\w.-]/i;
/** The package's metadata says the version does not exist (not a bare 404 from the registry). */
/** A pseudo-version (vX.Y.Z-[pre.]0.yyyymmddhhmmss-hash or vX.0.0-yyyymmddhhmmss-hash) whose hash is not 12 hex characters. */
const MALFORMED_PSEUDO_VERSION = /^v\d+\.\d+\.\d+-(?:[0-9A-Za-z.-]*\.)?\d{14}-(?![0-9a-f]{12}(?:\+incompatible)?$)[0-9a-f]+(?:\+incompatible)?$/;
/** A host under the reserved `.invalid` top-level domain, in a URL or a DNS lookup. */
const RESERVED_INVALID_HOST = /(?:\/\/|\blookup )[\w.-]+\.invalid\b/i;
/** Categories of a failing network path, which a deliberately unresolvable host explains. */
/** A request that never reached the far end: name resolution or the connection failed. */
const DIAL_FAILED = /dial tcp|no such host|Temporary failure in name resolution|connection refused|network is unreachable|i\/o timeout/i;
/**
 * go asked the loopback resolver and nothing listened: go falls back to 127.0.0.1:53 and [::1]:53 only when
 * /etc/resolv.conf names no name server, which is a build chroot or sandbox without network (mock, Koji) or a
 * host whose resolver set-up is broken.
 */
const NO_NAMESERVER = /lookup \S+ on (\[::1\]|127\.0\.0\.1):53: read udp \S+: read: connection refused/;
/**
 * The resolver itself cannot be reached because the host has no network, or its policy forbids any (`dial udp
 * 10.0.0.2:53: connect: network is unreachable`, `write udp 127.0.0.1:45516->8.8.8.8:53: write: permission denied`).
 */
const RESOLVER_NO_NETWORK =
  /(?:dial udp (\S+):53: connect: network is unreachable|write udp \S+->(\S+):53: write: (?:permission denied|operation not permitted))/;
/** Nix building a derivation (`building '/nix/store/…-name.drv'`, `builder for '/nix/store/…drv' failed`). */
/** flatpak-builder's banner for each module it builds (its build runs without network). */
const FLATPAK_BUILD = /^Building module \S+ in \S*\/\.flatpak-builder\/build\//;
/** Portage's failure line for an ebuild phase (FEATURES=network-sandbox, on by default, cuts the network there). */
const PORTAGE_PHASE_FAILED = /^\s*\* ERROR: [\w+-]+\/[\w.+-]+::[\w.+-]+ failed \((?:unpack|prepare|configure|compile|test|install) phase\):/;
const NIX_DERIVATION = /(?:building|builder for) '\/nix\/store\/[^']*?-([^'/]*)\.drv'/;
const NETWORK_CATEGORIES: ReadonlySet<Category> = new Set(['proxy-unreachable', 'sumdb-unreachable', 'corporate-proxy', 'proxy-server-error']);
/** `(replaced by host/path@version)` or `(replaced by host/path vX)`: a remote module, not a directory. */
const REMOTE_REPLACEMENT = /\(replaced by (?![.\/~]|[A-Za-z]:)[^\s)]+\.[^\s)]+(?:@| )v\d/;
/** A version's x.y.z. */
const SEMVER_CORE = /\b(\d{1,6})\.(\d{1,6})\.(\d{1,9})\b/g;
function compareVersionCore(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < 3; i++) if ((a[i] ?? 0) !== (b[i] ?? 0)) return (a[i] ?? 0) - (b[i] ?? 0);
  return 0;
}
/** npm's and pnpm's ETARGET for a semver range rather than an exact version: `pkg@^1.2.3`, `pkg@'>=2.14.1 <3.0.0'`. */
const NPM_RANGE_UNMET =
  /(?:No matching version found for|No compatible version found:?)\s+(?:@[\w.-]+\/)?[\w.-]+@'?(?:[\^~<>]|\d+\.(?:x|\*)|\S*\s+(?:-|\|\|)\s)/i;
/**
 * The registry lists a release above the range's own version (`^1.4.0` unmet, targets `2.0.0, 2.0.1`): it is up to
 * date, the versions the range asks for were unpublished or never made, not a mirror that lags.
 */
function registryHasNewer(text: string, newest: readonly number[] | undefined): boolean {
  if (!newest) return false;
  const range = NPM_RANGE_UNMET.exec(text);
  const base = range ? new RegExp(SEMVER_CORE.source).exec(text.slice(range.index + range[0].length - 1)) : null;
  return base !== null && compareVersionCore(newest, [Number(base[1]), Number(base[2]), Number(base[3])]) > 0;
}

const NPM_VERSION_MISSING =
  /\bETARGET\b|\bENOVERSIONS\b|No valid versions available|No matching version found|No compatible version found|ERR_PNPM_NO_MATCHING_VERSION|Couldn't find any versions|\bversion not found: \S+@/i;
/** A package tarball URL (`…/-/name-1.2.3.tgz`). */
const NPM_TARBALL = /\/-\/[^\s/"'\\]+\.tgz\b/;
/**
 * An npm/yarn/pnpm line: its own prefix, pnpm's and yarn berry's codes, npm's debug log (`18 silly fetchPackageMetaData …`),
 * the npm fetcher's `401 Unauthorized - GET <url>`, or a scoped package's encoded name in a registry URL (`/@scope%2fname`).
 */
const NPM_LINE =
  /^(?:npm|yarn|pnpm)\b|ERR_PNPM_|\bYN\d{4}\b|^\d+ (?:silly|verbose|http|info|warn|error|timing) |\b[1-5]\d\d [A-Za-z][A-Za-z ]* - (?:GET|PUT|POST) https?:\/\/|\/@[\w.-]+%2[fF]/;
/**
 * A yarn classic or pnpm line NPM_LINE does not know (no tool prefix): yarn 1's `error An unexpected error occurred: "…"`,
 * `info There appears to be trouble with your network connection`, `error https://registry.yarnpkg.com/…`, its
 * `Request failed "500 …"`, yarn-error.log, a tarball URL, pnpm's `WARN GET <url> error (…)`, Node's (OpenSSL's) upper-case
 * certificate error codes (go says `x509: …`, git/curl the lower-case words after `SSL certificate problem:`) and the got
 * library's `RequestError:` (yarn 2+). It only sets the ecosystem of the fix text; the rules read the line as before.
 */
const JS_FAMILY_LINE =
  /^(?:error|info|warning) (?:An unexpected error occurred|There appears to be trouble with your network|Couldn't find (?:package|any versions)|Could not write file|Received (?:invalid|malformed) response|(?:Error: )?https?:\/\/)|registry\.yarnpkg\.com|yarn-error\.log|\.yarnrc|\byarn\.lock\b|pnpm-lock\.yaml|Request failed \\?"\d{3}|\/-\/[\w.-]+-\d[\w.+-]*\.tgz\b|^\s*WARN\s+GET https?:\/\/|\b(?:SELF_SIGNED_CERT_IN_CHAIN|DEPTH_ZERO_SELF_SIGNED_CERT|UNABLE_TO_GET_ISSUER_CERT_LOCALLY|UNABLE_TO_VERIFY_LEAF_SIGNATURE|ERR_TLS_CERT_ALTNAME_INVALID)\b|\bRequestError: /;
/** Which npm-family tool printed a line: yarn berry's codes and files, pnpm's, yarn 1's, npm's. */
const JS_TOOL_LINE: Array<[JsTool, RegExp]> = [
  ['yarn-berry', /\bYN\d{4}\b|\.yarnrc\.yml|@npm:\d/],
  ['pnpm', /ERR_PNPM_|\bpnpm\b|^\s*WARN\s+GET https?:\/\//],
  [
    'yarn',
    /^(?:error|info|warning) (?:An unexpected error occurred|There appears to be trouble|Couldn't find|Could not write file|Received (?:invalid|malformed) response|(?:Error: )?https?:\/\/)|^yarn (?:install|add|run) v1\.|yarn-error\.log|\.yarnrc\b(?!\.yml)/,
  ],
  ['npm', /^npm (?:ERR!|error|WARN|warn|notice|http)\b|^\d+ (?:silly|verbose|http) |package-lock\.json/],
];
/** A registry URL set in the log's configuration: `registry=…`, `--registry …`, `npmRegistryServer: "…"`, `@scope:registry=…`. */
const NPM_REGISTRY_CONFIG = /(?:\bregistry|npmRegistryServer)["']?\s*[=:\s]\s*["']?(https?:\/\/[^\s"']+)/i;
/** The realm of a 401's `WWW-Authenticate` names GitHub Packages even when the log has no URL. */
const GITHUB_PACKAGES_REALM = /realm="GitHub Package Registry"/i;
/** The public npm registry or its yarn alias. */
const NPM_REGISTRY = /registry\.(?:npmjs\.org|yarnpkg\.com)/i;
/** An unscoped package's tarball URL (`…/name/-/name-1.2.3.tgz`, cnpm's `…/name/download/name-1.2.3.tgz`). */
const MIRROR_PUBLIC_TARBALL = /https?:\/\/[^\s"']*(?<!@[\w.-]*|%40[\w.-]*)\/(?!@|%40)([\w.-]+)\/(?:-|download)\/\1-\d[\w.+-]*\.tgz/i;
/** A connection to this machine's own loopback address (`connect ECONNREFUSED 127.0.0.1:80`). */
const LOOPBACK_DIAL = /\b(?:connect )?E[A-Z]+ (?:127\.\d+\.\d+\.\d+|\[?::1\]?):\d+/;
/** A URL whose host is not this machine. */
const REMOTE_URL = /https?:\/\/(?!localhost\b|127\.|\[::1\])[\w.-]+\.[a-z]{2,}\b/i;

class Scanner {
  readonly hitsByRule = new Map<string, Hit[]>();
  goCtx: ContextRef | undefined;
  npmCtx: ContextRef | undefined;
  goprivate: string | undefined;
  goprivateShownEmpty = false;
  proxyConfigured = false;
  /** `HTTP_PROXY=…` (or http_proxy) set on a command line or in an env dump the log shows. */
  httpProxyShown = false;
  /** HTTPS_PROXY (or https_proxy) named anywhere in the log. */
  httpsProxyShown = false;
  /** Hosts of the repositories the log's git commands cloned or listed (`git clone https://github.com/…`). */
  readonly gitHosts = new Set<string>();
  /** `ENOSPC: System limit for number of file watchers reached`: inotify, not the disk. */
  inotifyLimit = false;
  /** GOPROXY names a mirror other than proxy.golang.org (goproxy.io/.cn, Athens, Artifactory…). */
  mirrorConfigured = false;
  /** A `sum.golang.org: h1:` line: downloaded bits were compared with the checksum DB (not go.sum). */
  sumdbComparison = false;
  /** npm: the registry started answering and then aborted the body (`Invalid response body while trying to fetch`). */
  npmAbortedBody = false;
  /**
   * A package build whose sandbox has no network: Nix building a derivation that is not a fixed-output module
   * download (`…-go-modules.drv`), flatpak-builder building a module, Portage failing an ebuild phase.
   */
  buildSandbox: 'nix' | 'flatpak' | 'portage' | undefined;
  /** Nix built buildGoModule's module download (`…-go-modules.drv`), which does have network. */
  nixModulesDerivation = false;
  /** npm: a fetch failed for good (`npm ERR! fetch failed <url>`), so its retry warnings name the error. */
  npmFetchFailed = false;
  /** npm: the fetch that failed for good was a package tarball (`npm ERR! fetch failed …/-/x-1.0.0.tgz`). */
  npmFetchFailedTarball = false;
  /** `go get` / `go install` command lines with a version (a module@version typed by hand), at most a few. */
  goGetCommands: string[] = [];

  goSignals = 0;
  npmSignals = 0;
  /** Lines of yarn classic / pnpm that NPM_LINE does not know (JS_FAMILY_LINE): for the fix's ecosystem only. */
  jsFamilySignals = 0;
  /** Lines each npm-family tool printed (JS_TOOL_LINE), to word the fix for npm, pnpm, yarn 1 or yarn berry. */
  readonly jsToolLines = new Map<JsTool, number>();
  /** Registries the log's requests name (and a 401's realm), as .npmrc keys them (//host/path/), at most a few. */
  readonly npmRegistries: string[] = [];
  /** Registries the log's configuration sets (`registry=…`, `--registry …`, `npmRegistryServer: …`), from every line. */
  readonly configRegistries: string[] = [];
  /** go's own suggestion after a go.mod/go.sum complaint (`; to add it:` then `\tgo mod download m`). */
  goSuggestion: string | undefined;
  /** The line number go's suggested command is expected on (the line after `…; to add it:`). */
  goSuggestionLine = 0;
  /** The line after old npm's `Valid install targets:`, which lists the versions the registry has. */
  npmTargetsLine = 0;
  /** The highest version on that list: the registry's newest release of the package. */
  npmNewestTarget: readonly number[] | undefined;
  lastError: { line: number; text: string } | undefined;
  /** Last tool-level symptom (make, exit status, npm lifecycle). */
  lastSymptom: { line: number; text: string } | undefined;
  /** Open `server response:` block: who answered, and whether it was a public proxy. */
  block: { source: 'proxy' | 'sumdb'; publicProxy: boolean } | undefined;
  prevText = '';
  /** Inside a GitHub Actions step header (`##[group]Run …` until `##[endgroup]`), up to line runHeaderUntil. */
  headerOpen = false;
  runHeaderUntil = 0;
  /** What the open header's lines said, applied only if the header turns out not to be one. */
  deferred: Array<() => void> = [];

  scanLine(raw: string, lineNo: number): void {
    const { text, warningMarker, errorMarker, role: lineRole, group } = normalizeLineDetailed(raw.length > MAX_LINE ? raw.slice(0, MAX_LINE) : raw);
    const role = lineRole;
    // GitHub Actions opens a group per step (`##[group]Run …`) that lists its script, shell and env
    // before any output, and closes it with `##[endgroup]`: the runner's echo of the command, like
    // `+ cmd` or `$ cmd`. What the header's lines would say is held back until the group closes;
    // a header that never closes (a trimmed paste) was not one, and its lines count after all.
    if (this.headerOpen && lineNo > this.runHeaderUntil) this.closeHeader(true);
    if (group === 'run') {
      this.closeHeader(true);
      this.headerOpen = true;
      this.runHeaderUntil = lineNo + RUN_HEADER_MAX;
    } else if (group === 'end') this.closeHeader(false);
    else if (group) this.closeHeader(true);
    const inHeader = this.headerOpen && !group;
    if (text.trim() === '') return;
    if (role === 'tool') this.noteGoSuggestion(text, lineNo);
    if (!warningMarker && !errorMarker && !group && !passesPrefilter(text.toLowerCase())) {
      // The keyword was in the wrapper's prefix (a console note, a Bazel `failed to fetch`), not in
      // the tool's text: the line is read as it would be without the wrapper, i.e. skipped.
      if (this.block && !/^\s/.test(text)) this.block = undefined;
      // go words its errors without "error" (`go: m@v: <reason>`): no rule knows this one, but it is
      // the line to show if nothing else names a cause.
      if (role === 'tool' && isGoErrorLine(text)) {
        const note = (): void => this.noteFallback(role, true, text, lineNo);
        if (inHeader) this.deferred.push(note);
        else note();
      }
      return;
    }
    this.noteContext(text);
    if (lineNo === this.npmTargetsLine) this.noteNpmTargets(text);
    else if (text.includes('Valid install targets')) this.npmTargetsLine = lineNo + 1;

    // Split the line into what happened here and what a proxy answered.
    let local = text;
    let response = '';
    const sr = text.indexOf('server response:');
    if (sr >= 0) {
      const opener = `${this.prevText}\n${text}`;
      this.block = { source: LOOKUP_URL.test(opener) ? 'sumdb' : 'proxy', publicProxy: PUBLIC_PROXY.test(opener) };
      local = text.slice(0, sr);
      response = text.slice(sr + 'server response:'.length);
    } else if (this.block && /^\s/.test(text)) {
      local = '';
      response = text;
    } else {
      this.block = undefined;
    }

    const warning = warningMarker || WARNING_LINE.test(text.trimStart());
    // Only the tool's own output names a cause; the wrapper's echo of the command and its verdict never do.
    const toolLine = role === 'tool';
    const isNpmLine = NPM_LINE.test(text.trimStart()) || /registry\.npmjs\.org|package-lock\.json/.test(text);
    const localRule = toolLine && local.trim() ? matchRule(isNpmLine ? LOCAL_RULES_NOT_GO : LOCAL_RULES, local) : undefined;
    const responseRule = toolLine && response.trim() ? matchRule(RESPONSE_RULES, response) : undefined;
    let rule = localRule;
    let inResponse = false;
    if (responseRule && (!localRule || responseRule.rank < localRule.rank)) {
      rule = responseRule;
      inResponse = true;
    }

    if (isNpmLine) this.npmSignals++;
    else if (/^go: |go\.(?:mod|sum)\b|proxy\.golang\.org|@v\d/.test(text)) this.goSignals++;
    const jsFamilyLine = !isNpmLine && JS_FAMILY_LINE.test(text.trimStart());
    if (jsFamilyLine) this.jsFamilySignals++;

    // The module this line names, if any (also the context for the next lines).
    let own: ModuleRef | undefined;
    if (isNpmLine) own = extractNpmPackage(text);
    else {
      if (text.includes('@')) own = extractGoModule(text);
      if (!own && text.includes('package ')) own = extractGoPackage(text);
    }
    if (own) {
      // Keep the first line that named this module as the anchor; later mentions only extend the window.
      const current = isNpmLine ? this.npmCtx : this.goCtx;
      const same = current && current.module === own.module && current.version === own.version && lineNo - current.seen <= CONTEXT_WINDOW;
      const ref: ContextRef = same && current ? { ...current, seen: lineNo } : { ...own, line: lineNo, text, seen: lineNo };
      if (isNpmLine) this.npmCtx = ref;
      else this.goCtx = ref;
    }

    if (rule) {
      const ecosystem: Ecosystem = rule.ecosystem === 'go' ? 'go' : rule.ecosystem === 'npm' || isNpmLine ? 'npm' : 'unknown';
      const hit: Hit = {
        rule,
        category: rule.category,
        rank: rule.rank,
        confidence: rule.confidence,
        line: lineNo,
        text,
        warning,
        ecosystem,
        publicProxy: PUBLIC_PROXY.test(text) || (inResponse && this.block?.publicProxy === true),
      };
      if (rule.alternative) hit.alternative = rule.alternative;
      if (jsFamilyLine) hit.jsLine = true;
      if (inResponse && this.block) hit.response = this.block.source;
      const ctx = ecosystem === 'npm' || isNpmLine ? this.npmCtx : this.goCtx;
      if (own) {
        hit.module = own.module;
        if (own.version) hit.version = own.version;
      } else if (ctx && lineNo - ctx.seen <= CONTEXT_WINDOW) {
        hit.module = ctx.module;
        if (ctx.version) hit.version = ctx.version;
        hit.anchorLine = ctx.line;
        hit.anchorText = ctx.text;
      }
      if (inHeader) this.deferred.push(() => this.addHit(hit));
      else this.addHit(hit);
    } else if (!warning && role !== 'echo') {
      const note = (): void => this.noteFallback(role, errorMarker, text, lineNo);
      if (inHeader) this.deferred.push(note);
      else note();
    }
    this.prevText = text;
  }

  /** The last symptom and error-looking line, for the `unknown` fallback. */
  private noteFallback(role: LineRole, errorMarker: boolean, text: string, line: number): void {
    const later = (current: { line: number } | undefined): boolean => !current || current.line < line;
    // The wrapper's verdict (`Finished: FAILURE`, `ERROR: Job failed`) never stands for the cause.
    if (role === 'verdict' || CI_VERDICT.test(text)) return;
    if (SYMPTOM.test(text)) {
      if (later(this.lastSymptom)) this.lastSymptom = { line, text };
    } else if (errorMarker || ERROR_LOOKING.test(text) || isGoErrorLine(text)) {
      if (later(this.lastError)) this.lastError = { line, text };
    }
  }

  /** Ends a GitHub Actions step header: `keep` reads what its lines said as output after all. */
  closeHeader(keep: boolean): void {
    if (keep) for (const run of this.deferred) run();
    this.deferred = [];
    this.headerOpen = false;
  }

  private noteContext(text: string): void {
    if (text.includes('GOPRIVATE')) {
      const m = GOPRIVATE_VALUE.exec(text);
      if (m) {
        const value = m[1] ?? m[2] ?? m[3] ?? '';
        this.goprivate = value || undefined;
        this.goprivateShownEmpty = value === '';
      }
    }
    if (PROXY_CONFIG.test(text)) this.proxyConfigured = true;
    if (/\b(?:HTTP_PROXY|http_proxy)=\S/.test(text)) this.httpProxyShown = true;
    if (/\b(?:HTTPS_PROXY|https_proxy)\b/.test(text)) this.httpsProxyShown = true;
    const gitRemote = GIT_REMOTE_HOST.exec(text);
    if (gitRemote?.[1] && this.gitHosts.size < MAX_GIT_HOSTS) this.gitHosts.add(gitRemote[1].toLowerCase());
    if (text.includes('file watchers')) this.inotifyLimit = true;
    if (MIRROR_CONFIG.test(text)) this.mirrorConfigured = true;
    if (/^\s*sum\.golang\.org: h1:/.test(text)) this.sumdbComparison = true;
    if (/Invalid response body while trying to fetch/i.test(text)) this.npmAbortedBody = true;
    const nix = NIX_DERIVATION.exec(text);
    if (nix) {
      if (/-(?:go-modules|vendor)$/.test(nix[1] ?? '')) this.nixModulesDerivation = true;
      else this.buildSandbox = 'nix';
    }
    if (!this.buildSandbox && FLATPAK_BUILD.test(text)) this.buildSandbox = 'flatpak';
    if (!this.buildSandbox && PORTAGE_PHASE_FAILED.test(text)) this.buildSandbox = 'portage';
    if (/\b(?:ERR!|error) fetch failed\b/.test(text)) {
      this.npmFetchFailed = true;
      if (NPM_TARBALL.test(text)) this.npmFetchFailedTarball = true;
    }
    if (this.goGetCommands.length < MAX_GO_GET_COMMANDS && /\bgo (?:get|install)\s/.test(text) && text.includes('@')) this.goGetCommands.push(text);
    const start = text.trimStart();
    for (const [tool, re] of JS_TOOL_LINE) {
      if (re.test(start)) {
        this.jsToolLines.set(tool, (this.jsToolLines.get(tool) ?? 0) + 1);
        break;
      }
    }
    if (this.npmRegistries.length < MAX_REGISTRIES) {
      const seen = npmRegistryFromLine(text);
      const realm = GITHUB_PACKAGES_REALM.test(text) ? '//npm.pkg.github.com/' : undefined;
      for (const r of [seen, realm]) if (r && !this.npmRegistries.includes(r)) this.npmRegistries.push(r);
    }
  }

  /**
   * go prints the command that repairs go.mod/go.sum after its complaint: on the next line, tab-indented
   * (`…; to add it:` / `to add missing requirements, run:` / `to update it:`, then `\tgo mod download m`), or on the
   * same line once a CI wrapper joined them.
   */
  noteGoSuggestion(text: string, lineNo: number): void {
    if (this.goSuggestion) return;
    // Runs on every scanned line: only the expected line and go's prompts ("to add", "to update") can hold it.
    if (lineNo !== this.goSuggestionLine && !text.includes('to add') && !text.includes('to update')) return;
    if (lineNo === this.goSuggestionLine) {
      const next = GO_SUGGESTED_COMMAND.exec(text);
      if (next?.[1]) {
        this.goSuggestion = next[1];
        return;
      }
    }
    const inline = GO_SUGGESTION_INLINE.exec(text);
    if (inline?.[1]) this.goSuggestion = inline[1];
    else if (GO_SUGGESTION_PROMPT.test(text)) this.goSuggestionLine = lineNo + 1;
  }

  /** A registry set in the configuration a line shows (`cat .npmrc`, `npm config set registry …`); any line, scanned or not. */
  noteRegistryConfig(line: string): void {
    if (this.configRegistries.length >= MAX_REGISTRIES) return;
    const config = NPM_REGISTRY_CONFIG.exec(line.length > MAX_LINE ? line.slice(0, MAX_LINE) : line)?.[1];
    const registry = config ? npmRegistryFromLine(`GET ${config.replace(/\/?$/, '/x')}`) : undefined;
    if (registry && !this.configRegistries.includes(registry)) this.configRegistries.push(registry);
  }

  /**
   * Whether a line is wanted even when the prefilter skips it: the line after go's `…; to add it:` (its suggested
   * command) and the line after old npm's `Valid install targets:` (the versions the registry has).
   */
  wantsLine(lineNo: number): boolean {
    return lineNo === this.npmTargetsLine || (lineNo === this.goSuggestionLine && !this.goSuggestion);
  }

  /** A line the prefilter skipped: only what `wantsLine` asks for is read from it. */
  skippedWantedLine(raw: string, lineNo: number): void {
    if (!this.wantsLine(lineNo)) return;
    const { text } = normalizeLineDetailed(raw.length > MAX_LINE ? raw.slice(0, MAX_LINE) : raw);
    if (lineNo === this.npmTargetsLine) this.noteNpmTargets(text);
    if (lineNo === this.goSuggestionLine) this.noteGoSuggestion(text, lineNo);
  }

  /** `npm ERR! 3.0.0`, `npm ERR! 2.0.0, 2.0.1`, `npm ERR! notarget ["2.14.0","2.13.0",…]`: keeps the highest. */
  private noteNpmTargets(text: string): void {
    for (const m of text.matchAll(SEMVER_CORE)) {
      const v = [Number(m[1]), Number(m[2]), Number(m[3])];
      if (!this.npmNewestTarget || compareVersionCore(v, this.npmNewestTarget) > 0) this.npmNewestTarget = v;
    }
  }

  private addHit(hit: Hit): void {
    let list = this.hitsByRule.get(hit.rule.id);
    if (!list) {
      list = [];
      this.hitsByRule.set(hit.rule.id, list);
    }
    if (list.length < MAX_HITS_PER_RULE) list.push(hit);
  }

  /** Close a `server response:` block if a skipped (non-candidate) line ended it. */
  skippedLine(raw: string): void {
    if (!this.block) return;
    const { text } = normalizeLineDetailed(raw.length > MAX_LINE ? raw.slice(0, MAX_LINE) : raw);
    if (text.trim() !== '' && !/^\s/.test(text)) this.block = undefined;
  }
}

interface LogFacts {
  hasGitAuthHit: boolean;
  /** A `server response:` block said why the version is missing (unknown revision, not found: …). */
  proxyExplained: boolean;
  /** npm network errors here went through a proxy: configured in the log, or an address on a proxy port. */
  npmViaProxy: boolean;
  /** git said `Repository not found` (the host's own words for the failure that `Could not read from remote repository` closes). */
  gitRepoNotFound: boolean;
  /** npm/yarn/pnpm: the public registry answered 403 for an unscoped (public) package. */
  npmPublicForbidden: boolean;
  /** npm/yarn/pnpm: a 404 for a tarball (a version the metadata or lockfile said exists). */
  npmTarball404: boolean;
  /** An npm/pnpm ETARGET names a semver range nothing satisfies (not an exact version). */
  npmRangeUnmet: boolean;
  /**
   * Go modules whose git fetch failed for a specific version (`m@v1.2.3: invalid version: git ls-remote …`)
   * that no `go get`/`go install` line in the log typed by hand: a requirement read from go.mod.
   */
  requiredVersionFetch: Set<string>;
  /** pnpm's ERR_PNPM_UNSUPPORTED_ENGINE block is in the log (its `Expected version:` / `Got:` lines belong to it). */
  pnpmEngineBlock: boolean;
}

/** Re-reads each match with what the whole log showed (GOPRIVATE, proxy settings, hosts); false drops it. */
function refine(hit: Hit, scan: Scanner, facts: LogFacts): boolean {
  const id = hit.rule.id;
  const isPrivate = hit.module !== undefined && looksPrivateModule(hit.module, scan.goprivate);
  const privateEvidence = isPrivate || scan.goprivateShownEmpty || facts.hasGitAuthHit;
  if (hit.warning && scan.npmFetchFailed && /retry will retry, error on (?:the )?last attempt/i.test(hit.text)) {
    // Old npm prints the error of each failed attempt only as a retry warning; once the fetch failed
    // for good (`npm ERR! fetch failed <url>`), that warning is the error.
    hit.warning = false;
  }
  if (
    scan.buildSandbox &&
    !(scan.buildSandbox === 'nix' && scan.nixModulesDerivation) &&
    hit.ecosystem !== 'npm' &&
    hit.rank !== 1 &&
    // a go-get=1 lookup that could not connect is the same missing network
    (NETWORK_CATEGORIES.has(hit.category) || (hit.category === 'vanity-import' && DIAL_FAILED.test(hit.text)))
  ) {
    // A package build's sandbox has no network: a Nix derivation (only fixed-output derivations, such as
    // buildGoModule's go-modules, may download), flatpak-builder's build of a module (sources are fetched
    // before it), Portage's ebuild phases (network-sandbox). go reaching for a proxy there fails by design.
    hit.category = 'proxy-disabled';
    hit.rank = 1;
    hit.confidence = 0.8;
    return true;
  }
  if ((hit.category === 'proxy-unreachable' || hit.category === 'sumdb-unreachable') && NO_NAMESERVER.test(hit.text)) {
    // Development part: 3 of 5 such logs were builds without network (one a Nix sandbox), 2 a resolver set-up.
    hit.confidence = Math.min(hit.confidence, 0.6);
    hit.alternative = 'proxy-disabled';
  }
  if (hit.category === 'proxy-unreachable' && RESOLVER_NO_NETWORK.test(hit.text)) {
    // Not even the resolver can be reached: the step runs without a network, nearly always on purpose (docker
    // --network none, a sandboxed package or image build that expects vendored modules; development part: 4 of 4).
    // A CI agent whose whole network is down would not have fetched the job's sources, but a laptop's could be:
    // the answer stays unsure and names the network path second.
    hit.category = 'proxy-disabled';
    hit.rank = 2;
    hit.confidence = 0.6;
    hit.alternative = 'proxy-unreachable';
    return true;
  }
  if (RESERVED_INVALID_HOST.test(hit.text) && hit.rank !== 1 && NETWORK_CATEGORIES.has(hit.category)) {
    // `.invalid` never resolves (RFC 2606, RFC 6761): a GOPROXY or registry set to such a host is the
    // build turning downloads off on purpose, and what failed is something that still needed one.
    hit.category = 'proxy-disabled';
    hit.rank = 1;
    hit.confidence = 0.85;
    return true;
  }
  if (
    hit.ecosystem === 'go' &&
    hit.version &&
    MALFORMED_PSEUDO_VERSION.test(hit.version) &&
    (hit.category === 'version-not-found' || hit.category === 'proxy-server-error')
  ) {
    // A pseudo-version whose commit hash is not go's canonical 12 characters: no proxy or repository has it
    // under that name, whatever the 404 says. The go.mod line is malformed (written by hand or by a tool).
    hit.category = 'invalid-go-mod';
    hit.rank = 2;
    hit.confidence = 0.85;
    return true;
  }
  if (
    id === 'go-proxy-not-found' &&
    hit.publicProxy &&
    !facts.proxyExplained &&
    /\b410 Gone\b/.test(hit.text) &&
    hit.version &&
    PSEUDO_VERSION.test(hit.version)
  ) {
    // proxy.golang.org's 410 for a pseudo-version, without the `server response:` that newer go prints: the
    // proxy tried the commit and refused the name. In the development part the go.mod line was an invalid
    // pseudo-version (timestamp or hash not the commit's, which Go 1.13 and the proxy check) in 3 of 5 such
    // logs, and the proxy's own fault in 2 (2019 bugs with +incompatible and vanity hosts); none was a
    // version that does not exist.
    hit.category = 'invalid-go-mod';
    hit.rank = 2;
    hit.confidence = 0.6;
    hit.alternative = 'proxy-server-error';
    return true;
  }
  if (id === 'npm-auth' && /\b402\b/.test(hit.text)) {
    // 402 Payment Required: a paid registry refusing the account (an expired or missing subscription), or
    // the registry's own billing set-up failing for everyone. The log alone does not tell them apart.
    hit.confidence = 0.55;
    hit.alternative = 'proxy-server-error';
  }
  if (id === 'go-replace' && facts.hasGitAuthHit && REMOTE_REPLACEMENT.test(hit.text)) {
    // The replacement is a remote module and go could not authenticate to fetch it: the directive is fine,
    // the credentials for its host are missing (a token not passed into the build, no .netrc).
    return false;
  }
  if (id === 'go-proxy-auth' && /\b403 Forbidden\b/i.test(hit.text) && GOOGLE_MODULE_SERVICE.test(hit.text) && !isPrivate) {
    // proxy.golang.org and sum.golang.org take no credentials: a module they cannot serve is a 404/410,
    // so their 403 is a refusal of the request itself (the service failing, or a network policy in
    // front of it), not a missing token for the module.
    hit.category = 'proxy-server-error';
    hit.rank = 2;
    hit.confidence = 0.55;
    hit.alternative = 'corporate-proxy';
    return true;
  }
  if (id === 'npm-auth' && facts.npmPublicForbidden) {
    // The public registry serves public packages without credentials; a 403 there comes from something
    // on the path (a company proxy or firewall policy, a package firewall) or from the registry's own
    // CDN refusing it (registry.yarnpkg.com's Cloudflare front, May 2018), not from a missing token.
    // The log alone does not tell them apart.
    hit.category = 'corporate-proxy';
    hit.rank = 2;
    hit.confidence = 0.5;
    hit.alternative = 'proxy-server-error';
    return true;
  }
  if (id === 'npm-not-found' && facts.npmTarball404) {
    // npm/yarn/pnpm only ask for a tarball the package metadata or the lockfile says exists:
    // the registry or mirror cannot serve what it advertised.
    hit.category = 'proxy-server-error';
    hit.rank = 2;
    hit.confidence = 0.6;
    hit.alternative = 'version-not-found';
    return true;
  }
  if (id === 'npm-not-found' && NPM_VERSION_MISSING.test(hit.text)) {
    // A version the registry's metadata does not list (ETARGET, `No matching version found`): never
    // published (a typo, a version not yet released), or a mirror or company registry that has not synced
    // it yet (npmmirror/cnpm, Nexus and Artifactory caches lag the public registry). Logs rarely name the
    // mirror, so the answer stays unsure and names the other cause.
    hit.confidence = Math.min(hit.confidence, 0.6);
    hit.alternative = 'proxy-server-error';
    if (facts.npmRangeUnmet) {
      // A range nothing satisfies (`^8.3.0`, `>=2.14.1 <3.0.0`): someone wrote it against a registry that
      // had such a version, so the registry this build asks most likely lags behind (development part: 5
      // of 6; the sixth had every matching version unpublished). Exact pins stay as above: unpublished
      // versions are asked for exactly (5 of 10 exact pins).
      hit.category = 'proxy-server-error';
      hit.alternative = 'version-not-found';
    }
  }
  if (id === 'npm-not-found' && !NPM_VERSION_MISSING.test(hit.text)) {
    // A registry's bare 404 has opposite causes: a name never published, the registry or mirror failing
    // (its 404 incidents), a private scope asked of a registry without its credentials (the npm registry
    // answers those with 404). Repeats and a named version do not make it surer (no boost), and it stays
    // below 0.8. A version the package's metadata does not list (ETARGET) is not a bare 404.
    hit.alternative = 'proxy-server-error';
  }
  if ((id === 'net-specific' || id === 'net-generic') && hit.ecosystem === 'npm' && scan.npmAbortedBody && !facts.npmViaProxy) {
    // The registry started to answer and then aborted the body: the far end is failing, not the route to it.
    hit.category = 'proxy-server-error';
    hit.rank = 2;
    hit.confidence = 0.55;
    hit.alternative = 'proxy-unreachable';
    return true;
  }
  if (id === 'go-toolchain') {
    const goVersion = /invalid go version '([^']*)'/.exec(hit.text)?.[1];
    if (goVersion !== undefined && !/^\d+\.\d+(?:\.\d+)?(?:(?:rc|beta)\d+)?$/.test(goVersion)) {
      // `go 1.17.x`, `go v1.18`: not a version any Go accepts, whatever the toolchain.
      hit.category = 'invalid-go-mod';
      hit.rank = 2;
      hit.confidence = 0.85;
      return true;
    }
  }
  if (id === 'proxy-auth' && /\b407\b/.test(hit.text)) {
    // Only a proxy answers 407 (RFC 9110), and it answers every retry the same until the credentials
    // change: pnpm's `WARN … (ERR_PNPM_FETCH_407). Will retry` is already the cause.
    hit.warning = false;
  }
  if (id === 'npm-engine' && /^\s*(?:Expected version|Got):/.test(hit.text) && !facts.pnpmEngineBlock) {
    // `Expected version:` / `Got:` only mean an engine check inside pnpm's ERR_PNPM_UNSUPPORTED_ENGINE block.
    return false;
  }
  if (id === 'disk-full' && scan.inotifyLimit && !/space|quota/i.test(hit.text)) return false;
  // A full disk breaks the build even when the tool only warns about it (npm WARN tar ENOSPC).
  if (hit.category === 'disk-full') hit.warning = false;
  if (hit.ecosystem === 'npm' && hit.category === 'private-module-auth') {
    // npm/yarn/pnpm: the registry refused the request (token, scope registry, lockfile pinned to a private registry).
    hit.category = 'registry-auth';
  }
  if (id === 'git-auth' && facts.gitRepoNotFound && /could not read from remote repository/i.test(hit.text)) {
    // git's closing line after the host's own `Repository not found`: that line is the evidence.
    return false;
  }
  if (
    id === 'git-auth' &&
    /terminal prompts disabled|could not read Username|^\s*Username for '|Repository not found|repository '[^']*' not found/i.test(hit.text) &&
    // GitHub answers every repository it will not show (missing, deleted, renamed or private) the same way,
    // over https (`remote: Repository not found`, an auth prompt) and ssh (`ERROR: Repository not found.`).
    (/github\.com|^(?:>\s*)?(?:remote|ERROR): Repository not found/i.test(hit.text.trim()) || (scan.gitHosts.size === 1 && scan.gitHosts.has('github.com'))) &&
    !isPrivate &&
    !scan.goprivateShownEmpty &&
    !scan.goprivate
  ) {
    if (hit.module !== undefined && facts.requiredVersionFetch.has(hit.module)) {
      // The module is a requirement at a version (go.mod, go.sum), not a path typed by hand: someone
      // resolved it before, so the repository existed, and go fell back to git because the proxy had
      // no copy of it: `git ls-remote` for a tag, `git fetch` of every ref for a pseudo-version's commit.
      // An organisation's non-public module is the likelier cause, a repository deleted or moved since then
      // less likely (the development part after round 2026-12-07.23: ls-remote 5 private and 2 deleted
      // repositories, one of them in 4 logs; fetch 7 private, 1 deleted).
      hit.confidence = 0.6;
      hit.alternative = 'version-not-found';
      return true;
    }
    // GitHub answers a repository that does not exist (typo, deleted, renamed) with an auth prompt;
    // without any sign of a private module that is the likelier cause.
    hit.category = 'version-not-found';
    hit.rank = 3;
    hit.confidence = 0.55;
    hit.alternative = 'private-module-auth';
    return true;
  }
  if (hit.response === 'proxy' && !hit.publicProxy && hit.category === 'private-module-auth') {
    // A shared company proxy (Athens, Artifactory, goproxy) that cannot fetch a private repository
    // reports the git failure it hit: the proxy lacks credentials, the agent's set-up is not the cause.
    hit.category = 'proxy-server-error';
    hit.rank = 2;
    hit.confidence = 0.6;
    hit.alternative = 'private-module-auth';
    return true;
  }
  if (id === 'go-sumdb-not-found' || hit.response === 'sumdb' || (id === 'go-proxy-not-found' && SUMDB_HOST.test(hit.text))) {
    const host = SUMDB_HOST.exec(hit.text)?.[1];
    if (host && host !== 'sum.golang.org' && !privateEvidence) {
      // A mirror of the checksum DB (or a third-party GOSUMDB) that cannot serve a lookup or tile is failing itself.
      hit.category = 'proxy-server-error';
      hit.rank = 2;
      hit.confidence = 0.75;
      return true;
    }
    if (!privateEvidence && hit.module && /^(?:github\.com|gitlab\.com|bitbucket\.org)\//.test(hit.module)) {
      // A public module the checksum DB has no record of: the version was never published, retagged or is +incompatible.
      hit.category = 'version-not-found';
      hit.rank = 3;
      hit.confidence = 0.55;
      hit.alternative = 'private-module-auth';
      return true;
    }
  }
  if (id === 'proxy-5xx' && SUMDB_HOST.exec(hit.text)?.[1] === 'sum.golang.org') {
    // The checksum DB itself failing: same remedy as not reaching it.
    hit.category = 'sumdb-unreachable';
    return true;
  }
  if (id === 'go-unknown-revision' && isPrivate && /unknown revision/.test(hit.text)) {
    // go reports a failed ls-remote on a company host (no credentials, https not served) as an unknown revision.
    hit.category = 'private-module-auth';
    hit.rank = 2;
    hit.confidence = 0.7;
    hit.alternative = 'version-not-found';
    return true;
  }
  if (
    id === 'go-proxy-not-found' &&
    !facts.proxyExplained &&
    !isPrivate &&
    hit.module &&
    /^(?:github\.com|gitlab\.com|bitbucket\.org|golang\.org|google\.golang\.org|gopkg\.in)\//.test(hit.module)
  ) {
    const host = extractHost(hit.text);
    if (host && host !== 'proxy.golang.org' && /\/@v\/|\/@latest/.test(hit.text)) {
      // A mirror (CDN node, Artifactory remote) answering 404 for a public module, without the
      // `server response: … unknown revision` a real miss carries: the mirror is failing.
      hit.category = 'proxy-server-error';
      hit.rank = 2;
      hit.confidence = 0.6;
      hit.alternative = 'version-not-found';
      return true;
    }
  }
  if (id === 'go-sumdb-not-found') {
    // The public checksum DB was asked about a module it cannot see: GOPRIVATE/GONOSUMDB is missing.
    if (privateEvidence) hit.confidence = 0.92;
    return true;
  }
  if (id === 'checksum' && hit.ecosystem !== 'npm' && scan.mirrorConfigured && scan.sumdbComparison) {
    // The configured mirror served bits that differ from what the checksum DB recorded.
    hit.category = 'proxy-server-error';
    hit.rank = 2;
    hit.confidence = 0.6;
    hit.alternative = 'checksum-mismatch';
    return true;
  }
  if (id === 'checksum' && MIRROR_PUBLIC_TARBALL.test(hit.text) && !NPM_REGISTRY.test(hit.text)) {
    // An unscoped (public) package's tarball from a registry other than the public one, with bytes that
    // differ from the lockfile's integrity (recorded from the public registry): the mirror or company
    // registry served something else (a stale or corrupted cache). A republished private package is the
    // other cause.
    hit.category = 'proxy-server-error';
    hit.rank = 2;
    hit.confidence = 0.6;
    hit.alternative = 'checksum-mismatch';
    return true;
  }
  if (id === 'response-server-failure' && hit.response === 'sumdb') {
    // The checksum DB (or the proxy serving it) failing itself: same remedy as not reaching it.
    hit.category = 'sumdb-unreachable';
    return true;
  }
  if (hit.response === 'sumdb') {
    // What the checksum DB could not find is the same private module; as sure as the lookup line itself.
    hit.category = 'private-module-auth';
    hit.rank = 2;
    hit.confidence = privateEvidence ? 0.9 : 0.65;
    return true;
  }
  const publicProxy404 = id === 'go-proxy-not-found' || id === 'go-unknown-revision' || id === 'go-ls-remote' || id.startsWith('response-');
  if (publicProxy404 && hit.category === 'version-not-found' && isPrivate && hit.publicProxy) {
    // A company module asked of the public proxy: it is private and GOPRIVATE does not cover it.
    hit.category = 'private-module-auth';
    hit.rank = 2;
    hit.confidence = scan.goprivateShownEmpty ? 0.93 : 0.85;
    return true;
  }
  if (
    (hit.category === 'proxy-unreachable' || hit.category === 'sumdb-unreachable') &&
    hit.ecosystem !== 'npm' &&
    !NPM_REGISTRY.test(hit.text) &&
    /https:\/\//.test(hit.text) &&
    scan.httpProxyShown &&
    !scan.httpsProxyShown
  ) {
    // go sends https requests (every proxy, checksum DB and go-get=1 lookup) only through HTTPS_PROXY;
    // HTTP_PROXY is for http:// URLs. A log that sets HTTP_PROXY alone and then times out on https went
    // around the proxy it meant to use. Unsure: HTTPS_PROXY may be set where the log does not show it.
    hit.alternative = hit.category;
    hit.category = 'corporate-proxy';
    hit.rank = 2;
    hit.confidence = 0.6;
    return true;
  }
  if ((id === 'net-specific' || id === 'net-generic') && hit.ecosystem === 'npm' && facts.npmViaProxy) {
    hit.category = 'corporate-proxy';
    hit.rank = 2;
    hit.confidence = 0.75;
  } else if ((id === 'net-specific' || id === 'net-generic') && (hit.ecosystem === 'npm' || NPM_REGISTRY.test(hit.text))) {
    // npm/yarn/pnpm cannot reach the registry and the log shows no proxy: a route problem, or a
    // company proxy/firewall the log does not show (npm says so itself). Not sure enough to hide that.
    hit.confidence = Math.min(hit.confidence, 0.55);
    hit.alternative = 'corporate-proxy';
  }
  return true;
}

/**
 * git's clone address forms where go wanted an import path: scp-like `git@host:owner/repo(.git)`, or a URL with a
 * scheme quoted as the path (`malformed module path "https:/github.com/…"`: go cleans `//` to `/`). Not the URLs
 * go itself prints (`reading https://proxy.golang.org/…`).
 */
const CLONE_ADDRESS = /\b[\w.-]+@[\w-]+(?:\.[\w-]+)+:[\w.-]+\/[\w./-]+|(?<=")(?:https?|ssh|git):\/\/?[\w-]+(?:\.[\w-]+)+\/[\w./-]+/;

function detailsFor(category: Category, lines: string[]): Record<string, string | undefined> {
  const details: Record<string, string | undefined> = {};
  for (const text of lines) {
    details['host'] ??= extractHost(text);
    details['origin'] ??= extractOrigin(text);
    details['registry'] ??= npmRegistryFromLine(text);
    details['proxyBase'] ??= goProxyBaseFromLine(text);
    switch (category) {
      case 'version-not-found': {
        // A git dependency's ref the repository does not have (yarn 1, old npm).
        const yarnRef = /Couldn't find match for "([^"]+)" in "[^"]*" for "([^"]+)"/.exec(text);
        const npmRef = /\bgit rev-list -n1 (\S+): fatal: ambiguous argument/.exec(text);
        if (yarnRef) {
          details['gitRef'] ??= yarnRef[1];
          details['gitRepo'] ??= yarnRef[2];
        } else if (npmRef) details['gitRef'] ??= npmRef[1];
        // go's `unknown revision` with no proxy in the line (`reading https://…/@v/…`, a proxy's `server response:`): go
        // asked the repository itself (GOPROXY=direct or off for this path, GOPRIVATE/GONOPROXY, a Go before 1.13).
        if (/\bunknown revision\b/.test(text) && !/\/@v\/|server response|proxy\.golang\.org|goproxy/i.test(text)) details['askedRepository'] ??= 'yes';
        // gopkg.in's own answer: the GitHub repository behind gopkg.in/…vN has no branch or tag for that major.
        const gopkgIn = /GitHub repository at (https:\/\/github\.com\/[^\s]+) has no branch or tag "(v\d+)"/.exec(text);
        if (gopkgIn) {
          details['gopkgInRepository'] ??= gopkgIn[1];
          details['gopkgInMajor'] ??= gopkgIn[2];
        }
        break;
      }
      case 'invalid-go-mod': {
        // A git clone address where go wants an import path (`go get git@github.com:owner/repo.git`, `https://…`).
        const clone = CLONE_ADDRESS.exec(text);
        if (clone) details['cloneAddress'] ??= clone[0];
        if (/invalid pseudo-version|\/@v\/v\S+[-.]\d{14}-[0-9a-f]+(?:\+incompatible)?\.(?:info|mod|zip)\b/.test(text)) details['pseudoVersion'] ??= 'invalid';
        break;
      }
      case 'vendor-inconsistent': {
        const missing = /cannot load (\S+): open \S*\/vendor\/\S+: no such file or directory/i.exec(text);
        if (missing) details['vendorMissing'] ??= missing[1];
        break;
      }
      case 'toolchain-mismatch': {
        // An old go's `stat <repository path>.go: no such file or directory` (the argument taken for a source file).
        const dotGo = /^\s*stat ((?:[a-z0-9-]+\.)+[a-z]{2,}\/[^\s:]+\.go): no such file or directory/i.exec(text);
        if (dotGo) details['dotGoPath'] ??= dotGo[1];
        const std = newerStdPackageIn(text);
        if (std) {
          details['stdPackage'] ??= std.pkg;
          details['goRequired'] ??= std.since;
        }
        const req = /requires go >= ?(\d[\w.]*) \(running go (\d[\w.]*)/i.exec(text);
        if (req) {
          details['goRequired'] ??= req[1];
          details['goRunning'] ??= req[2]?.replace(/;$/, '');
        }
        const note = /module requires Go (\d[\w.]*)/i.exec(text) ?? /invalid go version '([^']+)'/.exec(text);
        if (note) details['goRequired'] ??= note[1];
        // `go.mod file indicates go 1.22, but maximum version supported by tidy is 1.19`: the second is the running go.
        const tidyMax = /but maximum (?:version supported by tidy|supported version) is (\d[\w.]*)/.exec(text);
        if (tidyMax) details['goRunning'] ??= tidyMax[1];
        // Messages only Go before 1.21 prints: it does not know the toolchain directive, rejects a three-part go line
        // (`invalid go version '1.21.0': must match format 1.23`), or reports a too-new module only after a failed compile.
        if (
          /unknown directive: toolchain\b|unexpected (?:token|directive) 'toolchain'|(?:note|^go build \S+): module requires Go \d/i.test(text) ||
          /invalid go version '\d+\.\d+\.\d+': must match format/.test(text)
        )
          details['goOld'] ??= 'yes';
        if (/GOTOOLCHAIN=local/.test(text)) details['goToolchainLocal'] ??= 'yes';
        const wanted = /(?:wanted|Required): \{[^}]*"node":\s*"([^"]+)"/.exec(text);
        if (wanted) details['nodeWanted'] ??= wanted[1];
        const current = /(?:current|Actual):\s*\{[^}]*"node":\s*"([^"]+)"/.exec(text);
        if (current) details['nodeCurrent'] ??= current[1];
        // pnpm: `Your pnpm version is incompatible with "<project>"` / `Your Node version is incompatible with
        // "…/pnpm/10.13.1"`, then `Expected version: >=18.12` and `Got: v16.20.2` (kept on one line by some posts).
        const engine = /Your (pnpm|Node)(?:\.js)? version is incompatible with "([^"]+)"/i.exec(text);
        if (engine) {
          details['engineTool'] ??= engine[1]?.toLowerCase();
          details['enginePackage'] ??= engine[2];
        }
        // pnpm's own start-up check: `This version of pnpm requires at least Node.js v22.13` / `The current version of Node.js is v20.20.2`.
        const pnpmNeeds = /This version of pnpm requires at least Node\.js v(\d[\w.]*)/.exec(text);
        if (pnpmNeeds) {
          details['engineWanted'] ??= `>=${pnpmNeeds[1]}`;
          details['pnpmItself'] ??= 'yes';
        }
        const nodeNow = /The current version of Node\.js is (v\d[\w.]*)/.exec(text);
        if (nodeNow) details['engineCurrent'] ??= nodeNow[1];
        const expected = /Expected version: (\S+)/.exec(text);
        if (expected) details['engineWanted'] ??= expected[1];
        const got = /\bGot: (v?\d\S*)/.exec(text);
        if (got) details['engineCurrent'] ??= got[1];
        break;
      }
      case 'module-path-mismatch': {
        const declared = /module declares its path as: (\S+)/.exec(text) ?? /has (?:non-\.\.\.\/v\d+|post-v\d+) module path "([^"]+)"/.exec(text);
        if (declared) details['declared'] ??= declared[1];
        const required = /but was required as: (\S+)/.exec(text);
        if (required) details['required'] ??= required[1];
        break;
      }
      case 'proxy-server-error':
        if (/\bE400\b|^npm ERR! 400 Bad Request|Request failed \\?"400\b/.test(text)) details['badRequest'] ??= 'yes';
        // Verdaccio's (and Sinopia's) own words for a package it cannot serve.
        if (/\bno such package available\b/i.test(text)) details['verdaccio'] ??= 'yes';
        break;
      case 'proxy-disabled': {
        const resolver = RESOLVER_NO_NETWORK.exec(text);
        if (resolver) details['noNetwork'] ??= resolver[1] ?? resolver[2];
        const loopback = NO_NAMESERVER.exec(text);
        if (loopback) details['noNameserver'] ??= loopback[1];
        break;
      }
      case 'replace-directive': {
        const target = /\(replaced by ([^)]+)\)/.exec(text) ?? /replacement directory (\S+)/.exec(text);
        if (target) details['target'] ??= target[1];
        // v0.0.0 and the zero pseudo-version name no commit: only a replace directive in the requiring module's go.mod resolves them.
        const placeholder = /@(v\d+\.0\.0-00010101000000-000000000000)\b/.exec(text) ?? /(?:unknown revision|at revision) (v0\.0\.0)\b(?!-[1-9])/i.exec(text);
        if (placeholder) details['placeholder'] ??= placeholder[1];
        else if (/(?:unknown revision|at revision) 0{12}\b/i.test(text)) details['placeholder'] ??= 'the zero pseudo-version';
        // `go install m@v` / `go run m@v` builds m as a dependency and refuses a go.mod with replace or exclude
        // directives (modload.checkReplaceAndExclude); goreleaser's gomod.proxy does the same through the proxy.
        if (/more replace directives\. It must not contain|must not contain directives that would cause/i.test(text)) details['installAtVersion'] = 'yes';
        if (/replace directive with go mod proxy enabled|has replace directive in it, and go mod proxying is enabled/i.test(text))
          details['goreleaserProxy'] = 'yes';
        break;
      }
      case 'disk-full': {
        const path = /(?:write|mkdir|open|create|rename|copy)\s+([^\s:]+):/i.exec(text) ?? /ENOSPC: no space left on device, \w+ '([^']+)'/.exec(text);
        if (path) details['path'] ??= path[1];
        break;
      }
      case 'toolchain-unavailable': {
        const want = /download go(\d[\w.]*)(?: for|: golang\.org\/toolchain)|toolchain go(\d[\w.]*)|go(\d+\.\d+(?:\.\d+)?) (?:is not|toolchain)/.exec(text);
        if (want) details['goRequired'] ??= want[1] ?? want[2] ?? want[3];
        break;
      }
      case 'missing-go-sum':
        if (/inconsistent vendoring|vendor\/modules\.txt/.test(text)) details['vendor'] = 'yes';
        break;
      case 'proxy-config':
        details['goEnvVar'] ??= /GOSUMDB/.test(text) ? 'GOSUMDB' : /GOPROXY|proxy URL/.test(text) ? 'GOPROXY' : undefined;
        if (/GOPROXY list is not the empty string, but contains no entries/.test(text)) details['goproxyNoEntries'] ??= 'yes';
        if (/\bmissing GOSUMDB\b/.test(text)) details['gosumdbMissing'] ??= 'yes';
        break;
      case 'tls-interception': {
        const bound = /certificate has expired or is not yet valid: current time (\S+) is (after|before) (\S+)/i.exec(text);
        if (bound?.[2] === 'before') {
          details['agentClock'] ??= bound[1];
          details['certNotBefore'] ??= bound[3];
        } else if (bound && new RegExp(`^(?:${RETIRED_ROOT_EXPIRIES})$`).test(bound[3] ?? '')) details['retiredRoot'] ??= bound[3];
        else if (/\bCERT_NOT_YET_VALID\b|certificate is not yet valid/i.test(text)) details['clockBehind'] ??= 'yes';
        else if (/certificate has expired|\bCERT_HAS_EXPIRED\b/i.test(text)) details['certExpired'] ??= 'yes';
        break;
      }
      default:
        break;
    }
  }
  const running = /^(\d+)\.(\d+)/.exec(details['goRunning'] ?? '');
  if (category === 'toolchain-mismatch' && running && Number(running[1]) === 1 && Number(running[2]) < 21) details['goOld'] = 'yes';
  return details;
}

function better(a: Hit, b: Hit): boolean {
  if (a.warning !== b.warning) return !a.warning;
  if (a.rank !== b.rank) return a.rank < b.rank;
  return a.line < b.line;
}

/** Root cause, evidence and fix for one CI log. */
export function classifyLog(text: string): Classification {
  // GitLab's timestamped trace splits long lines; the line classifier joins the parts first.
  if (GITLAB_CONTINUATION_ANYWHERE.test(text)) {
    const classifier = createLogClassifier();
    for (const line of text.split('\n')) classifier.push(line);
    return classifier.finish();
  }
  const scan = new Scanner();
  const lower = text.toLowerCase();
  // toLowerCase keeps offsets for all but a few exotic characters; fall back to per-line lowering then.
  const aligned = lower.length === text.length;
  const prefilter = createPrefilter();

  let lineNo = 1; // line number of the line starting at `cursor`
  let cursor = 0;
  if (aligned) {
    let m: RegExpExecArray | null;
    while ((m = prefilter.exec(lower)) !== null) {
      const lineStart = text.lastIndexOf('\n', m.index) + 1;
      // Count (and, inside a server-response block, look at) the lines skipped since the cursor.
      while (cursor < lineStart) {
        const nl = text.indexOf('\n', cursor);
        if (scan.block) scan.skippedLine(text.slice(cursor, nl));
        if (scan.wantsLine(lineNo)) scan.skippedWantedLine(text.slice(cursor, nl), lineNo);
        cursor = nl + 1;
        lineNo++;
      }
      let lineEnd = text.indexOf('\n', lineStart);
      if (lineEnd < 0) lineEnd = text.length;
      scan.scanLine(text.slice(lineStart, lineEnd), lineNo);
      if (lineEnd >= text.length) break;
      cursor = lineEnd + 1;
      lineNo++;
      prefilter.lastIndex = cursor;
    }
    // Registry settings the log shows, wherever they are (config dumps rarely pass the prefilter): one pass over 'registry'.
    for (let at = lower.indexOf('registry'); at >= 0 && scan.configRegistries.length < MAX_REGISTRIES;) {
      const start = text.lastIndexOf('\n', at) + 1;
      let end = text.indexOf('\n', at);
      if (end < 0) end = text.length;
      scan.noteRegistryConfig(text.slice(start, end));
      at = lower.indexOf('registry', end);
    }
    // A wanted line (go's suggested command, npm's install targets) right after the last candidate line.
    if (scan.wantsLine(lineNo) && cursor < text.length) {
      const nl = text.indexOf('\n', cursor);
      scan.skippedWantedLine(text.slice(cursor, nl < 0 ? text.length : nl), lineNo);
    }
  } else {
    const lines = text.split('\n');
    const single = new RegExp(prefilter.source);
    for (let i = 0; i < lines.length; i++) {
      const raw = lines[i] ?? '';
      if (/registry/i.test(raw)) scan.noteRegistryConfig(raw);
      if (single.test(raw.toLowerCase())) scan.scanLine(raw, i + 1);
      else {
        if (scan.block) scan.skippedLine(raw);
        scan.skippedWantedLine(raw, i + 1);
      }
    }
  }

  return decide(scan);
}

/** Line-at-a-time classifier for streamed logs (classify-stream.ts): bounded state, same answer as classifyLog. */
export interface LogClassifier {
  /** One raw line, without its newline. */
  push(raw: string): void;
  /** Lines pushed so far. */
  readonly lines: number;
  finish(): Classification;
}

export function createLogClassifier(): LogClassifier {
  const scan = new Scanner();
  let lineNo = 0;
  // The logical line being read: GitLab's timestamped trace continues a long line on the next
  // physical lines (flag `+`); their text joins it, and it keeps the number of its first line.
  let pending: string | undefined;
  let pendingLine = 0;
  const flush = (): void => {
    if (pending === undefined) return;
    const line = pending;
    pending = undefined;
    if (/registry/i.test(line)) scan.noteRegistryConfig(line);
    if (passesPrefilter(line.toLowerCase())) scan.scanLine(line, pendingLine);
    else {
      if (scan.block) scan.skippedLine(line);
      scan.skippedWantedLine(line, pendingLine);
    }
  };
  return {
    push(raw: string): void {
      lineNo++;
      const cont = pending !== undefined ? GITLAB_CONTINUATION.exec(raw) : null;
      if (cont && pending !== undefined) {
        if (pending.length < MAX_LINE) pending = (pending + raw.slice(cont[0].length)).slice(0, MAX_LINE);
        return;
      }
      flush();
      pending = raw.length > MAX_LINE ? raw.slice(0, MAX_LINE) : raw;
      pendingLine = lineNo;
    },
    get lines(): number {
      return lineNo;
    },
    finish: () => {
      flush();
      return decide(scan);
    },
  };
}

const GITLAB_CONTINUATION_ANYWHERE = new RegExp(`\\n${GITLAB_CONTINUATION.source.slice(1)}`);

function decide(scan: Scanner): Classification {
  scan.closeHeader(true);
  const found: Hit[] = [];
  for (const list of scan.hitsByRule.values()) found.push(...list);
  const facts: LogFacts = {
    hasGitAuthHit: found.some((h) => h.rule.id === 'git-auth' || h.rule.id === 'response-auth'),
    pnpmEngineBlock: found.some((h) => h.rule.id === 'npm-engine' && /ERR_PNPM_UNSUPPORTED_ENGINE|version is incompatible with/i.test(h.text)),
    gitRepoNotFound: found.some((h) => h.rule.id === 'git-auth' && /Repository not found/i.test(h.text)),
    proxyExplained: found.some((h) => h.response !== undefined),
    npmViaProxy:
      scan.proxyConfigured ||
      found.some(
        (h) =>
          h.ecosystem === 'npm' &&
          h.category === 'proxy-unreachable' &&
          // A request for a remote registry URL that dialled this machine's loopback address went to a
          // proxy configured on it (CNTLM, a debugging proxy), as go's `proxyconnect tcp: dial tcp 127.0.0.1:…`.
          // The port of the URL asked for is the registry's (Nexus listens on 8081, Artifactory on 8081/8082), not a proxy's.
          (dialsProxyPort(h.text) || /\bproxy\b/i.test(h.text) || (LOOPBACK_DIAL.test(h.text) && REMOTE_URL.test(h.text))),
      ),
    npmPublicForbidden: found.some((h) => h.rule.id === 'npm-auth' && /\b(?:E?403)\b|FETCH_403/.test(h.text) && PUBLIC_NPM_UNSCOPED.test(h.text)),
    npmTarball404: found.some(
      (h) =>
        h.rule.id === 'npm-not-found' &&
        // Old npm names the tarball on `npm ERR! fetch failed <url>` and the status only on its retry line.
        (NPM_TARBALL.test(h.text) ||
          // npm 1.x logs each request (`npm http 404 <url>`); a `.tgz` there is a tarball, wherever the registry keeps it.
          /^npm http 404 \S+\.tgz\b/.test(h.text) ||
          (scan.npmFetchFailedTarball && /fetch failed with status code 404/.test(h.text))),
    ),
    npmRangeUnmet: found.some((h) => h.rule.id === 'npm-not-found' && NPM_RANGE_UNMET.test(h.text) && !registryHasNewer(h.text, scan.npmNewestTarget)),
    requiredVersionFetch: new Set(
      found
        .filter((h) => h.rule.id === 'go-ls-remote' && h.module && h.version && /@v\S+: invalid version: git (?:ls-remote|fetch)/.test(h.text))
        .map((h) => h.module ?? '')
        .filter((m) => !scan.goGetCommands.some((c) => c.includes(m))),
    ),
  };
  const all = found.filter((hit) => refine(hit, scan, facts));
  all.sort((a, b) => a.line - b.line);

  const logEcosystem: Ecosystem = scan.goSignals === 0 && scan.npmSignals === 0 ? 'unknown' : scan.npmSignals > scan.goSignals ? 'npm' : 'go';

  // Best hit per category; the best of those that is not a warning is the root cause.
  const bestByCategory = new Map<Category, Hit>();
  for (const hit of all) {
    const current = bestByCategory.get(hit.category);
    if (!current || better(hit, current)) bestByCategory.set(hit.category, hit);
  }
  const ranked = [...bestByCategory.values()].sort((a, b) => (better(a, b) ? -1 : better(b, a) ? 1 : 0));
  const main = ranked.find((h) => !h.warning);

  if (!main) {
    const fallback = scan.lastError ?? scan.lastSymptom;
    return {
      category: 'unknown',
      confidence: fallback ? 0.15 : 0.05,
      evidence: fallback ? [clean(fallback.text)] : [],
      evidenceLines: fallback ? [fallback.line] : [],
      fix: fixFor({ category: 'unknown', ecosystem: logEcosystem, details: {} }),
      ecosystem: logEcosystem,
      secondary: ranked.map((h) => ({ category: h.category, evidence: clean(h.text), line: h.line })),
      candidates: candidatesFrom(
        ranked.map((h) => ({ category: h.category, confidence: Math.min(0.45, h.confidence / 2) })),
        { ecosystem: logEcosystem },
      ),
    };
  }

  const mainHits = all.filter((h) => h.category === main.category && !h.warning);
  // A yarn classic / pnpm line, or a log of them with no Go in it, gets npm-family advice (never GOPROXY's).
  const jsLog = scan.jsFamilySignals > 0 && scan.goSignals === 0;
  const ecosystem: Ecosystem = main.ecosystem !== 'unknown' ? main.ecosystem : main.jsLine || (logEcosystem === 'unknown' && jsLog) ? 'npm' : logEcosystem;

  // Module/version: the root-cause line's, else the first line of the same category that names one.
  let module = main.module;
  let version = main.version;
  if (!module) {
    const named = mainHits.find((h) => h.module);
    module = named?.module;
    version = named?.version;
  }
  if (module && !version) version = mainHits.find((h) => h.module === module && h.version)?.version;

  // Evidence: the root-cause line first, the line that named its module, then corroborating lines.
  const picked = new Map<number, string>();
  const add = (line: number, text: string): void => {
    if (picked.size >= MAX_EVIDENCE || picked.has(line)) return;
    const cleaned = clean(text);
    for (const existing of picked.values()) if (existing === cleaned) return;
    picked.set(line, cleaned);
  };
  if (main.anchorLine !== undefined && main.anchorText !== undefined) add(main.anchorLine, main.anchorText);
  add(main.line, main.text);
  // Where each line's text first appears: BuildKit's error summary and Bazel repeat a step's output
  // after the root-cause line, and a repeated line counts where it first stood.
  const firstSeen = new Map<string, number>();
  for (const hit of mainHits) {
    const text = clean(hit.text);
    if (!firstSeen.has(text)) firstSeen.set(text, hit.line);
  }
  for (const hit of mainHits) {
    const first = firstSeen.get(clean(hit.text)) ?? hit.line;
    if (first < main.line && hit.rank > main.rank) continue; // earlier fallout-looking lines only confuse
    add(hit.line, hit.text);
  }
  const evidenceLines = [...picked.keys()].sort((a, b) => a - b);
  const evidence = evidenceLines.map((l) => picked.get(l) ?? '');

  let confidence = Math.max(...mainHits.filter((h) => h.rank === main.rank).map((h) => h.confidence));
  // A message with a known opposite cause stays unsure however often it repeats.
  if (module && version && !main.alternative) confidence += 0.05;
  if (new Set(mainHits.map((h) => h.rule.id)).size > 1 && !main.alternative) confidence += 0.04;
  confidence = Math.min(0.98, Math.round(confidence * 100) / 100);

  const details = detailsFor(main.category, [...evidence, ...mainHits.slice(0, 10).map((h) => h.text)]);
  if (ecosystem === 'npm') {
    addNpmDetails(details, scan);
    if (!module || !isNpmPackageName(module)) {
      // The package named in the way yarn and npm's older lines put it, or a name the context got wrong
      // (a GitHub Packages tarball hash, a trailing colon): for the fix text only, confidence is already set.
      const named = [main.text, ...mainHits.map((h) => h.text)].map(extractNpmPackageForFix).find((ref) => ref !== undefined);
      module = named?.module;
      version = named?.version;
    }
  }
  if (main.category === 'missing-go-sum' && scan.goSuggestion) details['goSuggestion'] = scan.goSuggestion;
  if (main.category === 'corporate-proxy' && ecosystem !== 'npm' && scan.httpProxyShown && !scan.httpsProxyShown) details['httpProxyOnly'] = 'yes';
  if (main.category === 'proxy-disabled' && scan.buildSandbox) details['buildSandbox'] = scan.buildSandbox;
  const fix = fixFor({ category: main.category, ecosystem, module, version, ruleId: main.rule.id, details });

  const result: Classification = {
    category: main.category,
    confidence,
    evidence,
    evidenceLines,
    fix,
    ecosystem,
    secondary: ranked.filter((h) => h.category !== main.category).map((h) => ({ category: h.category, evidence: clean(h.text), line: h.line })),
  };
  if (module) result.module = module;
  if (version) result.version = version;
  result.rule = main.rule.id;
  if (confidence < UNSURE || (main.alternative && confidence < SURE)) {
    // Weak evidence, or a message with a known opposite cause: name the runner-up (that other cause,
    // else the next cause in the log).
    const runnerUp = main.alternative ?? ranked.find((h) => h.category !== main.category)?.category;
    const rest = runnerUp ? [{ category: runnerUp, confidence: Math.round((1 - confidence) * 100) / 100 }] : [];
    result.candidates = candidatesFrom([{ category: main.category, confidence }, ...rest], { ecosystem, module, version });
    if (runnerUp && runnerUp !== main.category && runnerUp !== 'unknown') {
      // What to do if it is the other one: the same evidence read for that cause (its own lines when the log has them).
      const otherHits = all.filter((h) => h.category === runnerUp && !h.warning);
      const otherDetails = detailsFor(runnerUp, [...otherHits.slice(0, 10).map((h) => h.text), ...evidence, ...mainHits.slice(0, 10).map((h) => h.text)]);
      if (ecosystem === 'npm') addNpmDetails(otherDetails, scan);
      result.otherFix = fixFor({ category: runnerUp, ecosystem, module, version, details: otherDetails });
    }
  }
  return result;
}

/** The npm-family tool, and the registry the log names elsewhere (a request URL, registry=, a 401's realm) when the evidence has none. */
function addNpmDetails(details: Record<string, string | undefined>, scan: Scanner): void {
  details['jsTool'] = jsToolOf(scan);
  const named = [...scan.npmRegistries, ...scan.configRegistries];
  details['registry'] ??= named.find((r) => !NPM_REGISTRY.test(r)) ?? named[0];
  if (!details['host'] && details['registry']) details['host'] = /^\/\/([^/]+)/.exec(details['registry'])?.[1];
}

/** The npm-family tool that printed most of the log's lines (ties: yarn berry, pnpm, yarn 1, npm). */
function jsToolOf(scan: Scanner): JsTool {
  let best: JsTool = 'npm';
  let most = 0;
  for (const [tool] of JS_TOOL_LINE) {
    const n = scan.jsToolLines.get(tool) ?? 0;
    if (n > most) {
      best = tool;
      most = n;
    }
  }
  return best;
}

/** Below this confidence the answer carries its two most likely categories and what to check. */
const UNSURE = 0.6;
/** Below this, an answer whose message has a known other cause names that cause too. */
const SURE = 0.8;

function candidatesFrom(
  list: Array<{ category: Category; confidence: number }>,
  context: { ecosystem: Ecosystem; module?: string | undefined; version?: string | undefined },
): Array<{ category: Category; confidence: number; check: string }> {
  const seen = new Set<Category>();
  const out: Array<{ category: Category; confidence: number; check: string }> = [];
  for (const c of list) {
    if (seen.has(c.category) || out.length >= 2) continue;
    seen.add(c.category);
    out.push({ ...c, check: whatToCheck(c.category, context) });
  }
  return out;
}

/** go's own error lines (`go: <module>@<version>: <reason>`, `verifying m@v: …`), not its progress lines. */
const GO_ERROR_LINE =
  /^\s*(?:go: (?!downloading |finding |extracting |added |upgraded |downgraded |removed |found |creating |switching to |to add |warning: )\S|verifying \S+@\S+: )/;

function isGoErrorLine(text: string): boolean {
  const start = text.trimStart();
  return (start.startsWith('go: ') || start.startsWith('verifying ')) && GO_ERROR_LINE.test(start);
}

function clean(text: string): string {
  return toEvidence(redactText(text));
}
