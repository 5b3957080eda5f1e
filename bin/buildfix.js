#!/usr/bin/env node
// Launcher. In a checkout it runs the TypeScript sources directly (Node >= 22.18
// strips types; npm scripts run on the Node pinned in devDependencies), so an
// old build can never shadow the code you are editing. A package without
// src/ (the Docker image, an installed package) runs the bundle in dist/
// (`npm run build`).
import { existsSync } from 'node:fs';
import module from 'node:module';
import { fileURLToPath } from 'node:url';

// V8's compiled code (and Node's type-stripped sources) cached on disk between
// runs: a one-shot command starts in about half the time. Keyed by file
// contents, so an edit is never served stale. NODE_COMPILE_CACHE moves or
// NODE_DISABLE_COMPILE_CACHE=1 turns it off.
module.enableCompileCache?.();

const source = fileURLToPath(new URL('../src/cli/main.ts', import.meta.url));
const compiled = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));
const { main } = await import(existsSync(source) ? source : compiled);
const code = await main(process.argv.slice(2));
// One-shot commands are done: do not wait for idle keep-alive sockets to time out.
process.exit(code);
