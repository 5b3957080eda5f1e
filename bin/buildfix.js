#!/usr/bin/env node
// Launcher: runs the compiled build when present, else the TypeScript sources
// directly (Node >= 22.18 strips types natively; npm scripts run on the pinned
// Node from devDependencies).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const compiled = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));
const entry = existsSync(compiled) ? compiled : fileURLToPath(new URL('../src/cli/main.ts', import.meta.url));
const { main } = await import(entry);
process.exitCode = await main(process.argv.slice(2));
