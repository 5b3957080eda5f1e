/**
 * Secret hygiene for anything that leaves the process as text (logs, chat
 * messages, command output tails). Known secret values are registered once at
 * start; patterns catch the common shapes we did not register.
 */
const registered = new Set<string>();

/** Remember a secret value so it is masked wherever it appears later. */
export function registerSecret(value: string | undefined): void {
  if (value && value.length >= 4) registered.add(value);
}

/**
 * The process's own secrets, read from the environment at each call (cheap,
 * and right even when the variables are set after this module loaded), so a
 * value someone types into chat or a CI payload carries is masked wherever
 * it is echoed, whether or not anyone called registerSecret.
 */
const SECRET_ENV = [
  'SLACK_BOT_TOKEN',
  'SLACK_SIGNING_SECRET',
  'SLACK_APP_TOKEN',
  'JENKINS_API_TOKEN',
  'JENKINS_WEBHOOK_TOKEN',
  'GITHUB_WEBHOOK_SECRET',
  'GITLAB_WEBHOOK_TOKEN',
  'GITHUB_TOKEN',
  'GITLAB_TOKEN',
] as const;
const PROXY_ENV = ['HTTP_PROXY', 'HTTPS_PROXY', 'ALL_PROXY', 'http_proxy', 'https_proxy', 'all_proxy'] as const;

function envSecrets(): string[] {
  const out: string[] = [];
  for (const name of SECRET_ENV) {
    const v = process.env[name];
    if (v && v.length >= 4) out.push(v);
  }
  for (const name of PROXY_ENV) {
    const v = process.env[name];
    if (!v) continue;
    const m = /^[a-z][a-z0-9+.-]*:\/\/[^/\s:@]*:([^/\s@]+)@/i.exec(v);
    if (m?.[1] && m[1].length >= 4) {
      out.push(m[1]);
      try {
        const decoded = decodeURIComponent(m[1]);
        if (decoded !== m[1]) out.push(decoded);
      } catch {
        /* not percent-encoded */
      }
    }
  }
  return out;
}

const PATTERNS: Array<[RegExp, string]> = [
  // user:password@ in URLs (proxy URLs, git remotes)
  [/(\b[a-z][a-z0-9+.-]*:\/\/)([^/\s:@]+):([^/\s@]+)@/gi, '$1$2:***@'],
  // Slack tokens
  [/\bxox[abposr]-[A-Za-z0-9-]+/g, 'xox*-***'],
  [/\bxapp-[A-Za-z0-9-]+/g, 'xapp-***'],
  // GitHub / GitLab tokens
  [/\b(gh[pousr]_[A-Za-z0-9]{20,})/g, 'gh*_***'],
  [/\bglpat-[A-Za-z0-9_-]{10,}/g, 'glpat-***'],
  // Authorization headers and netrc passwords
  [/(authorization:\s*(?:basic|bearer)\s+)[^\s"']+/gi, '$1***'],
  [/(\bpassword\s+)\S+/gi, '$1***'],
  [/([?&](?:token|access_token|private_token|api_token)=)[^&\s"']+/gi, '$1***'],
];

export function redactText(text: string): string {
  let out = text;
  for (const secret of [...registered, ...envSecrets()]) {
    if (out.includes(secret)) out = out.split(secret).join('***');
    const encoded = encodeURIComponent(secret);
    if (encoded !== secret && out.includes(encoded)) out = out.split(encoded).join('***');
  }
  for (const [re, replacement] of PATTERNS) out = out.replace(re, replacement);
  return out;
}

/** Mask the password part of a URL-ish value; keep the rest readable. */
export function maskUrlCredentials(value: string): string {
  return value.replace(/(\b[a-z][a-z0-9+.-]*:\/\/)([^/\s:@]+)(?::[^/\s@]*)?@/gi, (_m, scheme: string, user: string) => `${scheme}${user}:***@`);
}

/** redactText on every string inside a JSON-like value (Block Kit blocks, a webhook answer); other values as they are. */
export function redactDeep<T>(value: T): T {
  if (typeof value === 'string') return redactText(value) as T;
  if (Array.isArray(value)) return value.map((v: unknown) => redactDeep(v)) as T;
  if (value && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) out[k] = redactDeep(v);
    return out as T;
  }
  return value;
}
