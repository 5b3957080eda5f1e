/**
 * Live reachability of the endpoints `go mod download` talks to: every http(s)
 * GOPROXY entry and the checksum database. Each endpoint is probed step by
 * step (DNS, TCP, TLS, HTTP) over raw sockets, once direct and once through
 * the HTTP(S) proxy the go command would pick (proxyForUrl, Go semantics).
 * Through the proxy we send CONNECT ourselves, so "the proxy wants auth",
 * "the proxy refuses this host", "the proxy is down" and "the target is down"
 * come out as different findings instead of one opaque fetch error.
 */
import { X509Certificate } from 'node:crypto';
import { connect as netConnect, isIP, type Socket } from 'node:net';
import {
  connect as tlsConnect,
  createSecureContext,
  getCACertificates,
  rootCertificates,
  type DetailedPeerCertificate,
  type SecureContext,
  type TLSSocket,
} from 'node:tls';
import type { GoEnv } from '../config/env.ts';
import { BuildfixError } from '../errors.ts';
import { lookupAll, type HostsTable } from '../goproxy/hosts-lookup.ts';
import { GoEnvValueError, parseGoproxy, parseGoSumDb } from '../goproxy/parse-goproxy.ts';
import { proxyForUrl } from '../goproxy/proxy-env.ts';
import type { CheckResult, CheckStatus, Finding, FindingCategory, ProgressListener, Severity } from '../report/model.ts';

export interface ProbeTarget {
  /** A GOPROXY entry, or the checksum database (GOSUMDB). */
  kind: 'goproxy' | 'sumdb';
  /** Base URL, e.g. "https://proxy.golang.org" or "https://sum.golang.org". */
  url: string;
  /** Path for the HTTP step. Default: "/" for a GOPROXY, "/latest" for the checksum DB. */
  path?: string;
}

export interface ProbeOptions {
  goEnv: GoEnv;
  /** Budget per endpoint and route; every step gets what is left of it. */
  timeoutMs: number;
  signal?: AbortSignal;
  onProgress?: ProgressListener;
  /** Extra trusted root certificates (PEM), as SSL_CERT_FILE adds them for go on this host. */
  extraCaPem?: string[];
  /** Static name → address entries answered before DNS ("" = no such host), as HttpClient's `hosts`. */
  hosts?: HostsTable;
}

/** GOPROXY http(s) entries (up to direct/off) and the checksum DB unless GOSUMDB=off. */
export function probeTargetsFromGoEnv(goEnv: GoEnv): ProbeTarget[] {
  const targets: ProbeTarget[] = [];
  for (const entry of parseGoproxy(goEnv.GOPROXY)) {
    if (entry.kind === 'url' && /^https?:\/\//i.test(entry.url)) targets.push({ kind: 'goproxy', url: entry.url });
  }
  // A GOSUMDB go cannot parse names no endpoint to probe (the proxy-env lint reports it).
  let sumDb;
  try {
    sumDb = parseGoSumDb(goEnv.GOSUMDB);
  } catch (err) {
    if (!(err instanceof GoEnvValueError)) throw err;
  }
  if (sumDb) targets.push({ kind: 'sumdb', url: sumDb.url });
  return targets;
}

// ---------------------------------------------------------------------------
// Small wire helpers

type Stage = 'proxy-dns' | 'proxy-tcp' | 'proxy-tls' | 'connect' | 'dns' | 'tcp' | 'tls' | 'http';

interface Budget {
  end: number;
  timeoutMs: number;
  signal: AbortSignal | undefined;
}

interface Head {
  status: number;
  reason: string;
  headers: Record<string, string>;
}

interface Handshake {
  socket: TLSSocket;
  authorized: boolean;
  authorizationError: string | undefined;
  cert: DetailedPeerCertificate | undefined;
}

/** Public endpoints: a chain that does not end in a public root means a TLS inspection box re-signed it. */
const PUBLIC_TLS_HOSTS = new Set(['proxy.golang.org', 'sum.golang.org', 'sum.golang.google.cn', 'goproxy.io', 'goproxy.cn', 'proxy.golang.com.cn']);

function stepError(code: string, message: string, cause?: unknown): BuildfixError {
  return new BuildfixError(code === 'ETIMEOUT' ? 'BF_TIMEOUT' : 'BF_UPSTREAM', message, { cause, details: { code } });
}

function errCode(err: unknown): string {
  if (err instanceof BuildfixError) return String(err.details.code ?? err.code);
  const code = (err as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' ? code : 'UNKNOWN';
}

function errText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function since(t0: number): number {
  return Math.round(performance.now() - t0);
}

// One wire step under what is left of the budget: resolves, rejects, or times out and tears down.
function runStep<T>(budget: Budget, start: (resolve: (v: T) => void, reject: (e: unknown) => void) => () => void): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const allowed = Math.max(0, budget.end - performance.now());
    let settled = false;
    let cleanup: () => void = () => {};
    const finish = (fn: () => void): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      budget.signal?.removeEventListener('abort', onAbort);
      fn();
    };
    const onAbort = (): void =>
      finish(() => {
        cleanup();
        reject(budget.signal?.reason ?? stepError('EABORTED', 'cancelled'));
      });
    const timer = setTimeout(
      () =>
        finish(() => {
          cleanup();
          reject(stepError('ETIMEOUT', `timed out after ${budget.timeoutMs} ms`));
        }),
      allowed,
    );
    if (budget.signal?.aborted) {
      onAbort();
      return;
    }
    budget.signal?.addEventListener('abort', onAbort, { once: true });
    cleanup = start(
      (v) => finish(() => resolve(v)),
      (e) =>
        finish(() => {
          cleanup();
          reject(e);
        }),
    );
  });
}

