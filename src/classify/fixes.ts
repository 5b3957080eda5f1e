/**
 * What to do about each category, in English, from the go mod download
 * playbook (reference/playbook-go-mod-download.zh.md, chapters 2–5) and the
 * proxy protocol notes (docs/protocols.md §5–6). Texts name the module,
 * version and host found in the log so the reader can act without re-reading it.
 */
import type { Category } from '../report/model.ts';
import { importPathOfCloneAddress, pseudoVersionCommit } from './extract.ts';

export type Ecosystem = 'go' | 'npm' | 'unknown';
/** The npm-family tool whose configuration the fix names: npm and pnpm read .npmrc, yarn 1 .npmrc and .yarnrc, yarn 2+ only .yarnrc.yml. */
export type JsTool = 'npm' | 'pnpm' | 'yarn' | 'yarn-berry';

export interface FixInput {
  category: Category;
  ecosystem: Ecosystem;
  module?: string;
  version?: string;
  ruleId?: string;
  /**
   * Facts pulled from the evidence lines: host, declared, target, path, goRequired, goRunning, nodeWanted, nodeCurrent,
   * and pnpm's engine block (engineTool, enginePackage, engineWanted, engineCurrent); jsTool (a JsTool) for npm-family
   * logs; goSuggestion, the repair command go printed; goproxyNoEntries when go found no GOPROXY entry at all;
   * askedRepository when go's `unknown revision` came from the repository itself, not a proxy.
   */
  details: Record<string, string | undefined>;
}

const PUBLIC_GO_PROXIES = new Set(['proxy.golang.org', 'goproxy.io', 'goproxy.cn', 'sum.golang.org']);

/** A module path as the proxy protocol spells it in URLs: each upper-case letter becomes "!" and its lower case. */
function proxyEscape(module: string): string {
  return module.replace(/[A-Z]/g, (c) => `!${c.toLowerCase()}`);
}

function code(s: string): string {
  return `\`${s}\``;
}

/** GOPRIVATE pattern for a module: the whole host for company servers, the org for shared forges. */
export function goPrivatePattern(module: string): string {
  const parts = module.split('/');
  const host = parts[0] ?? module;
  if (['github.com', 'gitlab.com', 'bitbucket.org'].includes(host) && parts[1]) return `${host}/${parts[1]}/*`;
  return host;
}

/**
 * The certificate is fine; the agent judges it wrongly: its CA bundle still chains to a retired
 * root, or its clock is behind the certificate's start. Both are fixed on the agent.
 */
function agentTrustFix(host: string | undefined, details: Readonly<Record<string, string | undefined>>): string {
  const target = host ?? 'the host';
  if (details['clockBehind'] && !details['agentClock']) {
    return (
      `The agent's clock is behind the start of ${target}'s certificate ("not yet valid"): the clock is wrong, not the certificate. ` +
      `Check ${code('date -u')} on the agent, enable time sync (${code('timedatectl set-ntp true')}, chrony or the VM's clock source) and retry.`
    );
  }
  if (details['agentClock']) {
    return (
      `The agent's clock says ${details['agentClock']}, before ${target}'s certificate became valid (${details['certNotBefore'] ?? 'its start date'}): the clock is wrong, not the certificate. ` +
      `Check ${code('date -u')} on the agent, enable time sync (${code('timedatectl set-ntp true')}, chrony or the VM's clock source) and retry.`
    );
  }
  return (
    `${target}'s certificate is valid, but the agent's CA bundle still chains it to a root that expired at ${details['retiredRoot'] ?? 'a known date'} (a retired root CA), because the bundle predates its replacement. ` +
    `Update the agent image's CA certificates (Debian/Ubuntu: ${code('apt-get update && apt-get install -y ca-certificates')}; Alpine: ${code('apk add --no-cache ca-certificates')}) and rebuild it. ` +
    `Do not work around it with GOINSECURE or GOSUMDB=off.`
  );
}

/**
 * An expired certificate with no date that names a retired root: the host's own certificate lapsed, or
 * something on the path (an inspecting proxy, an agent clock set ahead) serves or judges one. Look first.
 */
function expiredCertFix(host: string, switchWhere: string): string {
  return (
    `The certificate the agent got for ${host} has expired. Look at it before changing anything: ${code(`openssl s_client -connect ${host}:443 -servername ${host} </dev/null | openssl x509 -noout -issuer -dates`)} from the agent and from a machine outside this network. ` +
    `Expired everywhere: ${host} let its own certificate lapse; it is that host's fault, so switch ${switchWhere} to another mirror until it is renewed. ` +
    `Expired only from the agent, with a company issuer: the inspecting proxy's certificate lapsed (ask its owners). Check ${code('date -u')} too: a clock set ahead makes a good certificate look expired. ` +
    `Do not turn verification off (GOINSECURE, GOSUMDB=off, strict-ssl=false).`
  );
}

