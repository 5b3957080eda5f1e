/**
 * What a failed `git clone` says, reduced to the lines that carry the cause
 * (DNS, authentication, a missing repository, TLS, a refused connection)
 * without git's generic trailer ("Please make sure you have the correct access
 * rights and the repository exists."), plus a one-word kind for the hint.
 */

export type CloneFailureKind = 'dns' | 'auth' | 'not-found' | 'network' | 'tls' | 'other';

export interface CloneFailure {
  kind: CloneFailureKind;
  /** git's meaningful lines, in order, joined with "; ". */
  detail: string;
  /** What to do, one sentence. */
  hint: string;
}

// git's boilerplate around every transport failure: never the cause.
const GENERIC = [
  /^fatal: Could not read from remote repository\.?$/i,
  /^Please make sure you have the correct access rights$/i,
  /^and the repository exists\.?$/i,
  /^Cloning into /i,
];

const KINDS: readonly [CloneFailureKind, RegExp][] = [
  ['dns', /Could not resolve (?:host|hostname)|Name or service not known|Temporary failure in name resolution|nodename nor servname/i],
  [
    'auth',
    /Authentication failed|could not read (?:Username|Password)|Permission denied \(publickey|HTTP Basic: Access denied|returned error: 40[13]|Host key verification failed|terminal prompts disabled/i,
  ],
  ['not-found', /does not appear to be a git repository|[Rr]epository .*not found|returned error: 404|not found$|No such file or directory/],
  ['tls', /SSL certificate problem|server certificate verification failed|gnutls_handshake|SSL_ERROR|unable to get local issuer certificate/i],
  ['network', /Connection refused|Connection timed out|Network is unreachable|Failed to connect|Could not connect|Connection reset/i],
];

const HINTS: Record<CloneFailureKind, string> = {
  dns: 'the host name does not resolve from this machine: check the URL and DNS',
  auth: 'the server refused the credentials: set GITHUB_TOKEN/GITLAB_TOKEN, an SSH key for this user, or a credential helper (prompts are disabled)',
  'not-found': 'no repository at that address: check the URL (and that the token can see a private repository)',
  tls: 'the TLS certificate is not trusted: install the CA (e.g. an intercepting proxy’s) or check the URL',
  network: 'the host did not accept the connection: check the URL, the port, and any proxy or firewall',
  other: 'run the same `git clone` by hand to see more',
};

export function describeCloneFailure(stderr: string): CloneFailure {
  const lines = stderr
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !GENERIC.some((g) => g.test(l)));
  const kind = KINDS.find(([, re]) => lines.some((l) => re.test(l)))?.[0] ?? 'other';
  const meaningful = lines.filter((l) => /^(fatal|error|ssh|remote|warning: redirecting)\b|:/i.test(l)).slice(-3);
  const detail = (meaningful.length > 0 ? meaningful : lines.slice(-2)).map((l) => l.replace(/^remote: /, '')).join('; ');
  return { kind, detail: detail.slice(0, 600), hint: HINTS[kind] };
}