function resolveHost(budget: Budget, host: string, hosts: HostsTable | undefined): Promise<string[]> {
  return runStep<string[]>(budget, (resolve, reject) => {
    lookupAll(host, hosts).then(
      (addrs) => (addrs.length > 0 ? resolve(addrs.map((a) => a.address)) : reject(stepError('ENOTFOUND', `${host} has no addresses`))),
      reject,
    );
    return () => {};
  });
}

function connectTcp(budget: Budget, sockets: Set<Socket>, address: string, port: number): Promise<Socket> {
  return runStep<Socket>(budget, (resolve, reject) => {
    const socket = netConnect({ host: address, port });
    sockets.add(socket);
    // Errors are observed by the step that is waiting; this keeps late ones from crashing the process.
    socket.on('error', () => {});
    socket.once('connect', () => {
      socket.removeListener('error', reject);
      resolve(socket);
    });
    socket.once('error', reject);
    return () => socket.destroy();
  });
}

// Tries each resolved address in turn (what Go's dialer does when one refuses), within the budget.
async function connectAny(budget: Budget, sockets: Set<Socket>, addresses: string[], port: number): Promise<Socket> {
  let last: unknown;
  for (const address of addresses) {
    try {
      return await connectTcp(budget, sockets, address, port);
    } catch (err) {
      last = err;
      if (errCode(err) === 'ETIMEOUT' || budget.signal?.aborted) throw err;
    }
  }
  throw last ?? stepError('ENOTFOUND', 'no address to connect to');
}

function handshake(budget: Budget, sockets: Set<Socket>, socket: Socket, host: string, secureContext: SecureContext): Promise<Handshake> {
  return runStep<Handshake>(budget, (resolve, reject) => {
    const tls = tlsConnect({
      socket,
      host,
      ...(isIP(host) ? {} : { servername: host }),
      secureContext,
      // Verification is judged below so the presented certificate can be named in the finding.
      rejectUnauthorized: false,
      ALPNProtocols: ['http/1.1'],
    });
    sockets.add(tls);
    tls.on('error', () => {});
    tls.once('secureConnect', () => {
      tls.removeListener('error', reject);
      const cert = tls.getPeerCertificate(true);
      const authError = tls.authorizationError as unknown;
      resolve({
        socket: tls,
        authorized: tls.authorized,
        authorizationError: authError === undefined || authError === null ? undefined : String((authError as { code?: string }).code ?? authError),
        cert: cert && Object.keys(cert).length > 0 ? cert : undefined,
      });
    });
    tls.once('error', reject);
    return () => tls.destroy();
  });
}

// Reads one HTTP response head (status line + headers) and leaves the socket paused after it.
function readHead(budget: Budget, socket: Socket, request: string): Promise<Head> {
  return runStep<Head>(budget, (resolve, reject) => {
    let buffered = Buffer.alloc(0);
    const detach = (): void => {
      socket.removeListener('data', onData);
      socket.removeListener('end', onEnd);
      socket.removeListener('close', onEnd);
      socket.removeListener('error', onError);
      socket.pause();
    };
    const onData = (chunk: Buffer): void => {
      buffered = Buffer.concat([buffered, chunk]);
      const end = buffered.indexOf('\r\n\r\n');
      if (end < 0) {
        if (buffered.length > 65536) {
          detach();
          reject(stepError('EBADHEAD', 'sent more than 64 KiB without ending the response head'));
        }
        return;
      }
      detach();
      const rest = buffered.subarray(end + 4);
      if (rest.length > 0) socket.unshift(rest);
      const lines = buffered.subarray(0, end).toString('latin1').split('\r\n');
      const m = /^HTTP\/\d(?:\.\d)?\s+(\d{3})\s*(.*)$/.exec(lines[0] ?? '');
      if (!m) {
        reject(stepError('EBADHEAD', `answered with something that is not HTTP: ${JSON.stringify((lines[0] ?? '').slice(0, 60))}`));
        return;
      }
      const headers: Record<string, string> = {};
      for (const line of lines.slice(1)) {
        const colon = line.indexOf(':');
        if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
      }
      resolve({ status: Number(m[1]), reason: m[2] ?? '', headers });
    };
    const onEnd = (): void => {
      detach();
      reject(
        stepError(
          'ECLOSED',
          buffered.length > 0 ? 'closed the connection in the middle of the response head' : 'closed the connection without an HTTP response',
        ),
      );
    };
    const onError = (err: unknown): void => {
      detach();
      reject(err);
    };
    socket.on('data', onData);
    socket.once('end', onEnd);
    socket.once('close', onEnd);
    socket.once('error', onError);
    socket.resume();
    socket.write(request);
    return () => {
      detach();
      socket.destroy();
    };
  });
}

