/**
 * Categories and fixes for what breaks when go fetches a module `direct`:
 * resolving the import path (the vanity host and its go-import tags), then
 * git with the agent's set-up. Each fix names the command, file or setting
 * to change; none sends a module to a public proxy.
 */
import type { FindingCategory } from '../report/model.ts';

/** The category a direct-mode failure reason (GitCheckReason / SourceAttempt.failure) belongs to, if it is one. */
export function categoryForDirectFailure(failure: string | undefined): FindingCategory | undefined {
  if (failure === undefined) return undefined;
  if (failure === 'vanity:govcs') return 'proxy-config';
  if (failure.startsWith('vanity:')) return 'vanity-import';
  if (failure === 'credentials-rejected' || failure === 'ssh-auth' || failure === 'ssh-rewrite') return 'git-credentials';
  if (failure === 'vcs-missing') return 'host-environment';
  if (failure === 'auth') return 'private-module-auth';
  return undefined;
}

function hostOfModule(module: string): string {
  return module.split('/')[0] ?? module;
}

function hostOfUrl(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    return new URL(url).hostname;
  } catch {
    return /^[^/\s]+@([^/\s:]+):/.exec(url)?.[1];
  }
}

// The ssh:// prefix an insteadOf rule must match (the user part is masked in reports: ssh URLs almost always use "git").
function sshBase(url: string | undefined, host: string): string {
  try {
    const u = new URL(url ?? '');
    const user = u.username && u.username !== '***' ? u.username : 'git';
    return `ssh://${user}@${u.host}/`;
  } catch {
    return `ssh://git@${host}/`;
  }
}

/** The fix for one direct-mode failure; undefined when the generic fix of its category fits. */
export function fixForDirectFailure(failure: string | undefined, ctx: { module: string; repoUrl?: string }): string | undefined {
  const host = hostOfModule(ctx.module);
  const page = `https://${ctx.module}?go-get=1`;
  const repoHost = hostOfUrl(ctx.repoUrl) ?? host;
  switch (failure) {
    case 'vanity:dns':
      return `The import path's host ${host} does not resolve from this agent, so go cannot read ${page}. Fix DNS for ${host} on the agent (resolver, VPN, /etc/hosts), or serve it from an internal module proxy in GOPROXY (never a public one for a private module).`;
    case 'vanity:connect':
    case 'vanity:timeout':
    case 'vanity:network':
      return `go cannot fetch ${page} from this agent: open the firewall/proxy (HTTPS_PROXY, NO_PROXY) to ${host}:443; a host that only serves plain http should move to https (GOINSECURE=${host} accepts plain http and unverified certificates for it: a last resort, for an internal host only).`;
    case 'vanity:tls':
      return `${host} presents a certificate the agent does not trust: install its CA in the system trust store of the agent, or, as a last resort for an internal host only, add ${host} to GOINSECURE (it turns certificate checks off for that host).`;
    case 'vanity:insecure-redirect':
      return `${page} redirects to plain http, which go refuses: serve the page over https (GOINSECURE=${host} makes go follow it, but anyone on the path can then change what go downloads: a last resort, for an internal host only).`;
    case 'vanity:http-status':
    case 'vanity:no-meta':
    case 'vanity:multiple-meta':
    case 'vanity:disagree':
    case 'vanity:invalid-repo-root':
    case 'vanity:unknown-vcs':
      return `${page} must carry exactly one <meta name="go-import" content="<prefix> git <https repository URL>"> whose prefix starts the module path: fix the vanity server's configuration, or point go.mod at the repository with a replace directive.`;
    case 'vanity:govcs':
      return `GOVCS forbids the version control tool this module's repository needs: allow it for the module, e.g. GOVCS=${host}:git|hg|svn (go env -w GOVCS=… or the agent's environment), or serve it from an internal module proxy in GOPROXY (never a public one for a private module).`;
    case 'vanity:bad-path':
      return `The module path ${ctx.module} is not one go can resolve: correct it in go.mod and in every import.`;
    case 'vanity:ssh-meta':
      return `The go-import tag sends go to ${ctx.repoUrl ?? 'an ssh:// URL'}, and this agent has no ssh access there. Either make git use https for it: git config --global url."https://${repoHost}/".insteadOf "${sshBase(ctx.repoUrl, repoHost)}" (with an https token in ~/.netrc or a credential helper), or give the build user an ssh key for ${repoHost} (and its host key in ~/.ssh/known_hosts), or change the meta tag to an https URL.`;
    case 'ssh-rewrite':
      return `The build user's ~/.gitconfig rewrites https://${repoHost}/ to ssh (url.<base>.insteadOf), and ssh to ${repoHost} fails: give the build user a key for ${repoHost} (and its host key in ~/.ssh/known_hosts) with port 22 open, or remove the rewrite (git config --global --remove-section url.<base>) and use an https token in ~/.netrc.`;
    case 'unreachable':
    case 'timeout':
      return `git cannot reach ${ctx.repoUrl ?? repoHost} from this agent: check DNS, the firewall and HTTPS_PROXY/NO_PROXY for ${repoHost} (git uses the same proxy variables), or serve the module from an internal module proxy in GOPROXY (never a public one for a private module).`;
    case 'git-missing':
      return 'Install git on the agent (on the PATH of the build user): go runs it for every module it fetches direct.';
    case 'error':
      return `Run git ls-remote ${ctx.repoUrl ?? `https://${ctx.module}`} as the build user on the agent (GIT_TERMINAL_PROMPT=0) to see why git fails there.`;
    case 'tls':
      return `git does not trust the certificate of ${repoHost}: install the issuing CA in the agent's trust store, or point git at it for that host only: git config --global http.https://${repoHost}/.sslCAInfo /path/to/ca.pem (never http.sslVerify=false).`;
    case 'vcs-missing':
      return `Install the version control tool the module's go-import tag names on the agent (and on the build user's PATH), or serve it from an internal module proxy in GOPROXY (never a public one for a private module).`;
    case 'credentials-rejected':
      return `The agent's git credentials for ${repoHost} were rejected: renew the token in ~/.netrc or the credential helper of the build user, and check it may read ${ctx.repoUrl ?? 'the repository'}.`;
    case 'ssh-auth':
      return `ssh to ${repoHost} is refused: add a key with read access for the build user (~/.ssh, ssh-agent) and ${repoHost}'s host key to ~/.ssh/known_hosts, or use https: git config --global url."https://${repoHost}/".insteadOf "git@${repoHost}:".`;
    case 'auth':
      return `Give the build user git credentials for ${repoHost}: a ~/.netrc entry (machine ${repoHost} login <user> password <token>, chmod 600) or a credential helper; go runs git with prompts disabled. Keep ${host} in GOPRIVATE.`;
    default:
      return undefined;
  }
}
