/**
 * Whether a module host is a company's private server. Public vanity hosts
 * are countless (go.uber.org, honnef.co, mvdan.cc…), so "not on a list of
 * public hosts" would flood users with false alarms; only positive signals
 * count: hosts named in the config's repo URLs, private TLDs, and labels
 * people give internal git servers.
 */

const PRIVATE_TLD = /\.(corp|internal|intranet|intra|local|lan|private|localdomain|home\.arpa)$/;
const PRIVATE_LABEL = /(^|\.)(corp|internal|intranet|intra|scm|gitea|gerrit|stash)(\.|$)|^(git|gitlab|bitbucket|code|source|vcs)\./;

export function looksPrivateHost(host: string, privateHosts: readonly string[] = []): boolean {
  const h = host.toLowerCase();
  if (privateHosts.some((p) => h === p.toLowerCase() || h.endsWith(`.${p.toLowerCase()}`))) return true;
  if (!h.includes('.')) return true;
  if (isPublicModuleHost(h)) return false;
  return PRIVATE_TLD.test(h) || PRIVATE_LABEL.test(h);
}

export function looksPrivateModule(modulePath: string, privateHosts: readonly string[] = []): boolean {
  return looksPrivateHost(modulePath.split('/')[0] ?? '', privateHosts);
}

const PUBLIC_MODULE_DOMAINS = [
  'github.com',
  'gitlab.com',
  'bitbucket.org',
  'golang.org',
  'google.golang.org',
  'gopkg.in',
  'go.uber.org',
  'k8s.io',
  'cloud.google.com',
  'googlesource.com',
  'go.opentelemetry.io',
  'go.opencensus.io',
  'etcd.io',
  'honnef.co',
  'gotest.tools',
  'go.mongodb.org',
  'gorm.io',
  'mvdan.cc',
  'rsc.io',
  'filippo.io',
  'go.yaml.in',
  'dario.cat',
  'gocloud.dev',
  'golang.zx2c4.com',
  'modernc.org',
  'lukechampine.com',
  'nhooyr.io',
  'cuelang.org',
  'cel.dev',
  'go.starlark.net',
  'go.temporal.io',
  'tailscale.com',
  'connectrpc.com',
  'buf.build',
  'entgo.io',
  'go.mozilla.org',
  'go.elastic.co',
  'go.step.sm',
  'helm.sh',
  'oras.land',
  'istio.io',
  'knative.dev',
  'sourcegraph.com',
  'code.gitea.io',
  'gitea.com',
  'codeberg.org',
  'sr.ht',
  'launchpad.net',
  'gonum.org',
  'gioui.org',
  'fyne.io',
  'go4.org',
  'inet.af',
  'storj.io',
  'gvisor.dev',
  'tags.cncf.io',
  'ariga.io',
  'bou.ke',
  'howett.net',
  'pgregory.net',
  'zombiezen.com',
  'go.etcd.io',
  'sigs.k8s.io',
  'go.podman.io',
  'go.mau.fi',
  'golang.design',
  'gocv.io',
  'aead.dev',
  'layeh.com',
  'go.lsp.dev',
  'go.bug.st',
  'go.einride.tech',
  'go.jetify.com',
  'go.abhg.dev',
  'go.nhat.io',
  'go.pennock.tech',
  'chainguard.dev',
  'sigstore.dev',
  'hashicorp.com',
  'docker.com',
  'opencensus.io',
  'apache.org',
  'microsoft.com',
  'azure.com',
  'amazon.com',
  'aws.dev',
];

/** True for hosts that serve public Go modules (github.com, golang.org, gopkg.in, k8s.io and friends). */
export function isPublicModuleHost(host: string): boolean {
  const h = host.toLowerCase();
  return PUBLIC_MODULE_DOMAINS.some((d) => h === d || h.endsWith(`.${d}`));
}