function basicAuth(url: URL): string | undefined {
  if (!url.username && !url.password) return undefined;
  const user = decodeURIComponent(url.username);
  const pass = decodeURIComponent(url.password);
  return `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`;
}

function defaultPort(url: URL): number {
  return Number(url.port || (url.protocol === 'https:' ? 443 : 80));
}

function bareHost(url: URL): string {
  return url.hostname.replace(/^\[|\]$/g, '');
}

/** The URL as text with any password (or token-only user) masked; safe for ids and messages. */
function displayUrl(url: URL): string {
  const auth = url.username || url.password ? (url.password ? `${decodeURIComponent(url.username)}:***@` : '***@') : '';
  const path = url.pathname === '/' ? '' : url.pathname.replace(/\/$/, '');
  return `${url.protocol}//${auth}${url.host}${path}`;
}

function formatName(name: unknown): string {
  if (!name || typeof name !== 'object') return '(unknown)';
  const parts: string[] = [];
  const record = name as Record<string, string | string[] | undefined>;
  for (const key of ['CN', 'O', 'OU']) {
    const v = record[key];
    if (v !== undefined) parts.push(`${key}=${Array.isArray(v) ? v.join('+') : v}`);
  }
  return parts.length > 0 ? parts.join(', ') : '(empty name)';
}

function certChain(cert: DetailedPeerCertificate): X509Certificate[] {
  const out: X509Certificate[] = [];
  const seen = new Set<string>();
  let cur: DetailedPeerCertificate | undefined = cert;
  while (cur?.raw && !seen.has(cur.fingerprint256)) {
    seen.add(cur.fingerprint256);
    out.push(new X509Certificate(cur.raw));
    cur = cur.issuerCertificate;
  }
  return out;
}

let bundledRoots: X509Certificate[] | undefined;

/** True when the presented chain ends in (or under) a root of Node's bundled Mozilla store, i.e. not re-signed by a private CA. */
export function chainsToPublicRoot(cert: DetailedPeerCertificate): boolean {
  bundledRoots ??= rootCertificates.map((pem) => new X509Certificate(pem));
  const chain = certChain(cert);
  const top = chain[chain.length - 1];
  if (!top) return false;
  return bundledRoots.some((root) => root.fingerprint256 === top.fingerprint256 || (top.checkIssued(root) && top.verify(root.publicKey)));
}

let systemContext: SecureContext | undefined;

// The go command trusts the system store (or SSL_CERT_FILE); Node's bundled list would give false alarms.
function trustContext(extraCaPem: string[] | undefined): SecureContext {
  const extra = extraCaPem ?? [];
  if (extra.length === 0 && systemContext) return systemContext;
  let roots = getCACertificates('system');
  if (roots.length === 0) roots = getCACertificates('default');
  const ctx = createSecureContext({ ca: [...roots, ...extra] });
  if (extra.length === 0) systemContext = ctx;
  return ctx;
}

// ---------------------------------------------------------------------------
// Probing one route

type Route = { kind: 'direct' } | { kind: 'via-proxy'; proxy: URL; variable: string };

interface RouteOutcome {
  steps: string[];
  findings: Finding[];
  status?: number;
  /** The trusted certificate the endpoint presented (https only). */
  cert?: { validTo: string; subject: string; issuer: string };
}

interface Ctx {
  budget: Budget;
  /** Built on first use: loading the system CA store costs ~50 ms of blocked event loop. */
  secureContext: () => SecureContext;
  hosts: HostsTable | undefined;
}

interface TargetInfo {
  kind: ProbeTarget['kind'];
  url: URL;
  path: string;
  label: string;
}

function targetCategory(t: TargetInfo): FindingCategory {
  return t.kind === 'sumdb' ? 'sumdb-unreachable' : 'proxy-unreachable';
}

function targetNoun(t: TargetInfo): string {
  return t.kind === 'sumdb' ? `the checksum database ${t.label}` : `the module proxy ${t.label}`;
}

function describeErrno(code: string, fallback: string): string {
  switch (code) {
    case 'ENOTFOUND':
      return 'the name does not resolve (ENOTFOUND)';
    case 'EAI_AGAIN':
      return 'no DNS server answered (EAI_AGAIN)';
    case 'ECONNREFUSED':
      return 'connection refused';
    case 'ECONNRESET':
      return 'connection reset';
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return `network unreachable (${code})`;
    case 'ETIMEDOUT':
      return 'timed out (ETIMEDOUT)';
    default:
      return fallback;
  }
}

function targetFix(t: TargetInfo, route: Route, stage: Stage): string {
  if (route.kind === 'via-proxy') {
    return t.kind === 'sumdb'
      ? `Ask the proxy team to allow ${t.url.host}, or set GOSUMDB to a checksum-DB mirror the proxy can reach (GOSUMDB="sum.golang.org <mirror>/sumdb/sum.golang.org", with a mirror from buildfix's mirrors: config); list private modules in GONOSUMDB.`
      : `Ask the proxy team why ${t.url.host} is unreachable from the proxy, or point GOPROXY at a mirror it can reach (the company proxy, or https://proxy.golang.org,direct).`;
  }
  const how =
    stage === 'dns'
      ? `Check the agent's DNS (/etc/resolv.conf, nslookup ${bareHost(t.url)}); if this network reaches the internet only through a proxy, set HTTPS_PROXY (and HTTP_PROXY) for the build`
      : `Check egress firewall rules from this agent to ${t.url.host}; if this network reaches the internet only through a proxy, set HTTPS_PROXY for the build`;
  return t.kind === 'sumdb'
    ? `${how}, or set GOSUMDB to a reachable mirror (GOSUMDB="sum.golang.org https://<mirror>/sumdb/sum.golang.org"); list private modules in GONOSUMDB.`
    : `${how}, or point GOPROXY at a reachable mirror (the company proxy, or https://proxy.golang.org,direct).`;
}

