/**
 * Where the proof tests send CI webhooks: `buildfix serve` itself when it
 * mounts POST /webhooks/{jenkins,github,gitlab}; otherwise the webhook
 * listener from src/webhooks in a process of its own with the same
 * environment (webhook-listener-process.ts). The choice is made by asking
 * serve: an unsigned POST answered 401 (or "not enabled") means mounted.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { freePort } from '../../fakes/goproxy-server.ts';

const SCRIPT = fileURLToPath(new URL('./webhook-listener-process.ts', import.meta.url));

export interface WebhookTarget {
  /** http://127.0.0.1:PORT, to which /webhooks/<source> is appended. */
  origin: string;
  mode: 'serve' | 'own-process';
  output(): string;
  stop(): Promise<number | null>;
  readonly exited: boolean;
}

export async function serveMountsWebhooks(serveUrl: string): Promise<boolean> {
  const res = await fetch(`${serveUrl}/webhooks/github`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-github-event': 'ping' },
    body: '{}',
  });
  const text = await res.text();
  return res.status === 401 || (res.status === 404 && /not enabled/.test(text));
}

export async function startWebhookTarget(serveUrl: string, env: Record<string, string>): Promise<WebhookTarget> {
  if (await serveMountsWebhooks(serveUrl)) {
    return { origin: serveUrl, mode: 'serve', output: () => '', stop: async () => 0, exited: false };
  }
  const port = await freePort();
  const child = spawn(process.execPath, [SCRIPT, String(port)], {
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/tmp', NO_COLOR: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let exited = false;
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => ((exited = true), resolve(code))));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`webhook listener not ready:\n${out}`)), 15_000);
    const onData = (d: Buffer): void => {
      out += d.toString();
      if (/webhook listener on \d+/.test(out)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    void exit.then((code) => {
      clearTimeout(timer);
      reject(new Error(`webhook listener exited with ${code}:\n${out}`));
    });
  });
  return {
    origin: `http://127.0.0.1:${port}`,
    mode: 'own-process',
    output: () => out,
    get exited() {
      return exited;
    },
    async stop() {
      if (exited) return child.exitCode;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      const code = await exit;
      clearTimeout(timer);
      return code;
    },
  };
}
