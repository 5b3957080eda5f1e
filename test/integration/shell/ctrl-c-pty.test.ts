/**
 * Ctrl-C as a person presses it, through a real pseudo-terminal (util-linux
 * `script`): in `buildfix shell` it cancels the running job (the job's
 * requests stop, the prompt returns, "cancelled" is said once), answers a
 * [y/N] question with no, and twice at an idle prompt leaves (Ctrl-D warns
 * first while in-memory incidents are open). A one-shot `diagnose` exits 130
 * with "cancelled", never a report made from its own cancelled requests.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server, type Socket } from 'node:net';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { BIN, NODE } from '../../helpers/run-cli.ts';

const CTRL_C = '\u0003';
const CTRL_D = '\u0004';

interface Pty {
  child: ChildProcess;
  output(): string;
  /** Waits until the output after `from` matches. */
  waitFor(pattern: RegExp, from?: number, timeoutMs?: number): Promise<number>;
  send(text: string): void;
  exit: Promise<number | null>;
}

function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

function startPty(args: string[], env: Record<string, string>): Pty {
  const command = [NODE, BIN, ...args].map(shellQuote).join(' ');
  const child = spawn('script', ['-qfec', command, '/dev/null'], {
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/tmp', TERM: 'dumb', NO_COLOR: '1', LOG_LEVEL: 'warn', ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return {
    child,
    output: () => out,
    exit,
    send: (text) => child.stdin?.write(text),
    async waitFor(pattern, from = 0, timeoutMs = 15_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const tail = out.slice(from);
        const m = pattern.exec(tail);
        if (m) return from + m.index + m[0].length;
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${pattern}; output:\n${out}`);
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
    },
  };
}

/** A GOPROXY that accepts connections and never answers: a job against it runs until cancelled. */
async function startHangingProxy(): Promise<{ url: string; open: () => number; accepted: () => number; close: () => Promise<void> }> {
  const sockets = new Set<Socket>();
  let accepted = 0;
  const server: Server = createServer((socket) => {
    accepted++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}`,
    open: () => sockets.size,
    accepted: () => accepted,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

async function eventually(what: string, check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

function count(text: string, pattern: RegExp): number {
  return text.match(new RegExp(pattern.source, 'g'))?.length ?? 0;
}

describe('Ctrl-C through a pseudo-terminal', () => {
  let work: string;
  let proxy: Awaited<ReturnType<typeof startHangingProxy>>;
  let env: Record<string, string>;
  const started: Pty[] = [];
  const pty = (args: string[]): Pty => {
    const p = startPty(args, env);
    started.push(p);
    return p;
  };

  before(async () => {
    proxy = await startHangingProxy();
    work = await mkdtemp(join(tmpdir(), 'buildfix-ctrlc-'));
    await mkdir(join(work, 'payments'));
    await writeFile(join(work, 'payments', 'go.mod'), 'module example.com/payments\n\ngo 1.19\n\nrequire example.com/ledger v1.9.9\n');
    env = { GOPROXY: proxy.url, GOSUMDB: 'off', GOFLAGS: '-mod=mod', REQUEST_TIMEOUT_MS: '60000' };
  });
  after(async () => {
    for (const p of started) if (p.child.exitCode === null) p.child.kill('SIGKILL');
    await proxy.close();
    await rm(work, { recursive: true, force: true });
  });

  it('shell: Ctrl-C cancels the running job (the dispatcher stops it), the prompt returns, "cancelled" once', async () => {
    const p = pty(['shell']);
    let at = await p.waitFor(/buildfix> /);
    const before = proxy.accepted();
    p.send(`diagnose ${join(work, 'payments')}\r`);
    at = await p.waitFor(/diagnose .*payments/, at);
    await eventually('the job reaches the proxy', () => proxy.accepted() > before && proxy.open() > 0);
    const pressed = Date.now();
    p.send(CTRL_C);
    at = await p.waitFor(/cancelled\r?\n/, at);
    await p.waitFor(/buildfix> /, at);
    const elapsed = Date.now() - pressed;
    assert.ok(elapsed < 3000, `the prompt came back ${elapsed} ms after Ctrl-C`);
    assert.equal(count(p.output(), /cancelled/), 1, p.output());
    // The dispatcher stopped the job: nothing runs any more (the shell answers the next command).
    p.send('status\r');
    const statusAt = await p.waitFor(/active \d+/, at);
    const status = p.output().slice(at, statusAt);
    assert.match(status, /running 0/);
    assert.match(status, /active 0/);
    assert.doesNotMatch(p.output().slice(at), /unreachable|Root cause|failed:/);
    p.send('exit\r');
    assert.equal(await p.exit, 0, p.output());
  });

  it('shell: Ctrl-C at a [y/N] question means no, said once; twice at an idle prompt leaves with 0', async () => {
    const p = pty(['shell']);
    let at = await p.waitFor(/buildfix> /);
    p.send(`cache clear ${hostname()}\r`);
    at = await p.waitFor(/\[y\/N\] /, at);
    p.send(CTRL_C);
    at = await p.waitFor(/Cancelled; nothing was done\./, at);
    at = await p.waitFor(/buildfix> /, at);
    assert.equal(count(p.output(), /[Cc]ancelled/), 1, p.output());
    p.send(CTRL_C);
    await p.waitFor(/Press Ctrl-C again to leave/, at);
    p.send(CTRL_C);
    assert.equal(await p.exit, 0, p.output());
    assert.doesNotMatch(p.output(), /readline was closed|unexpected error/);
  });

  it('shell: Ctrl-D with an open in-memory incident warns first, the second leaves', async () => {
    const p = pty(['shell']);
    let at = await p.waitFor(/buildfix> /);
    p.send('incident open proxy down\r');
    at = await p.waitFor(/#1/, at);
    at = await p.waitFor(/buildfix> /, at);
    p.send(CTRL_D);
    at = await p.waitFor(/1 open incident \(#1\) live only in this shell's memory and will be lost\. Press Ctrl-D again/, at);
    await p.waitFor(/buildfix> /, at);
    assert.equal(p.child.exitCode, null, 'still running after the first Ctrl-D');
    p.send(CTRL_D);
    assert.equal(await p.exit, 0, p.output());
  });

  it('one-shot diagnose: Ctrl-C exits 130 with "cancelled", no report from its own cancelled requests', async () => {
    const p = pty(['diagnose', join(work, 'payments')]);
    const before = proxy.accepted();
    await eventually('the diagnosis reaches the proxy', () => proxy.accepted() > before);
    p.send(CTRL_C);
    const code = await p.exit;
    assert.equal(code, 130, p.output());
    assert.match(p.output(), /cancelled/);
    assert.doesNotMatch(p.output(), /unreachable|Root cause|problems? found/i);
  });
});