function goFix(input: FixInput): string {
  const { module, version, details } = input;
  const mv = module ? (version ? `${module}@${version}` : module) : undefined;
  const host = details['host'];
  switch (input.category) {
    case 'proxy-unreachable': {
      if (input.ruleId === 'git-connection-dropped') {
        const gitHost = module?.split('/')[0] ?? 'the repository host';
        return (
          `The git connection to ${gitHost} dropped in the middle of the fetch (git: the remote end hung up): go was fetching ${mv ?? 'the module'} straight from its repository with git (GOPROXY direct, or a fallback after the proxy), and the version itself was never the problem. ` +
          `Retry the job; if it happens again, check the agent's path to ${gitHost} (a proxy or firewall that cuts long transfers, MTU, TLS inspection), or fetch through a module proxy (${code('GOPROXY=https://proxy.golang.org,direct')}) so no git clone is needed.`
        );
      }
      const target = host ?? 'proxy.golang.org';
      const origin = details['origin'] ?? `https://${target}`;
      const probe = module && target === 'proxy.golang.org' ? `https://proxy.golang.org/${proxyEscape(module)}/@v/list` : `${origin}/`;
      const port = /:(\d+)$/.exec(origin)?.[1] ?? (origin.startsWith('http:') ? '80' : '443');
      return (
        `The build agent cannot reach ${target} (DNS, firewall or an outage). From the agent run ${code(`curl -v ${probe}`)} ` +
        `to see where it stops (DNS, TCP connect, TLS) and open egress to ${target}:${port} or fix the agent's resolver; ` +
        (PUBLIC_GO_PROXIES.has(target) || !details['proxyBase']
          ? `if this network needs a mirror, set GOPROXY to your internal proxy in the CI environment (${code('GOPROXY=https://<internal proxy>,direct')}). `
          : `to fall back to the public proxy while ${target} is down, separate the entries with ${code('|')}: ${code(`GOPROXY=${details['proxyBase']}|https://proxy.golang.org,direct`)} ` +
            `(after a ${code(',')} go tries the next entry only when the proxy answers 404 or 410, never after a timeout or connection error; public modules only). `) +
        `Retry the job to rule out a transient outage, and cache $GOMODCACHE keyed on go.sum so a short outage does not break builds.`
      );
    }
    case 'corporate-proxy':
      if (details['httpProxyOnly'])
        return (
          `The log sets HTTP_PROXY but not HTTPS_PROXY, and go sends every https request (the module proxy, sum.golang.org, go-get lookups) through HTTPS_PROXY only: ` +
          `these requests went around the proxy and could not get out. Set HTTPS_PROXY to the same proxy (HTTPS_PROXY=http://host:port; go does not read ALL_PROXY) in the CI environment, ` +
          `test it with ${code('curl -v -x "$HTTPS_PROXY" https://proxy.golang.org/')}, and put internal hosts in NO_PROXY.`
        );
      return (
        `The HTTP(S) proxy between the agent and ${host ?? 'the module proxy'} refuses the connection or wants credentials (proxyconnect / 407). ` +
        `Check HTTPS_PROXY and HTTP_PROXY on the agent: the form is http://host:port, with credentials as http://user:password@host:port from a CI secret, and watch for typos such as "htp://". ` +
        `Test it with ${code('curl -v -x "$HTTPS_PROXY" https://proxy.golang.org/')} and make sure the proxy host and port are reachable. ` +
        `Put internal hosts in NO_PROXY (e.g. NO_PROXY=.corp.example.com,10.0.0.0/8) so private module and git traffic skips the proxy.`
      );
    case 'tls-interception':
      if (details['retiredRoot'] || details['agentClock'] || details['clockBehind']) return agentTrustFix(host, details);
      if (details['certExpired']) return expiredCertFix(host ?? '<host>', 'GOPROXY');
      return (
        `A TLS-inspecting proxy or firewall re-signs HTTPS traffic to ${host ?? 'the module proxy'} with a certificate the agent does not trust. ` +
        `Install the corporate root CA in the agent image (Debian/Ubuntu: copy it to /usr/local/share/ca-certificates/ and run ${code('update-ca-certificates')}, or point SSL_CERT_FILE at a bundle that contains it), ` +
        `or ask for ${host ?? 'proxy.golang.org and sum.golang.org'} to be exempted from inspection. ` +
        `Do not work around it with GOINSECURE or GOSUMDB=off: they turn off the checks that detect tampering.`
      );
    case 'version-not-found': {
      if (input.ruleId === 'gopkg-in-no-major') {
        const repo = details['gopkgInRepository'] ?? 'the GitHub repository';
        const major = details['gopkgInMajor'];
        return (
          `gopkg.in serves ${code('gopkg.in/<pkg>.vN')} from the branch or tag vN (vN.x, vN.x.y) of ${repo}, and it has none for ${major ?? 'the major asked for'}: ` +
          `that major version was never published (often a README or an import with the wrong ${code('.vN')}). ` +
          `List what it has with ${code(`git ls-remote --heads --tags ${repo}`)}, change the import (and go.mod) to a major that exists, then run ${code('go mod tidy')} and commit go.mod and go.sum.`
        );
      }
      const m = module ?? '<module>';
      const onProxy = host ? ` on ${host}` : details['askedRepository'] ? ' in its repository' : '';
      return (
        `${mv ?? 'The required module version'} does not exist${onProxy}. Check the module path for typos or a moved repository (case matters: github.com/Foo is not github.com/foo), ` +
        `list the published versions with ${code(`go list -m -versions ${m}`)} (or ${code(`curl https://proxy.golang.org/${module ? proxyEscape(module) : m}/@v/list`)}), ` +
        `pin one that exists with ${code(`go get ${m}@<existing version>`)} and run ${code('go mod tidy')}, then commit go.mod and go.sum. ` +
        `If the repository moved, add ${code(`replace ${m} => <new path> <version>`)}.` +
        (host && PUBLIC_GO_PROXIES.has(host)
          ? ` If the tag was pushed only minutes ago, ${host} can still answer from a "not found" it cached before: wait a little and retry before changing anything.`
          : '') +
        (details['askedRepository'] && !host
          ? ` Here go asked the repository itself (GOPROXY=direct or off, a GOPRIVATE/GONOPROXY pattern that covers ${m}, or a Go before 1.13): a public module's tag or commit deleted or moved since it was published may still be served by proxy.golang.org (it keeps what it fetched once), so try ${code('GOPROXY=https://proxy.golang.org,direct')} before changing go.mod.`
          : '')
      );
    }
    case 'module-path-mismatch': {
      const declared = details['declared'];
      const m = module ?? details['required'] ?? '<module>';
      return (
        `${mv ?? m} declares a different module path in its own go.mod${declared ? ` (${declared})` : ''} than the path it is required as (letter case, a fork, or a missing /vN major-version suffix). ` +
        `Require it by the path it declares: change the require line and the imports to ${declared ?? 'the declared path'} and run ${code('go mod tidy')}. ` +
        `For a fork, keep the original path and add ${code(`replace ${declared ?? '<declared path>'} => ${m} ${version ?? '<version>'}`)}.`
      );
    }
    case 'private-module-auth': {
      const m = module ?? '<private module>';
      const pattern = module ? goPrivatePattern(module) : '<your.git.host>/*';
      const gitHost = module ? (module.split('/')[0] ?? 'git.example.com') : host && !PUBLIC_GO_PROXIES.has(host) ? host : '<git host>';
      return (
        `${mv ?? 'A private module'} is private: the public proxy and checksum database cannot see it, and git on the agent has no credentials for it. ` +
        `Set ${code(`GOPRIVATE=${pattern}`)} in the CI environment (it also sets GONOPROXY and GONOSUMDB, so ${m} is fetched directly and not looked up in sum.golang.org), ` +
        `and give git a token from a CI secret, e.g. ${code(`git config --global url."https://oauth2:\${GIT_TOKEN}@${gitHost}/".insteadOf "https://${gitHost}/"`)} or a ~/.netrc entry; ` +
        `for SSH-only hosts add the deploy key and known_hosts. Use a short-lived, read-only token.`
      );
    }
    case 'checksum-mismatch': {
      const m = module ?? '<module>';
      return (
        `The content downloaded for ${mv ?? 'a module'} does not match go.sum or the checksum database: either the local module cache is corrupted, or the tag was re-published upstream, or something between the agent and the proxy altered the download. ` +
        `Do not just delete the go.sum line. Run ${code('go clean -modcache && go mod download')} and ${code('go mod verify')} to rule out a corrupted cache; ` +
        `if it persists, compare with ${code(`curl https://sum.golang.org/lookup/${module ? proxyEscape(module) : m}@${version ?? '<version>'}`)} and, if upstream moved the tag, upgrade to a new version instead of trusting the changed one.`
      );
    }
    case 'sumdb-unreachable':
      return (
        `The checksum database (${host ?? 'sum.golang.org'}) cannot be reached from the agent, so go refuses to verify ${mv ?? 'new modules'}. ` +
        `Allow egress to sum.golang.org:443, or use a GOPROXY that relays the checksum database (go asks $GOPROXY/sumdb/sum.golang.org/supported first and then fetches it there), ` +
        `or point go at your internal mirror while keeping the key: ${code('GOSUMDB="sum.golang.org https://<mirror>/sumdb/sum.golang.org"')}. ` +
        `Exclude only private modules with GOPRIVATE/GONOSUMDB; do not set GOSUMDB=off for everything (it turns off the check that detects tampered modules).`
      );
    case 'missing-go-sum':
      if (details['vendor'] === 'yes') {
        return (
          `vendor/modules.txt is out of sync with go.mod. Run ${code('go mod vendor')} locally and commit vendor/, ` +
          `or build with -mod=readonly (or -mod=mod) if the project no longer vendors.`
        );
      }
      if (input.ruleId === 'go-work-stale')
        return (
          `go.work is out of date: a module it lists needs a newer ${code('go')} line than go.work has (a go.work without a ${code('go')} line counts as go 1.18)${details['goSuggestion'] ? `, and go printed the repair: ${code(details['goSuggestion'])}` : ''}. ` +
          `Run ${code('go work use')} (or ${code('go work edit -go=<version>')}) in the workspace, commit go.work, and raise it together with the modules' go lines (tools that bump go.mod, such as Dependabot, leave go.work behind). The Go on the agent is new enough; do not downgrade it.`
        );
      if (details['goSuggestion'])
        return (
          `go.mod/go.sum are out of sync with the code${mv ? ` (${mv})` : ''}, and go builds with -mod=readonly (the default since Go 1.16), so it will not add the missing entries in CI. ` +
          `Run the command go printed, ${code(details['goSuggestion'])}, locally in the module${/^go mod tidy\b/.test(details['goSuggestion']) ? '' : ` (or ${code('go mod tidy')} to fix every missing entry at once)`}, commit go.mod and go.sum, and keep them committed together; ` +
          `a CI check that ${code('go mod tidy')} leaves no diff catches this before merge.`
        );
      return (
        `go.mod/go.sum are out of sync with the code${mv ? ` (${mv})` : ''}, and go builds with -mod=readonly (the default since Go 1.16), so it will not add the missing entries in CI. ` +
        `Run ${code('go mod tidy')}${module ? ` (or ${code(`go get ${module}`)})` : ''} locally, commit go.mod and go.sum, and keep them committed together; ` +
        `a CI check that ${code('go mod tidy')} leaves no diff catches this before merge.`
      );
    case 'proxy-config': {
      const sumdb = details['goEnvVar'] === 'GOSUMDB';
      if (sumdb && details['gosumdbMissing'])
        return (
          `GOSUMDB is empty on the agent (${code('missing GOSUMDB')}), so go cannot verify any module or toolchain and stops before any network request. ` +
          `Since Go 1.21 the default (sum.golang.org) comes from $GOROOT/go.env: a Go installed or built without that file (a distro or self-built package, a copied GOROOT), or GOSUMDB set to "" by the environment, leaves it empty. ` +
          `Check ${code('go env GOSUMDB GOROOT')} and ${code('ls "$(go env GOROOT)/go.env"')}; restore go.env (install Go from go.dev/dl or the official image) or set ${code('go env -w GOSUMDB=sum.golang.org')}, ` +
          `and list private modules in GONOSUMDB/GOPRIVATE rather than turning GOSUMDB off.`
        );
      if (sumdb)
        return (
          `GOSUMDB on the agent is malformed, so go cannot use any checksum database and stops before any network request (${code('invalid GOSUMDB')}: a value that is neither a known database name nor "name+key [url]"). ` +
          `Run ${code('go env GOSUMDB')} on the agent; unset it (the default is sum.golang.org) or set it to a known name or a full "name+key url", check ${code('go env -w')} settings and the CI environment, and list private modules in GONOSUMDB/GOPRIVATE rather than changing GOSUMDB.`
        );
      if (details['goproxyNoEntries'])
        return (
          `GOPROXY on the agent has no entries (${code('GOPROXY list is not the empty string, but contains no entries')}), so go stops before any download. ` +
          `Usually it is empty: since Go 1.21 the default (https://proxy.golang.org,direct) comes from $GOROOT/go.env, and a Go installed or built without that file (a distro or self-built package, a copied GOROOT) or a GOPROXY set to "" by the CI environment or ${code('go env -w')} leaves nothing; a value of only separators ("," or " ") does the same. ` +
          `Check ${code('go env GOPROXY GOROOT')} and ${code('ls "$(go env GOROOT)/go.env"')}; restore go.env (install Go from go.dev/dl or the official image) or set ${code('go env -w GOPROXY=https://proxy.golang.org,direct')} ` +
          `(GOSUMDB and GOTOOLCHAIN come from go.env too: set ${code('GOSUMDB=sum.golang.org')} as well).`
        );
      return (
        `GOPROXY on the agent is malformed, so go stops before any download (an entry with a scheme other than https, http or file, or a URL go cannot parse). ` +
        `Run ${code('go env GOPROXY')} on the agent and set it to a comma- or pipe-separated list of proxy URLs ending in direct, e.g. ${code('GOPROXY=https://proxy.golang.org,direct')} (CI variables and ${code('go env -w')} settings both count).`
      );
    }
    case 'proxy-disabled':
      if (input.ruleId === 'go-mod-vendor') {
        return (
          `The build runs with -mod=vendor but ${mv ?? 'a required package'} is not in vendor/. Run ${code('go mod vendor')} and commit vendor/, ` +
          `or build with ${code('-mod=mod')} (GOFLAGS; go uses vendor/ by default when it exists and go.mod says go 1.14 or later) so go downloads modules through GOPROXY.`
        );
      }
      if (details['buildSandbox'] === 'nix')
        return (
          `Nix builds the derivation in a sandbox without network, so go cannot download ${mv ?? 'modules'} there. ` +
          `Build with ${code('buildGoModule')}: its go-modules fixed-output derivation downloads them (set ${code('vendorHash')}, and update it whenever go.mod changes), ` +
          `or vendor the modules (${code('go mod vendor')}, ${code('vendorHash = null')}), or generate them with gomod2nix.`
        );
      if (details['buildSandbox'] === 'flatpak')
        return (
          `flatpak-builder builds each module without network (it downloads the manifest's sources first), so go cannot download ${mv ?? 'modules'} there. ` +
          `List the Go modules as sources of the module (flatpak-builder-tools generates them from go.mod) or ship them vendored (${code('go mod vendor')}, build with ${code('-mod=vendor')}); ` +
          `${code('build-args: [--share=network]')} works for local builds, but Flathub does not accept it.`
        );
      if (details['buildSandbox'] === 'portage')
        return (
          `Portage runs the ebuild's phases with FEATURES=network-sandbox, so go cannot download ${mv ?? 'modules'} there. ` +
          `Ship the modules as a distfile the ebuild fetches (a vendor or go-mod tarball in SRC_URI, go-module.eclass) and check that it is complete for this version; ` +
          `turning network-sandbox off is only a local workaround.`
        );
      if (details['noNameserver'])
        return (
          `No name server is configured: go asked ${details['noNameserver']}:53, its fallback when /etc/resolv.conf names none. That is a package build's chroot or sandbox without network (mock, Koji, sbuild) or a host whose resolver set-up is broken (resolv.conf missing, the systemd-resolved stub not linked). ` +
          `If the build is meant to be offline, ${mv ?? 'the modules'} must already be there: ${code('go mod vendor')} and build with ${code('-mod=vendor')}, or ship the module cache with the sources; otherwise fix /etc/resolv.conf on the host.`
        );
      if (details['noNetwork'])
        return (
          `The build has no network at all (the resolver at ${details['noNetwork']} cannot be reached): a container started with ${code('--network none')}, a sandboxed package build, or a host whose network is down. ` +
          `If that is on purpose, ${mv ?? 'the modules'} must already be there: ${code('go mod vendor')} and build with ${code('-mod=vendor')}, or fill the module cache in an earlier step that has network; otherwise give the build a network.`
        );
      return (
        `GOPROXY=off forbids downloads, and ${mv ?? 'a required module'} is not in the module cache. ` +
        `Set ${code('GOPROXY=https://proxy.golang.org,direct')} (or your internal proxy) for this step, ` +
        `or fill the cache before the offline step (a ${code('go mod download')} step with network, a restored $GOMODCACHE cache, or ${code('go mod vendor')} with -mod=vendor).`
      );
    case 'toolchain-mismatch': {
      const required = details['goRequired'];
      const running = details['goRunning'];
      const needs = required ? `Go ${required}` : 'a newer Go';
      const runs = running ? `Go ${running}` : 'an older Go';
      const who = mv ?? 'go.mod';
      if (input.ruleId === 'go-get-dot-go-path') {
        const path = details['dotGoPath'] ?? '<repository>.go';
        return (
          `This go takes a ${code('go get')} argument ending in ${code('.go')} for a Go source file and looks for a file named ${code(path)} instead of fetching the repository ` +
          `(fixed in later Go releases, golang.org/issue/34653; reporters confirm Go 1.13.6). Upgrade Go in the CI image or setup step; ` +
          `with this Go in module mode, naming a version (${code(`go get ${path}@latest`)} or a tag) fetches it (a trailing slash did not help every reporter).`
        );
      }
      if (details['stdPackage']) {
        const pkg = details['stdPackage'];
        return (
          `${code(pkg)} is a standard-library package ${required ? `since Go ${required}` : 'of a newer Go'}, and the Go on the agent is older, so it took the import for a remote path or module. ` +
          `The code (or a dependency's new release) needs Go ${required ? `>= ${required}` : 'newer than the agent has'}: upgrade Go in the CI image or setup step (actions/setup-go, a newer golang image tag), ` +
          `or pin the dependency that imports ${code(pkg)} to a release that still supports the agent's Go.`
        );
      }
      const upgrade =
        `Upgrade Go in the CI image or setup step to ${required ? `>= ${required}` : 'the version go.mod names'} (actions/setup-go: ${code('go-version-file: go.mod')}; or a newer golang image tag)` +
        (module ? `, or pin ${module} to an older version that supports ${runs}` : '');
      if (details['goOld'] === 'yes') {
        // GOTOOLCHAIN (toolchain switching) arrived in Go 1.21; older go ignores the variable and cannot fetch a toolchain.
        return (
          `${who} needs ${needs} but the agent runs ${running ? runs : 'a Go older than 1.21'} (Go before 1.21 also rejects "go 1.N.P" and "toolchain" lines in go.mod). ` +
          `${upgrade}. Setting GOTOOLCHAIN does not help here: Go before 1.21 does not know it and never downloads another toolchain.`
        );
      }
      const local = details['goToolchainLocal'] === 'yes';
      return (
        `${who} needs ${needs} but the agent runs ${runs} (older go versions also reject "go 1.N.P" and "toolchain" lines in go.mod). ` +
        `${upgrade}. ` +
        (local
          ? `Go 1.21+ can instead download the required toolchain itself, but the log shows GOTOOLCHAIN=local: remove that setting (or set ${code('GOTOOLCHAIN=auto')}) if fetching golang.org/toolchain through GOPROXY is acceptable.`
          : running
            ? `Go ${running} can instead download the required toolchain itself with ${code('GOTOOLCHAIN=auto')} (the default unless something sets GOTOOLCHAIN=local), if fetching golang.org/toolchain through GOPROXY is acceptable.`
            : `If the agent's Go is 1.21 or newer, it can instead download the required toolchain itself with ${code('GOTOOLCHAIN=auto')} (the default unless something sets GOTOOLCHAIN=local); Go before 1.21 ignores GOTOOLCHAIN and must be upgraded.`)
      );
    }
    case 'disk-full':
      return diskFix(details['path'], 'go');
    case 'rate-limited':
      return (
        `${host ?? 'The registry or git host'} is throttling the agent (HTTP 429 / rate limit). ` +
        `Fetch through a caching proxy instead of direct VCS (GOPROXY=https://proxy.golang.org,direct or your internal Athens/Artifactory), ` +
        `authenticate git to GitHub with a token (authenticated limits are much higher), cache $GOMODCACHE between builds, and retry with backoff.`
      );
    case 'replace-directive': {
      if (details['goreleaserProxy'])
        return (
          `goreleaser's ${code('gomod.proxy')} builds ${module ?? 'the module'} from the module proxy at the release tag, as users would install it, and go ignores replace directives there, so goreleaser refuses to build. ` +
          `Remove the replace directive before tagging (publish the replaced module and require it by version), or set ${code('gomod.proxy: false')} in .goreleaser.yaml.`
        );
      if (details['installAtVersion'])
        return (
          `${code(`go install ${module ?? '<module>'}@${version ?? '<version>'}`)} builds the module as a dependency, and go refuses any go.mod with replace or exclude directives there (they would change what it means). ` +
          `Install from a checkout instead (${code('git clone … && cd … && go install ./cmd/…')}), pin a release of ${module ?? 'the module'} whose go.mod has none, or ask upstream to drop them before tagging.`
        );
      const target = details['target'];
      if (target && !/^[./]/.test(target) && !/^[A-Za-z]:\\/.test(target)) {
        // The replacement is a module version that cannot be fetched.
        const [targetModule, targetVersion] = target.split(/[@ ]/);
        return (
          `A replace directive in go.mod points ${module ?? 'a module'} at ${target}, which cannot be downloaded. ` +
          `Check that ${targetVersion ? `version ${targetVersion} of ` : ''}${targetModule ?? target} exists (${code(`go list -m -versions ${targetModule ?? target}`)}) and that CI can read it, ` +
          `fix the version in the replace line (${code(`replace ${module ?? '<module>'} => ${targetModule ?? '<module>'} <existing version>`)}) or remove the replace, then run ${code('go mod tidy')}.`
        );
      }
      const placeholder = details['placeholder'];
      if (placeholder && !target) {
        const kubernetes = module?.startsWith('k8s.io/') === true;
        return (
          `${module ?? 'A module'} is required at ${code(placeholder)}, a placeholder version no repository has: it resolves only through a replace directive in the go.mod of the module that requires it, and go applies the main module's replace directives only. ` +
          `When a dependency requires it (${kubernetes ? 'importing k8s.io/kubernetes' : 'a library whose own go.mod replaces it, a monorepo sub-module'}), copy that dependency's replace lines into your go.mod with published versions (${code(`replace ${module ?? '<module>'} => ${module ?? '<module>'} <version>`)}` +
          `${kubernetes ? ': every k8s.io staging module, at the v0.x of the Kubernetes release' : ''}) or depend on the published modules instead; ` +
          `in your own repository, add the missing replace (to a local directory that exists in the CI checkout) or require a published version, then run ${code('go mod tidy')}.`
        );
      }
      return (
        `A replace directive in go.mod points ${module ?? 'a module'} at a local directory that is not there${target ? `: ${target}` : ''}. ` +
        `The path must exist inside the CI checkout: check out the sibling repository or submodule at ${target ?? 'that path'}, ` +
        `or replace ${module ?? 'the module'} with a published version (${code(`replace ${module ?? '<module>'} => <module> <version>`)}) or remove the replace before merging, then run ${code('go mod tidy')}.`
      );
    }
    case 'vendor-inconsistent':
      if (input.ruleId === 'go-vendor-package-missing') {
        const pkg = details['vendorMissing'];
        return (
          `The build reads packages from vendor/ (-mod=vendor) and ${pkg ? code(`vendor/${pkg}`) : 'a package it needs'} is not there: the vendor directory was committed incomplete. ` +
          `Run ${code('go mod vendor')} with the same Go version as CI and commit the whole vendor/ directory; if the package is still missing from the commit, ` +
          `a .gitignore pattern is dropping it (a rule such as ${code('target/')}, ${code('bin/')} or ${code('build/')} also matches vendored packages of that name): ` +
          `${code('git check-ignore -v vendor/<path>')} names the rule, and ${code('git add -f')} or a ${code('!vendor/**')} exception keeps it.`
        );
      }
      return (
        `The build uses the vendor directory (-mod=vendor, the default when vendor/ exists) and vendor/modules.txt no longer matches go.mod${mv ? ` (${mv})` : ''}: ` +
        `a requirement was added, removed or bumped without re-vendoring, or the vendored path differs in letter case. ` +
        `Run ${code('go mod tidy && go mod vendor')} with the same Go version as CI and commit vendor/ together with go.mod and go.sum ` +
        `(for Nix/gomod2nix or distro packaging, regenerate the vendored module set too); build with ${code('-mod=mod')} only if the repository is not meant to vendor.`
      );
    case 'invalid-go-mod':
      if (details['cloneAddress']) {
        const address = details['cloneAddress'];
        const path = importPathOfCloneAddress(address);
        const scp = !/^[a-z]+:/.test(address);
        return (
          `${code(address)} is ${scp ? 'a git clone address' : 'a URL'}, not a Go import path: give go (or the tool that runs ${code('go get')} for you, such as ${code('xcaddy --with')}) the path${path ? `, ${code(path)}` : ' without scheme or user'}, and go finds the repository itself.` +
          (scp
            ? ` To fetch over SSH, keep the import path and tell git: ${code('git config --global url."git@github.com:".insteadOf "https://github.com/"')} (with your host).`
            : '')
        );
      }
      if (details['pseudoVersion'] && version && pseudoVersionCommit(version))
        return (
          `The pseudo-version ${code(mv ?? version)} does not name its commit the way go does (the timestamp must be the commit's, in UTC, and the hash its first 12 characters): ` +
          `Go 1.13 and later, and the module proxy (which answers 410 Gone), refuse it. Let go write it: ${code(`go get ${module ?? '<module>'}@${pseudoVersionCommit(version) ?? '<commit hash>'}`)}, then ${code('go mod tidy')}; ` +
          `when the line is in a dependency's go.mod, upgrade that dependency or pin a valid version with a ${code('replace')}.`
        );
      return (
        `A module path or version is malformed${mv ? ` (${mv})` : ''}, or go.mod has a line this Go cannot parse: go stops before downloading anything. ` +
        `Module paths start with a host that has a dot (${code('github.com/owner/repo')}, not ${code('owner/repo')} or a bare name), are not files (.proto, .go), and versions are full semver (v1.2.3). ` +
        `Fix the import or the go.mod line go names, then run ${code('go mod tidy')}.`
      );
    case 'toolchain-unavailable': {
      const wanted = details['goRequired'];
      if (input.ruleId === 'go-toolchain-sumdb-off')
        return (
          `go had to switch to the Go toolchain${wanted ? ` go${wanted}` : ''} that go.mod (or a tool it installs) requires, and it always verifies a downloaded toolchain against the checksum database, which GOSUMDB=off turns off. ` +
          `Remove GOSUMDB=off from the CI environment (use GONOSUMDB/GOPRIVATE for private modules instead), or install that Go on the agent (setup-go, a matching image) so no switch is needed.`
        );
      return (
        `go.mod asks for a Go toolchain${wanted ? ` go${wanted}` : ''} that could not be fetched: either the name is not a release (Go 1.21 and later number releases go1.N.0, go1.N.1, …, so there is no ${code('go1.22')} toolchain to download for ${code('toolchain go1.22')}, or for a bare ${code('go 1.22')} line that a Go 1.21 takes as go1.22) ` +
        `or golang.org/toolchain could not be downloaded through GOPROXY. ` +
        `Write a full release in go.mod (${code('go 1.22.0')} / ${code('toolchain go1.22.5')}), install that Go on the agent (setup-go, a matching image), ` +
        `or make golang.org/toolchain reachable through GOPROXY; ${code('GOTOOLCHAIN=local')} only helps when the local go is new enough.`
      );
    }
    case 'vanity-import': {
      const target = module ?? host ?? 'the import path';
      if (input.ruleId === 'go-insecure-protocol')
        return (
          `go get refuses to fetch ${host ?? 'the repository'} over plain http: the host (or its go-import meta tag) gives an http:// address, usually because its https is broken or missing. ` +
          `Serve the repository over https with a valid certificate (and an https:// address in the meta tag), or fetch it through a GOPROXY that has it cached; ` +
          `only for a host you trust, allow it explicitly: ${code(`GOINSECURE=${host ?? '<host>'}`)} (GOPATH-mode ${code('go get -insecure')}).`
        );
      return (
        `go could not resolve ${target} through its vanity-import lookup (${code('?go-get=1')} meta tag): the host answers with an expired or wrong certificate, an error page, no go-import meta tag, or has stopped serving the path (git.apache.org, gopkgs.com). ` +
        `Check ${code(`curl -sv 'https://${target}?go-get=1'`)} from the agent; fetch the module through a GOPROXY that has it cached (${code('GOPROXY=https://proxy.golang.org,direct')}), ` +
        `or point the import at the real repository with ${code(`replace ${module ?? '<vanity path>'} => github.com/<owner>/<repo> <version>`)} (git.apache.org/thrift.git → github.com/apache/thrift).`
      );
    }
    case 'proxy-server-error': {
      const publicProxy = host === 'proxy.golang.org';
      const fallback = publicProxy
        ? 'https://proxy.golang.org|direct'
        : `${details['proxyBase'] ?? (host && host !== 'sum.golang.org' ? `https://${host}` : '<mirror URL>')}|https://proxy.golang.org,direct`;
      return (
        `The module proxy or mirror${host ? ` ${host}` : ''} failed on its side (HTTP 5xx, a 400/403/404 it should not give, a truncated or corrupt zip, a checksum-DB path it does not serve): the agent is not the problem. ` +
        `Confirm with ${code(`curl -sI ${details['origin'] ?? `https://${host ?? 'proxy.golang.org'}`}/`)}; retry later, or add a fallback that go uses on any error: ${code(`GOPROXY=${fallback}`)} ` +
        `(with ${code(',')} instead of ${code('|')} go moves to the next entry only after a 404 or 410, so a 5xx still fails the build${publicProxy ? '; direct fetches from the repositories, which needs git and egress to them' : '; public modules only'}). ` +
        `For a self-hosted Athens/Artifactory/goproxy: check its log for the upstream error, delete the bad cached file, and give it credentials for private repositories (or list them in GOPRIVATE so go fetches them directly).`
      );
    }
    case 'registry-auth':
      return npmFix({ ...input, ecosystem: 'npm' });
    case 'unknown':
      return UNKNOWN_FIX;
  }
}