function proxyLabel(route: Route): string {
  return route.kind === 'via-proxy' ? `${displayUrl(route.proxy)} (${route.variable})` : '';
}

const STAGE_LABEL: Record<Stage, string> = {
  'proxy-dns': 'proxy DNS',
  'proxy-tcp': 'proxy TCP',
  'proxy-tls': 'proxy TLS',
  connect: 'CONNECT',
  dns: 'DNS',
  tcp: 'TCP',
  tls: 'TLS',
  http: 'HTTP',
};

// A failure on a wire step → the finding, distinguishing the proxy hop from the target.
function failureFinding(t: TargetInfo, route: Route, stage: Stage, err: unknown): Finding {
  const code = errCode(err);
  const why = describeErrno(code, errText(err));
  const via = proxyLabel(route);
  if (route.kind === 'via-proxy' && (stage === 'proxy-dns' || stage === 'proxy-tcp' || stage === 'proxy-tls' || stage === 'connect')) {
    const proxyUrl = route.proxy;
    const what =
      stage === 'proxy-dns'
        ? `the proxy host ${bareHost(proxyUrl)} does not resolve: ${why}`
        : stage === 'proxy-tcp'
          ? `connecting to the proxy ${proxyUrl.host} failed: ${why}`
          : stage === 'proxy-tls'
            ? `the TLS handshake with the proxy ${proxyUrl.host} failed: ${why}`
            : `the proxy ${proxyUrl.host} did not answer CONNECT ${t.url.hostname}:${defaultPort(t.url)}: ${why}`;
    return {
      category: 'corporate-proxy',
      severity: 'error',
      message: `The HTTP proxy the go command uses for ${t.label} is down or unreachable: ${what}.`,
      evidence: `${via}: ${STAGE_LABEL[stage]} ${code}`,
      fix: `Check that ${route.variable} names the right proxy host and port and that the proxy is running; if ${t.url.hostname} should not go through the proxy, add it to NO_PROXY.`,
    };
  }
  const hostPort = `${bareHost(t.url)}:${defaultPort(t.url)}`;
  let what: string;
  if (stage === 'dns') what = `DNS lookup of ${bareHost(t.url)} failed: ${why}`;
  else if (stage === 'tcp')
    what = code === 'ETIMEOUT' ? `TCP connect to ${hostPort} ${why}: a firewall is probably dropping the packets` : `TCP connect to ${hostPort} failed: ${why}`;
  else if (stage === 'tls') what = `the TLS handshake with ${hostPort} failed: ${why}${code === 'ECONNRESET' ? ' (a firewall filtering by server name?)' : ''}`;
  else what = code === 'ETIMEOUT' ? `${hostPort} accepted the connection but sent no HTTP response: ${why}` : `${hostPort} ${why}`;
  return {
    category: targetCategory(t),
    severity: 'error',
    message: `${capitalize(targetNoun(t))} is unreachable${route.kind === 'via-proxy' ? ' through the proxy' : ''}: ${what}.`,
    evidence: `${route.kind === 'via-proxy' ? `via ${via}: ` : 'direct: '}${STAGE_LABEL[stage]} ${code}${code === 'ETIMEOUT' ? '' : ` (${errText(err).slice(0, 160)})`}`,
    fix: targetFix(t, route, stage),
  };
}

function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

// The CONNECT reply (or, for http targets, the proxy's own status) → a finding when it is not a tunnel.
function connectFinding(t: TargetInfo, route: Route & { kind: 'via-proxy' }, head: Head, request = 'CONNECT'): Finding {
  const via = proxyLabel(route);
  const hostPort = `${bareHost(t.url)}:${defaultPort(t.url)}`;
  const evidence = `${request === 'CONNECT' ? `CONNECT ${hostPort}` : `${request}`} via ${via} → ${head.status} ${head.reason}${head.headers['proxy-authenticate'] ? `; Proxy-Authenticate: ${head.headers['proxy-authenticate'].split(/[\s,]/)[0]}` : ''}`;
  if (head.status === 407) {
    const scheme = (head.headers['proxy-authenticate'] ?? '').split(/[\s,]/)[0] ?? '';
    const hasCreds = Boolean(route.proxy.username || route.proxy.password);
    const spnego = /^(negotiate|ntlm|kerberos)$/i.test(scheme);
    return {
      category: 'corporate-proxy',
      severity: 'error',
      message: hasCreds
        ? `The proxy rejects the credentials in ${route.variable} (407 Proxy Authentication Required) for ${t.label}.`
        : `The proxy requires authentication (407 Proxy Authentication Required) and ${route.variable} carries no credentials.`,
      evidence,
      fix: spnego
        ? `The proxy asks for ${scheme}, which the go command cannot do (it only sends Basic credentials from the proxy URL): run a local authenticating relay (cntlm, px) and point ${route.variable} at it, or have the agent's address exempted from proxy authentication.`
        : `Put the agent's proxy account in ${route.variable} as http://user:password@host:port (URL-encode special characters; keep it in the CI secret store), or have the agent's address exempted from proxy authentication.`,
    };
  }
  if (head.status === 502 || head.status === 503 || head.status === 504) {
    return {
      category: targetCategory(t),
      severity: 'error',
      message: `${capitalize(targetNoun(t))} is unreachable from the proxy: the proxy answered ${head.status} ${head.reason} to CONNECT ${hostPort}.`,
      evidence,
      fix: targetFix(t, route, 'connect'),
    };
  }
  return {
    category: 'corporate-proxy',
    severity: 'error',
    message: `The proxy refuses to tunnel to ${hostPort} (HTTP ${head.status} ${head.reason}): ${t.url.hostname} is not allowed through it.`,
    evidence,
    fix: `Ask the proxy team to allow CONNECT to ${hostPort} for the build agents, or add ${t.url.hostname} to NO_PROXY if the agent may reach it directly.`,
  };
}

