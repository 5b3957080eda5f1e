#!/usr/bin/env node
// Launcher: plain JavaScript that any Node >= 20 can start.
//
// buildfix itself needs Node >= 22.18: the checkout runs its TypeScript
// sources directly (type stripping), and both the sources and the bundle in
// dist/ use node:tls APIs that older versions lack. When the Node that started
// this file is older, the launcher runs the same command on the runtime the
// package pins (the `node` npm package, a dependency, so it is installed with
// buildfix wherever buildfix is installed) and passes its exit code through.
//
// In a checkout (src/ present) the sources run, so an old build never shadows
// the code you are editing; a package without src/ runs the bundle in dist/
// (`npm run build`).
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import module, { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const MIN = [22, 18];

/** @param {string} version "24.1.0" @returns {boolean} */
function supportsBuildfix(version) {
  const [major = 0, minor = 0] = version.split('.').map(Number);
  return major > MIN[0] || (major === MIN[0] && minor >= MIN[1]);
}

/** The pinned runtime's executable, or undefined when the `node` package is not installed. */
function pinnedRuntime() {
  try {
    const pkg = createRequire(import.meta.url).resolve('node/package.json');
    const bin = join(dirname(pkg), 'bin', process.platform === 'win32' ? 'node.exe' : 'node');
    return existsSync(bin) ? bin : undefined;
  } catch {
    return undefined;
  }
}

const self = fileURLToPath(import.meta.url);

if (!supportsBuildfix(process.versions.node)) {
  const runtime = process.env.BUILDFIX_RELAUNCHED ? undefined : pinnedRuntime();
  if (!runtime) {
    process.stderr.write(
      `buildfix: needs Node.js 22.18 or newer, this is ${process.version}, and the pinned runtime (the \`node\` package) is not installed.\n` +
        'Run `npm ci` in the checkout (or reinstall buildfix) to install it, or start buildfix with a newer node.\n',
    );
    process.exit(2);
  }
  const child = spawn(runtime, [self, ...process.argv.slice(2)], {
    stdio: 'inherit',
    env: { ...process.env, BUILDFIX_RELAUNCHED: '1' },
  });
  // Ctrl-C in a terminal reaches the whole foreground process group, the child
  // included: the launcher only waits for it. Signals sent to the launcher's
  // pid alone (kill, a process manager) are passed on.
  process.on('SIGINT', () => {});
  for (const signal of /** @type {const} */ (['SIGTERM', 'SIGHUP', 'SIGQUIT'])) {
    process.on(signal, () => child.kill(signal));
  }
  child.on('error', (err) => {
    process.stderr.write(`buildfix: cannot start the pinned runtime ${runtime}: ${err.message}\n`);
    process.exit(2);
  });
  child.on('exit', (code, signal) => {
    if (signal) {
      process.removeAllListeners(signal);
      process.kill(process.pid, signal);
      return;
    }
    process.exit(code ?? 2);
  });
} else {
  // V8's compiled code (and Node's type-stripped sources) cached on disk between
  // runs: a one-shot command starts in about half the time. Keyed by file
  // contents, so an edit is never served stale. NODE_COMPILE_CACHE moves or
  // NODE_DISABLE_COMPILE_CACHE=1 turns it off.
  module.enableCompileCache?.();
  const source = fileURLToPath(new URL('../src/cli/main.ts', import.meta.url));
  const compiled = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));
  const entry = existsSync(source) ? source : compiled;
  if (!existsSync(entry)) {
    process.stderr.write(`buildfix: neither ${source} nor ${compiled} exists; run \`npm run build\` to create the bundle.\n`);
    process.exit(2);
  }
  const { main } = await import(entry);
  const code = await main(process.argv.slice(2));
  // One-shot commands are done: do not wait for idle keep-alive sockets to time out.
  process.exit(code);
}