/** How each npm-family tool is configured: npm and pnpm read .npmrc, yarn 1 reads .npmrc (and .yarnrc), yarn 2+ reads only .yarnrc.yml. */
function jsToolOf(details: Readonly<Record<string, string | undefined>>): JsTool {
  const tool = details['jsTool'];
  return tool === 'pnpm' || tool === 'yarn' || tool === 'yarn-berry' ? tool : 'npm';
}

/** Where the registry URL is set, for the whole project or one scope. */
function registrySetting(tool: JsTool, url: string, scope: string | undefined): string {
  if (tool === 'yarn-berry')
    return scope
      ? `${code(`npmScopes: { ${scope.slice(1)}: { npmRegistryServer: "${url}" } }`)} in .yarnrc.yml (yarn 2+ ignores .npmrc)`
      : `${code(`npmRegistryServer: "${url}"`)} in .yarnrc.yml (yarn 2+ ignores .npmrc)`;
  return scope ? `${code(`${scope}:registry=${url}`)} in .npmrc` : `${code(`registry=${url}`)} in .npmrc`;
}

/** Where the token goes: .npmrc keys it by the registry URL without the scheme ("nerf dart"); yarn 2+ by scope or registry in .yarnrc.yml. */
function tokenSetting(tool: JsTool, nerf: string, scope: string | undefined): string {
  if (tool === 'yarn-berry')
    return scope
      ? `${code(`npmScopes: { ${scope.slice(1)}: { npmRegistryServer: "https:${nerf}", npmAuthToken: "\${NPM_TOKEN}" } }`)} in .yarnrc.yml (yarn 2+ ignores .npmrc)`
      : `${code(`npmRegistries: { "${nerf.replace(/\/$/, '')}": { npmAuthToken: "\${NPM_TOKEN}" } }`)} in .yarnrc.yml (or YARN_NPM_AUTH_TOKEN for the default registry; yarn 2+ ignores .npmrc)`;
  return (
    `${code(`${nerf}:_authToken=\${NPM_TOKEN}`)} in the project's .npmrc` +
    (scope ? ` with ${code(`${scope}:registry=https:${nerf}`)}` : '') +
    (tool === 'yarn' ? ' (yarn 1 reads .npmrc)' : '')
  );
}