// The target's HTTP status → findings (none when the endpoint looks healthy).
function statusFindings(t: TargetInfo, route: Route, head: Head, elapsed: number): Finding[] {
  const s = head.status;
  const evidence = `${route.kind === 'via-proxy' ? `via ${proxyLabel(route)}: ` : 'direct: '}GET ${displayUrl(t.url)}${t.path === '/' ? '/' : t.path} → ${s} ${head.reason} in ${elapsed} ms`;
  if (s === 429) {
    return [
      {
        category: 'rate-limited',
        severity: 'warning',
        message: `${capitalize(targetNoun(t))} is rate-limiting this agent (HTTP 429).`,
        evidence: `${evidence}${head.headers['retry-after'] ? `; Retry-After: ${head.headers['retry-after']}` : ''}`,
        fix: 'Reduce parallel builds hitting it from one address, keep the module cache between builds, or use a caching proxy (Athens, Artifactory) in front of it.',
      },
    ];
  }
  if (s === 407) {
    return [
      {
        category: 'corporate-proxy',
        severity: 'error',
        message: `A transparent proxy between this agent and ${t.label} demands authentication (HTTP 407).`,
        evidence,
        fix: 'Configure HTTPS_PROXY with the proxy account (http://user:password@host:port) or have the agent exempted from proxy authentication.',
      },
    ];
  }
  if (s === 401 || s === 403) {
    return [
      {
        category: 'private-module-auth',
        severity: 'warning',
        message: `${capitalize(targetNoun(t))} answers ${s} without credentials: downloads need a login the go command takes from .netrc (or GOAUTH).`,
        evidence,
        fix: `Add a "machine ${bareHost(t.url)} login … password …" entry to the build user's ~/.netrc (or set GOAUTH), or put the credentials in the GOPROXY URL from the CI secret store.`,
      },
    ];
  }
  if (s >= 500) {
    return [
      {
        category: targetCategory(t),
        severity: 'error',
        message: `${capitalize(targetNoun(t))} is failing: HTTP ${s} ${head.reason}.`,
        evidence,
        fix:
          t.kind === 'sumdb'
            ? 'Retry later or set GOSUMDB to a mirror; list private modules in GONOSUMDB.'
            : `Retry later, or put a fallback after it in GOPROXY with "|" (e.g. ${displayUrl(t.url)}|https://proxy.golang.org,direct).`,
      },
    ];
  }
  if (t.kind === 'sumdb' && (s === 404 || s === 410)) {
    return [
      {
        category: 'sumdb-unreachable',
        severity: 'error',
        message: `${t.label} has no ${t.path} (HTTP ${s}): it is not a checksum database.`,
        evidence,
        fix: 'Fix GOSUMDB: "sum.golang.org" (default), "<name> <url-of-a-sumdb-mirror>", or off only for fully private builds.',
      },
    ];
  }
  return [];
}

function trustFinding(t: TargetInfo, route: Route, h: Handshake): Finding {
  const code = h.authorizationError ?? 'UNTRUSTED';
  const issuer = formatName(h.cert?.issuer);
  const subject = formatName(h.cert?.subject);
  const issuerCn = (h.cert?.issuer as Record<string, string> | undefined)?.CN ?? issuer;
  const altName = code === 'ERR_TLS_CERT_ALTNAME_INVALID' || code === 'HOSTNAME_MISMATCH';
  const expired = code === 'CERT_HAS_EXPIRED' || code === 'CERT_NOT_YET_VALID';
  const what = altName
    ? `the certificate presented for ${t.url.hostname} (issuer ${issuer}) does not name that host (${code})`
    : expired
      ? `the certificate presented for ${t.url.hostname} by issuer ${issuer} is ${code === 'CERT_HAS_EXPIRED' ? 'expired' : 'not yet valid'} (${code})`
      : `the certificate presented for ${t.url.hostname} is issued by ${issuer}, which this host does not trust (${code})`;
  return {
    category: 'tls-interception',
    severity: 'error',
    message: `TLS to ${t.label}${route.kind === 'via-proxy' ? ' through the proxy' : ''} is intercepted or broken: ${what}.`,
    evidence: `${route.kind === 'via-proxy' ? `via ${proxyLabel(route)}: ` : 'direct: '}subject ${subject} · issuer ${issuer}${h.cert?.valid_to ? ` · valid to ${h.cert.valid_to}` : ''}${h.cert?.fingerprint256 ? ` · sha256 ${h.cert.fingerprint256.slice(0, 23)}…` : ''}`,
    fix: `If "${issuerCn}" is your company's TLS inspection CA, install its root certificate on the agent (copy it to /usr/local/share/ca-certificates/ and run update-ca-certificates; go reads the system store or SSL_CERT_FILE), or ask the security team to exempt ${t.url.hostname} from inspection. Do not work around it with GOINSECURE or GOSUMDB=off.`,
  };
}

