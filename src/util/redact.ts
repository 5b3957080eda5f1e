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
  for (const secret of registered) {
    if (out.includes(secret)) out = out.split(secret).join('***');
  }
  for (const [re, replacement] of PATTERNS) out = out.replace(re, replacement);
  return out;
}

/** Mask the password part of a URL-ish value; keep the rest readable. */
export function maskUrlCredentials(value: string): string {
  return value.replace(/(\b[a-z][a-z0-9+.-]*:\/\/)([^/\s:@]+)(?::[^/\s@]*)?@/gi, (_m, scheme: string, user: string) => `${scheme}${user}:***@`);
}
