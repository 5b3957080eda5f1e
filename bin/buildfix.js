#!/usr/bin/env node
// Launcher. In a checkout it runs the TypeScript sources directly (Node >= 22.18
// strips types; npm scripts run on the Node pinned in devDependencies), so an
// old build can never shadow the code you are editing. A package without
// src/ (the Docker image) runs the compiled dist/.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const source = fileURLToPath(new URL('../src/cli/main.ts', import.meta.url));
const compiled = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));
const { main } = await import(existsSync(source) ? source : compiled);
const code = await main(process.argv.slice(2));
// One-shot commands are done: do not wait for idle keep-alive sockets to time out.
process.exit(code);