function requestText(t: TargetInfo, absoluteForm: boolean, proxyAuth: string | undefined): string {
  const target = absoluteForm ? `${t.url.protocol}//${t.url.host}${t.path}` : t.path;
  const auth = basicAuth(t.url);
  return (
    `GET ${target} HTTP/1.1\r\nHost: ${t.url.host}\r\nUser-Agent: buildfix-probe (Go-http-client compatible)\r\nAccept: */*\r\nConnection: close\r\n` +
    (auth ? `Authorization: ${auth}\r\n` : '') +
    (proxyAuth ? `Proxy-Authorization: ${proxyAuth}\r\n` : '') +
    '\r\n'
  );
}

async function probeRoute(t: TargetInfo, route: Route, ctx: Ctx): Promise<RouteOutcome> {
  const { budget } = ctx;
  const sockets = new Set<Socket>();
  const steps: string[] = [];
  const findings: Finding[] = [];
  let certificate: RouteOutcome['cert'];
  let stage: Stage = route.kind === 'via-proxy' ? 'proxy-dns' : 'dns';
  let stageStarted = performance.now();
  const begin = (s: Stage): void => {
    stage = s;
    stageStarted = performance.now();
  };
  try {
    let socket: Socket;
    let absoluteForm = false;
    let proxyAuth: string | undefined;
    if (route.kind === 'via-proxy') {
      const proxy = route.proxy;
      const proxyHost = bareHost(proxy);
      begin('proxy-dns');
      const addrs = isIP(proxyHost) ? [proxyHost] : await resolveHost(budget, proxyHost, ctx.hosts);
      if (!isIP(proxyHost)) steps.push(`proxy DNS ${since(stageStarted)} ms`);
      begin('proxy-tcp');
      socket = await connectAny(budget, sockets, addrs, defaultPort(proxy));
      steps.push(`proxy TCP ${since(stageStarted)} ms`);
      if (proxy.protocol === 'https:') {
        begin('proxy-tls');
        const h = await handshake(budget, sockets, socket, proxyHost, ctx.secureContext());
        if (!h.authorized)
          throw stepError(
            h.authorizationError ?? 'UNTRUSTED',
            `the proxy's certificate (issuer ${formatName(h.cert?.issuer)}) is not trusted: ${h.authorizationError ?? 'untrusted'}`,
          );
        steps.push(`proxy TLS ${since(stageStarted)} ms`);
        socket = h.socket;
      }
      proxyAuth = basicAuth(proxy);
      if (t.url.protocol === 'https:') {
        begin('connect');
        const hostPort = `${t.url.hostname}:${defaultPort(t.url)}`;
        const head = await readHead(
          budget,
          socket,
          `CONNECT ${hostPort} HTTP/1.1\r\nHost: ${hostPort}\r\nUser-Agent: buildfix-probe\r\n${proxyAuth ? `Proxy-Authorization: ${proxyAuth}\r\n` : ''}\r\n`,
        );
        steps.push(`CONNECT ${head.status} in ${since(stageStarted)} ms`);
        if (head.status < 200 || head.status > 299) {
          findings.push(connectFinding(t, route, head));
          return { steps, findings };
        }
        proxyAuth = undefined;
      } else {
        // Go sends plain-http requests to an HTTP proxy in absolute form, not through a tunnel.
        absoluteForm = true;
      }
    } else {
      const host = bareHost(t.url);
      begin('dns');
      const addrs = isIP(host) ? [host] : await resolveHost(budget, host, ctx.hosts);
      steps.push(isIP(host) ? 'DNS n/a (IP)' : `DNS ${since(stageStarted)} ms`);
      begin('tcp');
      socket = await connectAny(budget, sockets, addrs, defaultPort(t.url));
      steps.push(`TCP ${since(stageStarted)} ms`);
    }
    if (t.url.protocol === 'https:') {
      begin('tls');
      const h = await handshake(budget, sockets, socket, bareHost(t.url), ctx.secureContext());
      steps.push(`TLS ${since(stageStarted)} ms`);
      if (!h.authorized) {
        // Any verification failure (unknown issuer, expired, wrong name) is reported with the presented certificate.
        findings.push(trustFinding(t, route, h));
        steps[steps.length - 1] = `TLS untrusted (${h.authorizationError ?? 'unverified'})`;
        return { steps, findings };
      }
      if (h.cert && PUBLIC_TLS_HOSTS.has(bareHost(t.url)) && !chainsToPublicRoot(h.cert)) {
        findings.push({
          category: 'tls-interception',
          severity: 'info',
          message: `TLS to ${t.label} is re-signed by ${formatName(h.cert.issuer)}, a CA this host trusts but no public one: a TLS inspection proxy sits in the path. Agents or containers without that CA will fail.`,
          evidence: `issuer ${formatName(h.cert.issuer)} · subject ${formatName(h.cert.subject)}`,
          fix: 'Make sure every agent image and build container carries the inspection CA, or have the Go endpoints exempted from inspection.',
        });
      }
      socket = h.socket;
      if (h.cert?.valid_to) certificate = { validTo: h.cert.valid_to, subject: formatName(h.cert.subject), issuer: formatName(h.cert.issuer) };
    }
    begin('http');
    const head = await readHead(budget, socket, requestText(t, absoluteForm, proxyAuth));
    const elapsed = since(stageStarted);
    steps.push(`HTTP ${head.status} in ${elapsed} ms`);
    if (absoluteForm && route.kind === 'via-proxy' && head.status === 407) {
      findings.push(connectFinding(t, route, head, `GET ${t.url.protocol}//${t.url.host}${t.path}`));
    } else {
      findings.push(...statusFindings(t, route, head, elapsed));
    }
    return { steps, findings, status: head.status, ...(certificate ? { cert: certificate } : {}) };
  } catch (err) {
    if (budget.signal?.aborted) throw budget.signal.reason ?? err;
    const code = errCode(err);
    steps.push(
      code === 'ETIMEOUT'
        ? `${STAGE_LABEL[stage]} timed out after ${since(stageStarted)} ms`
        : `${STAGE_LABEL[stage]} ${describeErrno(code, errText(err).slice(0, 80))}`,
    );
    findings.push(failureFinding(t, route, stage, err));
    return { steps, findings };
  } finally {
    // Outermost first: destroying a raw socket under a live TLSSocket crashes Node 24 (SIGSEGV).
    for (const s of [...sockets].reverse()) s.destroy();
  }
}

