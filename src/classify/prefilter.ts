/**
 * A cheap first pass over the whole log. Running every rule on every line of
 * a 50 MB log takes seconds; one regex of lower-case keywords over the
 * lower-cased text finds the few lines worth a closer look in a fraction of
 * that. Every rule pattern in rules.ts must contain at least one of these
 * keywords (test/unit/classify/prefilter.test.ts checks this on the fixtures).
 */

export const TRIGGERS: readonly string[] = [
  // disk
  'space left',
  'read-only file system',
  'allocate memory',
  'out of memory',
  'too many open files',
  'internal error',
  'space on the disk',
  'quota',
  'enospc',
  'edquot',
  // proxies and TLS
  'proxy',
  '407',
  'tunneling',
  'x509',
  'tls: ',
  'tls handshake',
  'ssl certificate',
  'certificate verif',
  'signed certificate',
  'issuer certificate',
  'first certificate',
  'self_signed',
  'cert_in_chain',
  'issuer_cert',
  'leaf_signature',
  'cert_untrusted',
  'not yet valid',
  'not_yet_valid',
  'has expired',
  'cert_has_expired',
  // toolchain
  'requires go',
  'this version of pnpm',
  'current version of node',
  'maximum version supported',
  'invalid go version',
  'directive',
  'unexpected token',
  'toolchain',
  'go tool version',
  'ebadengine',
  'unsupported engine',
  'unsupported_engine',
  'version is incompatible with',
  'expected version: ',
  'got: ',
  'engine "node"',
  'notsup',
  // GOPROXY=off, -mod=vendor, offline npm
  'disabled by',
  'enotcached',
  'only-if-cached',
  // go's GOPROXY / GOSUMDB parse errors
  'gosumdb',
  'goproxy list',
  'invalid proxy url',
  'no_offline_',
  // rate limits
  '429',
  'rate limit',
  'rate-limit',
  'toomanyrequests',
  // HTTP statuses
  '401 unauthorized',
  '403 forbidden',
  'e401',
  'was not found on this server',
  'tarball_extract',
  'checksum for tar header',
  'fetch failed http',
  'fetch get 401',
  'fetch get 403',
  'server answered with http',
  'e403',
  'fetch_40',
  '404 not found',
  '402 payment',
  'status code 40',
  '410 gone',
  'e404',
  'e400',
  'enoversions',
  'no valid versions',
  'internal server error',
  'bad gateway',
  'service unavailable',
  'gateway timeout',
  'e500',
  'e502',
  'e503',
  'e504',
  // network
  'dial',
  'timeout',
  'timed out',
  'no such host',
  'resolve',
  'resolution',
  'misbehaving',
  'refused',
  'reset',
  'unreachable',
  'no route',
  'deadline',
  'eof',
  'failed to connect',
  'enotfound',
  'etimedout',
  'econnrefused',
  'eai_again',
  'enetunreach',
  'ehostunreach',
  'esockettimedout',
  'getaddrinfo',
  'hang up',
  'goaway',
  'stream error',
  // auth
  'prompts',
  'could not read',
  'denied',
  'host key',
  'authenticat',
  'username',
  'password',
  'repository',
  'eneedauth',
  'need auth',
  'logged in',
  'private',
  // integrity
  'checksum',
  'security error',
  'does not match',
  'pseudo-version',
  'integrity',
  'corrupted',
  // module path, replace, go.sum, lockfiles
  'declares its path',
  'required as',
  'module path',
  'major version',
  'go.mod file',
  'replace',
  'go.sum',
  'go.mod',
  'vendoring',
  'no required module',
  'lock file',
  'lockfile',
  'package-lock',
  'yn0028',
  // not found
  'revision',
  'no matching',
  'invalid version',
  'does not contain',
  'cannot find module',
  'malformed',
  'no such file',
  'ls-remote',
  'unrecognized import',
  'insecure protocol',
  'method not allowed',
  'malformed response',
  'connect eacces',
  'connect: permission denied',
  'write: permission denied',
  'write: operation not permitted',
  'no such package',
  // Windows' Winsock texts in go's errors (connectex:, wsarecv:): a timeout, a refusal, a reset
  'connection attempt failed',
  'forcibly closed',
  'is not in',
  'etarget',
  'no compatible version',
  'valid install targets',
  "couldn't find",
  'not found',
  'exit status',
  'exit code',
  'server response',
  // context (GOPRIVATE, module names) and the unknown fallback
  'goprivate',
  '@v',
  '.go:',
  'error',
  'err!',
  'fatal',
  'fail',
  'panic',
  '***',
  // issue 13 families: vanity hosts, vendoring, toolchain downloads, proxy answers, registries
  'go-get=1',
  'go-import',
  'meta tag',
  'apache.org',
  'gopkgs.com',
  'detect version control',
  'marked as explicit',
  'vendor/modules.txt',
  'go mod vendor',
  'mod=vendor',
  'not available',
  'download go',
  'downloading go',
  'yarnpkg.com',
  'corepack',
  'urlsearchparams',
  'err_invalid_this',
  'security policy',
  'package firewall',
  'zip',
  'bad request',
  'unexpected status',
  'response code',
  'registry returned',
  'trouble with your network',
  'connaborted',
  'early eof',
  'unexpected disconnect',
  'expected sum',
  'resulting module',
  'z4phnx7',
  '2jmj7l5',
  'behind a proxy',
  'sum.golang.org:',
  'goproxy',
  'returned error',
  'wrong version number',
  'eproto',
  'unexpected module path',
  'import collision',
  'expects import',
  'frozen-lockfile',
  'replacement',
  'must be replaced',
  '<!doctype',
  '<html',
  '<head>',
  '<title>',
  'directive: <',
  'upstream',
  'import path',
  'must be of the form',
  'looking for beginning',
  'in json',
  'json response',
  '/sumdb/',
  'err_pnpm_fetch_5',
  // proxies' own answers, replacement directories, pnpm self-management, yarn verbose statuses
  'authenticationrequired',
  'authentication_required',
  'authentication_failed',
  'policy_denied',
  'policy_redirect',
  'securitypolicyviolated',
  'vpc service controls',
  'go.mod: the system cannot find',
  '.tools',
  'status code 40',
  'returned a 40',
  'http fetch',
  'npm http 5',
  'npm http 404',
  "building '/nix/store/",
  "builder for '/nix/store/",
  '.flatpak-builder/build/',
  'parsing json',
  // wrapper structure the classifier tracks: GitHub Actions step headers (script and env, not output)
  '##[group]',
  '##[endgroup]',
];

type Trie = Map<string, Trie>;

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

// A trie-shaped alternation: irregexp rejects most positions on the first character.
function trieSource(words: readonly string[]): string {
  const root: Trie = new Map();
  for (const word of words) {
    let node = root;
    for (const ch of word) {
      let next = node.get(ch);
      if (!next) {
        next = new Map();
        node.set(ch, next);
      }
      node = next;
    }
    node.set('', new Map());
  }
  const emit = (node: Trie): string => {
    if (node.has('')) return ''; // a shorter keyword already matches here
    const alternatives = [...node.entries()].map(([ch, child]) => escapeRegExp(ch) + emit(child));
    return alternatives.length === 1 ? (alternatives[0] ?? '') : `(?:${alternatives.join('|')})`;
  };
  return emit(root);
}

const SOURCE = trieSource(TRIGGERS);
const SINGLE = new RegExp(SOURCE);

/** A fresh global regex over lower-cased text (global regexes carry state, so one per scan). */
export function createPrefilter(): RegExp {
  return new RegExp(SOURCE, 'g');
}

/** Does a lower-cased line contain any trigger keyword? */
export function passesPrefilter(lowerLine: string): boolean {
  return SINGLE.test(lowerLine);
}
