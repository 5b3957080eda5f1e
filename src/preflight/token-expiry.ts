/**
 * Asks a token's own host when it expires, with one request and no retry
 * (GitHub locks out a client after repeated bad credentials):
 * - GitHub: GET {api}/rate_limit with the token (it does not count against
 *   the rate limit); the `github-authentication-token-expiration` header
 *   says when a PAT with an expiry expires; none means it reported none.
 *   GitHub Enterprise Server answers 404 there when rate limiting is off:
 *   then GET {api}/user once (nothing to count against either).
 * - GitLab: GET {api}/personal_access_tokens/self (GitLab 15.5+) →
 *   `expires_at`, a date (the token stops working at 00:00 UTC that day),
 *   or null.
 * A 401 means the host rejects the token, except from GitLab for a token
 * without the glpat- prefix: GitLab answers 401 to every deploy token (also
 * one with a custom login), so that token cannot be checked. The request goes where go's would
 * (HTTPS_PROXY/NO_PROXY as go reads them), trusts the system roots (and
 * SSL_CERT_FILE) as go does, follows no redirect (the token goes to the
 * configured API only), and has one deadline. Nothing here logs, and the
 * answer carries no part of the token.
 */
import { readFile } from 'node:fs/promises';
import { getCACertificates } from 'node:tls';
import type { GoEnv } from '../config/env.ts';
import { proxyForUrl } from '../goproxy/proxy-env.ts';
import { Agent, ProxyAgent, type Dispatcher } from '../util/undici-dispatchers.ts';
import type { FoundCredential } from './credential-sources.ts';
import { gitlabTokenExpiry, tokenExpiryFromHeaders } from './summarize.ts';
import type { CredentialState } from './types.ts';

export interface AskOptions {
  goEnv: GoEnv;
  /** SSL_CERT_FILE of the worker, as go would add it to the trusted roots. */
  sslCertFile?: string | undefined;
  timeoutMs: number;
  signal?: AbortSignal | undefined;
}

const MAX_BODY_BYTES = 64 * 1024;

async function trustedRoots(sslCertFile: string | undefined): Promise<string[]> {
  let roots = getCACertificates('system');
  if (roots.length === 0) roots = getCACertificates('default');
  if (sslCertFile) {
    try {
      roots = [...roots, await readFile(sslCertFile, 'utf8')];
    } catch {
      // go fails on its own then; the request will say what the host presented.
    }
  }
  return roots;
}

function dispatcherFor(url: URL, options: AskOptions, ca: string[]): Dispatcher {
  const timeouts = { headersTimeout: options.timeoutMs, bodyTimeout: options.timeoutMs, connections: 1, keepAliveTimeout: 1000 };
  const tls = { ca, timeout: options.timeoutMs };
  const proxy = proxyForUrl(url, options.goEnv).proxy;
  if (proxy) return new ProxyAgent({ ...timeouts, uri: proxy.href, requestTls: tls, proxyTls: tls });
  return new Agent({ ...timeouts, connect: tls });
}

function describeFailure(err: unknown, host: string, timeoutMs: number): string {
  const e = err as { name?: string; code?: string; cause?: { code?: string } };
  const code = e.code ?? e.cause?.code;
  if (e.name === 'TimeoutError' || code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT' || code === 'UND_ERR_CONNECT_TIMEOUT')
    return `${host} did not answer within ${timeoutMs < 1000 ? `${timeoutMs} ms` : `${Math.round(timeoutMs / 1000)} s`}`;
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return `${host} does not resolve (DNS)`;
  if (code === 'ECONNREFUSED') return `${host} refused the connection`;
  if (code && /CERT|SSL|TLS|SELF_SIGNED/i.test(code)) return `${host}'s TLS certificate is not trusted here (${code})`;
  return `${host} could not be reached${code ? ` (${code})` : ''}`;
}

async function readCapped(body: AsyncIterable<Buffer>): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) break;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** GitLab's default deploy-token user names: the REST API answers 401 to every deploy token, whatever its state. */
const GITLAB_DEPLOY_TOKEN_LOGIN = /^gitlab\+deploy-token-\d+$/;
/** Deploy tokens made since GitLab 16.7 start with this. */
const GITLAB_DEPLOY_TOKEN_PREFIX = 'gldt-';
/** Personal, project and group access tokens (GitLab 14.5+ default prefix): the only ones whose 401 means rejected. */
const GITLAB_ACCESS_TOKEN_PREFIX = 'glpat-';

const DEPLOY_TOKEN_HINT = "if it is a deploy token, see its expiry under the project's Settings → Repository → Deploy tokens";

/** Asks the host of one credential; the state to record (no token in it). */
export async function askTokenExpiry(cred: FoundCredential, options: AskOptions): Promise<CredentialState> {
  if (
    cred.target.kind === 'gitlab' &&
    ((cred.login !== undefined && GITLAB_DEPLOY_TOKEN_LOGIN.test(cred.login)) || cred.token.reveal().startsWith(GITLAB_DEPLOY_TOKEN_PREFIX))
  ) {
    // Not asked: a 401 would say nothing about it, and alerting on it would be a false alarm.
    return {
      host: cred.target.host,
      source: cred.source,
      kind: 'gitlab',
      api: cred.target.api,
      state: 'error',
      reason: `a GitLab deploy token, which ${cred.target.host}'s API cannot report on`,
      hint: "see its expiry under the project's Settings → Repository → Deploy tokens",
    };
  }
  const first = await askOnce(cred, options, cred.target.kind === 'github' ? 'rate_limit' : 'personal_access_tokens/self');
  if (cred.target.kind === 'github' && first.httpStatus === 404 && new URL(cred.target.api).hostname !== 'api.github.com') {
    return askOnce(cred, options, 'user');
  }
  return first;
}