// ---------------------------------------------------------------------------
// The exported probe

function toTargetInfo(target: ProbeTarget): TargetInfo | undefined {
  if (typeof target.url !== 'string') return undefined;
  let url: URL;
  try {
    url = new URL(target.url);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
  const basePath = url.pathname.replace(/\/+$/, '');
  const path = `${basePath}${target.path ?? (target.kind === 'sumdb' ? '/latest' : '/')}`;
  return { kind: target.kind, url, path, label: url.host };
}

function downgrade(f: Finding): Finding {
  return { ...f, severity: 'info', message: `${f.message} (Informative: the go command does not take this route.)` };
}

// Judged on the findings as the route's own (before an informative route is downgraded to info).
function statusOf(findings: Finding[], used: boolean): CheckStatus {
  if (findings.some((f) => f.severity === 'error')) return used ? 'fail' : 'warn';
  if (findings.some((f) => f.severity === 'warning')) return 'warn';
  return 'pass';
}

function severityOrder(s: Severity): number {
  return s === 'error' ? 0 : s === 'warning' ? 1 : 2;
}

/** The variable the go command took the proxy from: uppercase first, empty values skipped. */
function proxyVariable(goEnv: GoEnv, url: URL): string {
  const keys = url.protocol === 'https:' ? (['HTTPS_PROXY', 'https_proxy'] as const) : (['HTTP_PROXY', 'http_proxy'] as const);
  return keys.find((k) => (goEnv[k] ?? '') !== '') ?? keys[0];
}

// cmd/go sumdb.go dbDial: before going direct, each GOPROXY URL is asked for /sumdb/<name>/supported.
async function sumdbRelay(goEnv: GoEnv, name: string, ctx: Ctx): Promise<string | undefined> {
  let chain;
  try {
    chain = parseGoproxy(goEnv.GOPROXY);
  } catch {
    return undefined;
  }
  for (const entry of chain) {
    if (entry.kind !== 'url') return undefined;
    const info = toTargetInfo({ kind: 'goproxy', url: entry.url, path: `/sumdb/${name}/supported` });
    if (!info) return undefined;
    const decision = proxyForUrl(info.url, goEnv);
    const route: Route =
      decision.proxy && /^https?:$/.test(decision.proxy.protocol)
        ? { kind: 'via-proxy', proxy: decision.proxy, variable: proxyVariable(goEnv, info.url) }
        : { kind: 'direct' };
    if (decision.proxy === undefined && decision.reason !== 'none' && decision.reason !== 'NO_PROXY' && decision.reason !== 'loopback') return undefined;
    const outcome = await probeRoute(info, route, ctx);
    if (outcome.status === 200) return `${displayUrl(info.url)}/sumdb/${name}`;
    if (outcome.status !== 404 && outcome.status !== 410) return undefined;
  }
  return undefined;
}

/**
 * Probe each endpoint direct and, when the go command would use one, through
 * the HTTP(S) proxy. The route go takes is marked in the title; failures on
 * the other route are informative (severity info).
 */
export async function probeEndpoints(endpoints: ProbeTarget[], opts: ProbeOptions): Promise<CheckResult[]> {
  const secureContext = (): SecureContext => trustContext(opts.extraCaPem);
  const emit = opts.onProgress ?? (() => {});
  let sumDbName: string | undefined;
  try {
    const db = parseGoSumDb(opts.goEnv.GOSUMDB);
    if (db && !db.explicitUrl) sumDbName = db.name;
  } catch {
    sumDbName = undefined;
  }

  const perTarget = endpoints.map(async (target): Promise<CheckResult[]> => {
    const info = toTargetInfo(target);
    if (!info) {
      return [
        {
          id: `probe:${target.kind}:${String(target.url)}`,
          title: `${target.kind === 'sumdb' ? 'checksum DB' : 'GOPROXY'} ${String(target.url)}`,
          status: 'skip',
          durationMs: 0,
          detail: 'not an http(s) URL; nothing to probe',
          findings: [],
        },
      ];
    }
    const decision = proxyForUrl(info.url, opts.goEnv);
    const variable = proxyVariable(opts.goEnv, info.url);
    const routes: Array<{ route: Route | 'unusable' | 'socks'; used: boolean; idRoute: 'direct' | 'via-proxy' }> = [];
    if (decision.proxy && /^https?:$/.test(decision.proxy.protocol)) {
      routes.push({ route: { kind: 'direct' }, used: false, idRoute: 'direct' });
      routes.push({ route: { kind: 'via-proxy', proxy: decision.proxy, variable }, used: true, idRoute: 'via-proxy' });
    } else if (decision.proxy) {
      routes.push({ route: { kind: 'direct' }, used: false, idRoute: 'direct' });
      routes.push({ route: 'socks', used: true, idRoute: 'via-proxy' });
    } else if (decision.reason === 'HTTPS_PROXY' || decision.reason === 'HTTP_PROXY') {
      routes.push({ route: { kind: 'direct' }, used: false, idRoute: 'direct' });
      routes.push({ route: 'unusable', used: true, idRoute: 'via-proxy' });
    } else {
      routes.push({ route: { kind: 'direct' }, used: true, idRoute: 'direct' });
    }
    const display = displayUrl(info.url);
    const noun = info.kind === 'sumdb' ? 'checksum DB' : 'GOPROXY';

    return Promise.all(
      routes.map(async ({ route, used, idRoute }): Promise<CheckResult> => {
        const id = `probe:${idRoute}:${display}`;
        const how = idRoute === 'direct' ? 'direct' : `via ${decision.proxy ? displayUrl(decision.proxy) : 'proxy'}`;
        const title = `${noun} ${info.label} ${how} · ${used ? "go's route" : 'informative'}`;
        emit({ check: id, phase: 'start', message: `probing ${info.label} ${how}` });
        const t0 = performance.now();
        let outcome: RouteOutcome;
        if (route === 'socks') {
          outcome = { steps: [`SOCKS proxy ${decision.proxy ? displayUrl(decision.proxy) : ''} not probed`], findings: [] };
        } else if (route === 'unusable') {
          outcome = {
            steps: [`${variable} is not a usable proxy URL`],
            findings: [
              {
                category: 'proxy-config',
                severity: 'error',
                message: `${variable} is set but is not a proxy URL the go command can use, so every request to ${info.label} fails.`,
                evidence: `${variable} is set (see the proxy environment lint for the masked value)`,
                fix: `Set ${variable} to http://host:port (or http://user:password@host:port), or unset it.`,
              },
            ],
          };
        } else {
          const ctx: Ctx = {
            budget: { end: performance.now() + opts.timeoutMs, timeoutMs: opts.timeoutMs, signal: opts.signal },
            secureContext,
            hosts: opts.hosts,
          };
          outcome = await probeRoute(info, route, ctx);
          // The go command reaches the checksum DB through GOPROXY when the proxy relays it.
          if (used && info.kind === 'sumdb' && sumDbName && outcome.findings.some((f) => f.severity === 'error' && f.category !== 'tls-interception')) {
            const relayCtx: Ctx = {
              budget: { end: performance.now() + opts.timeoutMs, timeoutMs: opts.timeoutMs, signal: opts.signal },
              secureContext,
              hosts: opts.hosts,
            };
            const relay = await sumdbRelay(opts.goEnv, sumDbName, relayCtx);
            if (relay) {
              outcome.findings = outcome.findings.map((f) => ({
                ...f,
                severity: 'info' as const,
                message: `${f.message} The go command reaches it through ${relay} instead, so this does not block downloads.`,
              }));
              outcome.steps.push(`relayed by ${relay}`);
            }
          }
        }
        const findings = (used ? outcome.findings : outcome.findings.map(downgrade))
          .map((f) => ({ ...f, check: id }))
          .sort((a, b) => severityOrder(a.severity) - severityOrder(b.severity));
        const status: CheckStatus = route === 'socks' ? 'skip' : statusOf(outcome.findings, used);
        const durationMs = since(t0);
        const detail = outcome.steps.join(' · ');
        emit({ check: id, phase: 'done', message: `${info.label} ${how}: ${detail}`, status, durationMs });
        return { id, title, status, durationMs, detail, findings, ...(outcome.cert ? { tls: outcome.cert } : {}) };
      }),
    );
  });
  const results = (await Promise.all(perTarget)).flat();
  if (opts.signal?.aborted) throw opts.signal.reason ?? new BuildfixError('BF_TIMEOUT', 'network probe cancelled');
  return results;
}