function registryQuery(tool: JsTool): string {
  return tool === 'yarn-berry'
    ? code('yarn config get npmRegistryServer')
    : tool === 'yarn'
      ? code('yarn config get registry')
      : code(`${tool} config get registry`);
}

function lockfileOf(tool: JsTool): string {
  return tool === 'pnpm' ? 'pnpm-lock.yaml' : tool === 'npm' ? 'package-lock.json' : 'yarn.lock';
}

function cacheClean(tool: JsTool): string {
  return tool === 'pnpm'
    ? code('pnpm store prune')
    : tool === 'yarn-berry'
      ? code('yarn cache clean --all')
      : tool === 'yarn'
        ? code('yarn cache clean')
        : code('npm cache clean --force');
}

function npmFix(input: FixInput): string {
  const { module, version, details } = input;
  const tool = jsToolOf(details);
  const toolName = tool === 'yarn-berry' ? 'yarn' : tool;
  const spec = module ? (version ? `${module}@${version}` : module) : undefined;
  // The registry the log names; without one, the one the project is configured for (registry.npmjs.org by default).
  const named = details['host'];
  const registry = named ?? 'the configured npm registry';
  const registryUrl = details['registry'] ? `https:${details['registry']}` : named ? `https://${named}/` : '<registry URL>';
  const nerf = details['registry'] ?? (named ? `//${named}/` : '//<registry host>/');
  const scope = module && module.startsWith('@') ? module.split('/')[0] : undefined;
  const whichRegistry = named ? '' : ` (which registry: ${registryQuery(tool)} on the agent and the resolved URLs in ${lockfileOf(tool)})`;
  switch (input.category) {
    case 'proxy-unreachable':
      return (
        `The agent cannot reach ${named ? `the registry ${named}` : 'the npm registry'}${whichRegistry}. Check DNS and firewall egress from the agent with ${code(`curl -v ${registryUrl}${module ?? ''}`)}, ` +
        `and if this network needs a mirror set it with ${registrySetting(tool, 'https://<mirror>/', undefined)}. Retry to rule out an outage, and cache the package manager's cache between builds.`
      );
    case 'corporate-proxy':
      return (
        `The HTTP(S) proxy between the agent and ${registry} refuses the connection or wants credentials. ` +
        (tool === 'yarn-berry'
          ? `Check httpProxy and httpsProxy in .yarnrc.yml (yarn 2+ ignores .npmrc; YARN_HTTPS_PROXY sets it from the environment): `
          : `Check proxy and https-proxy in .npmrc${tool === 'yarn' ? ' (or yarn config)' : ''}, or HTTPS_PROXY: `) +
        `http://user:password@host:port with the password from a CI secret, ` +
        `test with ${code(`curl -v -x "$HTTPS_PROXY" ${registryUrl}`)}, and list internal registries in noproxy / NO_PROXY.`
      );
    case 'tls-interception':
      if (details['retiredRoot'] || details['agentClock'] || details['clockBehind']) return agentTrustFix(details['host'] ?? registry, details);
      if (details['certExpired']) return expiredCertFix(details['host'] ?? registry, 'the registry in .npmrc');
      return (
        `A TLS-inspecting proxy re-signs traffic to ${registry} with a certificate Node does not trust. ` +
        `Give Node the corporate root CA: NODE_EXTRA_CA_CERTS=/path/to/corp-root-ca.pem in the CI environment (every Node tool reads it), or ` +
        (tool === 'yarn-berry'
          ? code('caFilePath: /path/to/corp-root-ca.pem') + ' in .yarnrc.yml. '
          : `${code('cafile=/path/to/corp-root-ca.pem')} in .npmrc. `) +
        `Do not turn off certificate checks (strict-ssl=false, enableStrictSsl: false, NODE_TLS_REJECT_UNAUTHORIZED=0): that disables the check that detects tampering.`
      );
    case 'version-not-found':
      if (details['gitRef'])
        return (
          `A git dependency names ${code(details['gitRef'])}, which ${details['gitRepo'] ? code(details['gitRepo']) : 'its repository'} does not have (a branch deleted or renamed, a tag never pushed, a commit rewritten away). ` +
          `List what exists with ${code(`git ls-remote ${details['gitRepo'] ?? '<repository URL>'}`)}, point package.json at an existing tag or commit (or at a published version of the package), and regenerate ${lockfileOf(tool)}.`
        );
      return (
        `${spec ?? 'The requested package'} is not published on ${registry}${whichRegistry}. Check the name and scope for typos, list what exists with ${code(`npm view ${module ?? '<package>'} versions --registry ${registryUrl}`)}, ` +
        `pin an existing version in package.json and regenerate ${lockfileOf(tool)}. ` +
        (scope
          ? `If ${scope} is a private scope, map it to the registry that hosts it (${registrySetting(tool, 'https://<your registry>/', scope)}) so ${toolName} does not ask the public registry.`
          : `If the package is private, point ${tool === 'yarn-berry' ? '.yarnrc.yml' : '.npmrc'} at the registry that hosts it.`)
      );
    case 'private-module-auth':
    case 'registry-auth':
      return (
        `${named ? `The registry ${named}` : 'The registry'} refused the request${spec ? ` for ${spec}` : ''}${whichRegistry} (E401/E403, or an integrity error because an auth or error page came back instead of the tarball): missing, expired or wrong-scope credentials, ` +
        `or a lockfile whose resolved URLs point at a private registry this agent has no token for. ` +
        `Add the token from a CI secret: ${tokenSetting(tool, nerf, scope)}; ` +
        (named === 'npm.pkg.github.com'
          ? `GitHub Packages needs a token with read:packages (a GITHUB_TOKEN only for packages the repository may read: grant it in the package's settings and ${code('permissions: packages: read')}); `
          : '') +
        `check it with ${tool === 'yarn-berry' ? code(`yarn npm whoami${scope ? ` --scope ${scope.slice(1)}` : ''}`) : code(`npm whoami --registry ${registryUrl}`)} and that it can read ${scope ?? spec ?? 'the package'}. ` +
        `If the lockfile pins another registry's URLs, regenerate it against the registry CI uses.`
      );
    case 'checksum-mismatch':
      return (
        `The tarball downloaded for ${spec ?? 'a package'} does not match the integrity hash in ${lockfileOf(tool)}. ` +
        `Clear the cache (${tool === 'npm' ? `${code('npm cache verify')} or ${code('npm cache clean --force')}` : cacheClean(tool)}) and reinstall to rule out a corrupted cache or a truncating proxy; ` +
        `if the registry really serves different content, find out why it changed before regenerating the lockfile entry from a trusted registry.`
      );
    case 'missing-go-sum': {
      const lock = lockfileOf(tool);
      const strict =
        tool === 'pnpm'
          ? `${code('pnpm install --frozen-lockfile')} (the default in CI)`
          : tool === 'yarn-berry'
            ? `${code('yarn install --immutable')} (the default in CI)`
            : tool === 'yarn'
              ? code('yarn install --frozen-lockfile')
              : code('npm ci');
      const local = tool === 'yarn-berry' || tool === 'yarn' ? code('yarn install') : code(`${tool} install`);
      return (
        `The lockfile is out of sync: ${lock} does not match package.json${spec ? ` (${spec})` : ''} (this category covers Go's go.sum and the npm-family lockfiles). ` +
        `${strict} never updates the lockfile: run ${local} locally with the same ${toolName} version as CI, commit ${lock} together with package.json, and keep the strict install in CI.`
      );
    }
    case 'proxy-disabled':
      return (
        `${toolName} runs offline / cache-only (${tool === 'yarn-berry' ? 'enableNetwork: false or enableOfflineMode' : "--offline, or cache mode 'only-if-cached'"}) and ${spec ?? 'a package'} is not in the cache. ` +
        `Allow the network for this step or restore a complete cache before it.`
      );
    case 'toolchain-mismatch': {
      if (input.ruleId === 'pnpm-lockfile-version')
        return (
          `pnpm-lock.yaml was written by another pnpm major than the one on the agent (its ${code('lockfileVersion')} is one this pnpm does not read), so a frozen install refuses it. ` +
          `Check which side moved: run ${code('pnpm --version')} in the failing step and compare it with the lockfile's ${code('lockfileVersion')} and the ${code('packageManager')} field. ` +
          `If the agent's pnpm changed (a new build image, corepack or ${code('npx pnpm')} picking the latest major), pin it (${code('packageManager')}, pnpm/action-setup's ${code('version:')}, the image's pnpm); ` +
          `if the lockfile was left behind, regenerate it with the pnpm CI runs (${code('pnpm install')} locally with that version) and commit it.`
        );
      if (input.ruleId === 'npm-without-scopes')
        return (
          `The npm on the agent is older than 2.0 and does not know scoped packages: it asked the registry for ${module ? code(module) : 'a scope name without its @'} instead of the ${code('@scope/name')} package.json lists. ` +
          `Upgrade npm (a current Node image, or ${code('npm install -g npm@latest-6')} on a very old Node), check with ${code('npm -v')} in the same step, and retry.`
        );
      if (input.ruleId === 'pnpm-node-too-new')
        return (
          `The pnpm on the agent is older than the Node it runs on: since Node 20 its registry requests fail with ERR_INVALID_THIS (URLSearchParams), whatever the package. ` +
          `Upgrade pnpm (pnpm/action-setup@v4 or its ${code('version:')}, the ${code('packageManager')} field corepack reads, or the pnpm in the image), or run the Node it was made for until then.`
        );
      if (details['engineTool'] === 'pnpm')
        return (
          `The project's ${code('engines.pnpm')} wants pnpm ${details['engineWanted'] ?? 'of another version'} but the agent runs pnpm ${details['engineCurrent'] ?? 'of another version'}. ` +
          `Install that pnpm in CI (pnpm/action-setup ${code('version:')}, the ${code('packageManager')} field corepack reads, or the image's pnpm), or relax ${code('engines.pnpm')} if the older pnpm is fine.`
        );
      const pnpmItself = /(?:^|\/)pnpm\/(\d[\w.-]*)$/.exec(details['enginePackage'] ?? '')?.[1];
      if (pnpmItself || details['pnpmItself'])
        return (
          `${pnpmItself ? `pnpm ${pnpmItself}` : 'This pnpm'} itself needs Node ${details['engineWanted'] ?? 'of another version'} but the agent runs ${details['engineCurrent'] ? `Node ${details['engineCurrent']}` : 'an older Node'}: the pnpm installer picked a release too new for this Node (a floating ${code('version: latest')}, ${code('corepack prepare pnpm@latest')} or a new action release). ` +
          `Pin pnpm to a release that supports this Node (pnpm/action-setup ${code('version:')}, ${code('packageManager')}), or set up the newer Node before installing pnpm.`
        );
      const wanted = details['nodeWanted'] ?? details['engineWanted'];
      const current = details['nodeCurrent'] ?? details['engineCurrent'];
      return (
        `${spec ?? 'A package'} needs Node ${wanted ?? 'of another version'} but the agent runs ${current ? `Node ${current}` : 'another version'}. ` +
        `Set up the required Node in CI (actions/setup-node node-version, .nvmrc, or the image tag), or pin ${module ?? 'the package'} to a version whose engines field accepts the current Node.`
      );
    }
    case 'disk-full':
      return diskFix(details['path'], 'npm', tool);
    case 'rate-limited':
      return (
        `${named ?? 'The registry'} is throttling the agent (HTTP 429). Authenticate to the registry (authenticated limits are higher), ` +
        `install through a caching registry proxy (Artifactory/Nexus/Verdaccio), cache the package manager's cache between builds, and retry with backoff.`
      );
    case 'proxy-server-error':
      if (details['badRequest'])
        return (
          `${named ?? 'The registry'} answered 400 Bad Request: the request does not fit the server. Most often the registry URL points at the wrong endpoint (a publish-only or web UI URL of Artifactory, Nexus or Verdaccio, a mistyped repository name) or a proxy in between rewrites the request. ` +
          `Check ${code(tool === 'npm' ? 'npm config get registry' : tool === 'pnpm' ? 'pnpm config get registry' : 'yarn config get registry')} and the resolved URLs in the lockfile, and fetch one package's metadata with ${code('curl -v <registry URL>/<package>')} from the agent.`
        );
      if (details['verdaccio'])
        return (
          `${named ?? 'The registry'} answered "no such package available": that is Verdaccio's (or Sinopia's) answer, so the build asks a Verdaccio mirror, and it could not get ${spec ?? 'the package'} from its uplink. ` +
          `Confirm the package exists upstream with ${code(`npm view ${module ?? '<package>'} versions --registry https://registry.npmjs.org/`)}; then check the mirror's log for the uplink error, its ${code('uplinks')} URL and proxy settings, and the ${code('packages')} rule that matches ${scope ? `the ${scope} scope (${code("'@*/*'")} needs ${code('proxy: npmjs')})` : 'the package'}. ` +
          `Meanwhile ${registrySetting(tool, 'https://registry.npmjs.org/', scope)} lets the build go round the mirror.`
        );
      return (
        `${named ?? 'The registry'} failed on its side (HTTP 5xx, a 404 or missing version for what it should serve: an outage, or a mirror that has not synced yet): the agent is not the problem. ` +
        `Retry later (${toolName} retries only a few times), or install from another registry mirror configured for the team; for a company mirror (Nexus, Artifactory, npmmirror), check its upstream sync and clear its cached metadata.`
      );
    case 'module-path-mismatch':
    case 'sumdb-unreachable':
    case 'replace-directive':
    case 'vendor-inconsistent':
    case 'toolchain-unavailable': {
      // npm never downloads itself this way: with no pnpm or yarn line in the log, name both.
      const pm = tool === 'pnpm' ? 'pnpm' : tool === 'npm' ? 'pnpm|yarn' : 'yarn';
      return (
        `The package manager itself could not be downloaded: Corepack (or ${code('yarn set version')}, pnpm's self-install) fetches the version that package.json's ${code('packageManager')} field names (${pm === 'pnpm|yarn' ? `${code('pnpm@<version>')} or ${code('yarn@<version>')}` : code(`${pm}@<version>`)}). ` +
        `Check that this version exists (${pm === 'yarn' ? code('npm view @yarnpkg/cli-dist versions') : pm === 'pnpm' ? code('npm view pnpm versions') : `${code('npm view pnpm versions')} / ${code('npm view @yarnpkg/cli-dist versions')}`}) and that the agent reaches the server it is fetched from (${code('COREPACK_NPM_REGISTRY')} points Corepack at a mirror); ` +
        `for builds without network, fetch it when the image is built (${code(`corepack prepare ${pm === 'pnpm|yarn' ? '<pnpm or yarn>' : pm}@<version> --activate`)}, or ${code(`npm install -g ${pm === 'pnpm|yarn' ? '<pnpm or yarn>' : pm}@<version>`)}${pm === 'pnpm' ? '' : `, or for yarn commit ${code('.yarn/releases')} with ${code('yarnPath')}`}).`
      );
    }
    case 'invalid-go-mod':
    case 'vanity-import':
    case 'proxy-config':
      return goFix({ ...input, ecosystem: 'go' });
    case 'unknown':
      return UNKNOWN_FIX;
  }
}

function diskFix(path: string | undefined, ecosystem: 'go' | 'npm', tool: JsTool = 'npm'): string {
  const clean = ecosystem === 'go' ? code('go clean -modcache') : cacheClean(tool);
  return (
    `The agent ran out of disk space (or inodes / quota)${path ? ` while writing ${path}` : ''}. ` +
    `Check with ${code('df -h && df -i')} on the agent, then free space: ${clean}, old workspaces and build artefacts, ${code('docker system prune')}, or enlarge the volume. ` +
    `Errors after this one in the log (unzip, checksum, unexpected EOF) are fallout from the truncated writes: re-run once space is free.`
  );
}

export const UNKNOWN_FIX =
  'No known dependency-download failure pattern was found in this log. Run `buildfix diagnose` on the repository ' +
  'to run the live checks (proxy and registry reachability, go.mod/go.sum, credentials, disk), and look at the first error in the log rather than the last.';

/** The fix text for a classified log. */
export function fixFor(input: FixInput): string {
  if (input.category === 'unknown') return UNKNOWN_FIX;
  return input.ecosystem === 'npm' ? npmFix(input) : goFix(input);
}