async function askOnce(cred: FoundCredential, options: AskOptions, endpoint: string): Promise<CredentialState> {
  const { target } = cred;
  const base: CredentialState = { host: target.host, source: cred.source, kind: target.kind, api: target.api, state: 'error' };
  const url = new URL(`${target.api}/${endpoint}`);
  const headers: Record<string, string> =
    target.kind === 'github'
      ? {
          accept: 'application/vnd.github+json',
          'user-agent': 'buildfix',
          'x-github-api-version': '2022-11-28',
          authorization: `Bearer ${cred.token.reveal()}`,
        }
      : { accept: 'application/json', 'user-agent': 'buildfix', 'private-token': cred.token.reveal() };
  const signal = AbortSignal.any([AbortSignal.timeout(options.timeoutMs), ...(options.signal ? [options.signal] : [])]);
  const dispatcher = dispatcherFor(url, options, await trustedRoots(options.sslCertFile));
  try {
    const res = await dispatcher.request({ origin: url.origin, path: `${url.pathname}${url.search}`, method: 'GET', headers, signal });
    const status = res.statusCode;
    let text = '';
    if (status === 200 && target.kind === 'gitlab') text = await readCapped(res.body);
    else await res.body.dump().catch(() => undefined);
    if (status === 401 && target.kind === 'gitlab' && !cred.token.reveal().startsWith(GITLAB_ACCESS_TOKEN_PREFIX)) {
      // GitLab answers 401 to every deploy token (also one with a custom login), so this 401 does not say it was rejected.
      return {
        ...base,
        httpStatus: 401,
        reason: `${url.host} answered 401 to a token that is not a personal, project or group access token (no ${GITLAB_ACCESS_TOKEN_PREFIX} prefix), as GitLab answers every deploy token`,
        hint: `${DEPLOY_TOKEN_HINT}; if it is an access token without the prefix (made before GitLab 14.5, or an instance prefix), it may be revoked: try it with git ls-remote`,
      };
    }
    if (status === 401) return { ...base, state: 'rejected', httpStatus: 401 };
    if (status !== 200) {
      const [why, hint] =
        status >= 300 && status < 400
          ? [
              `redirected (HTTP ${status}); not followed, the token is only sent to ${url.host}`,
              `set the api of ${target.host} in preflight.credentialHosts to the URL its API answers on`,
            ]
          : status === 403
            ? [
                'refused (HTTP 403: rate limited, or SSO/IP rules block this token)',
                `check the token's SSO authorization and IP allow-list on ${target.host}, or its rate limit`,
              ]
            : status === 404 && target.kind === 'gitlab'
              ? [
                  'has no personal_access_tokens/self (HTTP 404: GitLab before 15.5, or not a personal, project or group access token)',
                  `check the token's expiry in ${target.host}'s settings; ${DEPLOY_TOKEN_HINT}`,
                ]
              : [
                  `answered HTTP ${status}`,
                  `check that ${target.api} is ${target.host}'s ${target.kind === 'github' ? 'GitHub' : 'GitLab'} API (preflight.credentialHosts) and whether ${target.host} is having trouble`,
                ];
      return { ...base, httpStatus: status, reason: `${url.host} ${why}`, hint };
    }
    if (target.kind === 'github') {
      const raw = res.headers['github-authentication-token-expiration'];
      const at = tokenExpiryFromHeaders({ 'github-authentication-token-expiration': Array.isArray(raw) ? raw[0] : raw });
      return at === undefined ? { ...base, state: 'no-expiry' } : { ...base, state: 'expires', expiresAt: new Date(at).toISOString() };
    }
    let body: { expires_at?: unknown; active?: unknown; revoked?: unknown };
    try {
      body = JSON.parse(text) as typeof body;
    } catch {
      return {
        ...base,
        httpStatus: status,
        reason: `${url.host} answered personal_access_tokens/self with something that is not JSON`,
        hint: `check that ${target.api} is ${target.host}'s GitLab API (preflight.credentialHosts)`,
      };
    }
    if (body.revoked === true || body.active === false)
      return { ...base, state: 'rejected', httpStatus: status, reason: `${url.host} reports the token inactive or revoked` };
    if (body.expires_at === null || body.expires_at === undefined) return { ...base, state: 'no-expiry' };
    const at = gitlabTokenExpiry(body.expires_at);
    return at === undefined
      ? { ...base, reason: `${url.host} sent an expiry date that is not a date`, hint: `check the token's expiry in ${target.host}'s settings` }
      : { ...base, state: 'expires', expiresAt: new Date(at).toISOString() };
  } catch (err) {
    if (options.signal?.aborted) throw err;
    return {
      ...base,
      reason: describeFailure(err, url.host, options.timeoutMs),
      hint: `check that this agent reaches ${url.origin} on go's route (DNS, HTTPS_PROXY/NO_PROXY, firewall) and trusts its certificate (system roots, SSL_CERT_FILE)`,
    };
  } finally {
    await dispatcher.close().catch(() => undefined);
  }
}
