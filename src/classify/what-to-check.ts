/**
 * What to look at to confirm (or rule out) a category when the log alone is
 * not enough: one sentence per category, used for the two candidates an
 * uncertain classification offers. npm, yarn and pnpm logs get the npm-family
 * commands (with the package named when the log names it), Go logs go's.
 */
import type { Category } from '../report/model.ts';
import { pseudoVersionCommit } from './extract.ts';

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

/**
 * The npm-family form where it differs: a registry 404 or ETARGET is settled by asking the public registry and the
 * configured one for the same package (a mirror that has not synced lists fewer versions).
 */
function npmCheck(category: Category, pkg: string): string | undefined {
  switch (category) {
    case 'version-not-found':
      return `npm view ${pkg} versions --registry https://registry.npmjs.org/: does the public registry have this package and version at all (never published, unpublished, a typo)?`;
    case 'proxy-server-error':
      return `npm view ${pkg} versions against the configured registry (npm config get registry) and against https://registry.npmjs.org/: does the mirror lack what the public registry has, or answer 5xx?`;
    case 'checksum-mismatch':
      return `npm view ${pkg} dist.integrity against the lockfile's integrity: a changed tarball, or a mirror serving other bytes?`;
    case 'proxy-unreachable':
      return `curl -v "$(npm config get registry)" from the agent: does DNS resolve and does TCP/TLS connect?`;
    case 'corporate-proxy':
      return 'npm config get proxy / https-proxy (and HTTPS_PROXY, NO_PROXY) on the agent, then curl -v -x "$HTTPS_PROXY" https://registry.npmjs.org/';
    case 'proxy-disabled':
      return 'npm config get offline (and prefer-offline) on the agent, and whether the step runs in a sandbox or container without network';
    case 'missing-go-sum':
      return 'run npm install (or yarn install / pnpm install) locally with the same tool version and see whether the lockfile changes';
    case 'toolchain-mismatch':
      return 'compare engines and packageManager in package.json with node -v and the package manager version on the agent';
    default:
      return undefined;
  }
}

/** The Go form where the shared sentence also speaks of npm. */
function goCheck(category: Category, module: string, version: string | undefined): string | undefined {
  switch (category) {
    case 'invalid-go-mod': {
      const commit = version === undefined ? undefined : pseudoVersionCommit(version);
      return commit === undefined
        ? undefined
        : `GOPROXY=direct go list -m ${module}@${commit} on the agent prints go's own pseudo-version for that commit: does it differ from ${version} (timestamp, hash length)?`;
    }
    case 'version-not-found':
      return `go list -m -versions ${module} on the agent (and with GOPROXY=direct): does this path exist, and this version?`;
    case 'checksum-mismatch':
      return 'compare the go.sum line with sum.golang.org and check whether the tag was moved or the mirror served other bytes';
    case 'missing-go-sum':
      return 'run go mod tidy locally with the Go that CI uses and see whether go.mod / go.sum (or go.work) change';
    case 'proxy-disabled':
      return 'go env GOPROXY GOFLAGS on the agent (off, -mod=vendor), and whether the build runs in a sandbox or container without network';
    case 'toolchain-mismatch':
      return 'compare the go / toolchain lines of go.mod (and go.work) with go version and go env GOTOOLCHAIN on the agent';
    default:
      return undefined;
  }
}

export function whatToCheck(category: Category, context: { ecosystem?: string; module?: string | undefined; version?: string | undefined } = {}): string {
  const own =
    context.ecosystem === 'npm'
      ? npmCheck(category, context.module ?? '<package>')
      : context.ecosystem === 'go'
        ? goCheck(category, context.module ?? '<module>', context.version)
        : undefined;
  return own ?? CHECKS[category];
}
