/**
 * What to look at to confirm (or rule out) a category when the log alone is
 * not enough: one sentence per category, used for the two candidates an
 * uncertain classification offers.
 */
import type { Category } from '../report/model.ts';

const CHECKS: Record<Category, string> = {
  'proxy-unreachable': 'curl -v the proxy or registry URL from the agent: does DNS resolve and does TCP/TLS connect?',
  'corporate-proxy': 'check HTTPS_PROXY/NO_PROXY on the agent and curl -v -x "$HTTPS_PROXY" the registry',
  'tls-interception': 'openssl s_client -connect <host>:443 from the agent: who issued the certificate it sees?',
  'version-not-found':
    'open the module or package page while logged out and list its versions (go list -m -versions / npm view): does this path and version exist?',
  'module-path-mismatch': "compare the module line of the dependency's go.mod with the path it is required as",
  'private-module-auth': 'is the repository private? Check GOPRIVATE/GONOSUMDB and the git credentials (netrc, insteadOf) the agent has',
  'checksum-mismatch': 'compare the go.sum / lockfile hash with sum.golang.org or the registry, and check whether the tag was moved',
  'sumdb-unreachable': 'curl -v https://sum.golang.org/lookup/<module>@<version> from the agent',
  'missing-go-sum': 'run go mod tidy (or npm install / yarn install / pnpm install) locally and see whether go.sum / the lockfile changes',
  'proxy-disabled': 'go env GOPROXY GOFLAGS on the agent (off, -mod=vendor) / npm config get offline',
  'toolchain-mismatch': 'compare the go / toolchain lines of go.mod (or engines in package.json) with the version on the agent',
  'disk-full': 'df -h && df -i on the agent',
  'rate-limited': 'look for 429 answers and the rate-limit headers of the registry or forge; is the agent authenticated?',
  'replace-directive': 'check the replace directives in go.mod and that their targets exist in the build context',
  'vendor-inconsistent': 'run go mod vendor and see whether vendor/modules.txt changes',
  'invalid-go-mod': 'run go mod edit -json on go.mod and check the import path go names (host with a dot, no file names)',
  'toolchain-unavailable': 'go env GOTOOLCHAIN and curl the golang.org/toolchain module through GOPROXY; is the go line a full release (1.22.0)?',
  'vanity-import': "curl -sv 'https://<import path>?go-get=1' from the agent: certificate, status and the go-import meta tag",
  'proxy-server-error': 'curl the same URL through the proxy and directly: does the proxy answer 5xx / a wrong 404 while the origin works?',
  'proxy-config':
    'go env GOPROXY GOSUMDB GOROOT on the agent (and go env -w settings): is either empty (Go 1.21+ without $GOROOT/go.env), is every GOPROXY entry a URL, is GOSUMDB a known name or name+key?',
  'registry-auth': 'npm whoami --registry <registry> (yarn 2+: yarn npm whoami) on the agent, and the registry URLs in the lockfile',
  unknown: 'read the first error in the log, not the last, and run buildfix diagnose for the live checks',
};

export function whatToCheck(category: Category): string {
  return CHECKS[category];
}
