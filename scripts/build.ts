/**
 * `npm run build`: bundles the TypeScript sources into dist/ with esbuild.
 *
 * Why a bundle and not one .js per .ts: a one-shot `buildfix diagnose` spends
 * most of its start-up resolving, reading and compiling hundreds of small
 * module files (undici, execa, zod, yaml and ours). One ESM bundle with
 * code-split chunks per command loads in a fraction of that
 * (docs/benchmarks.md). Packages that read their own files at run time or
 * start worker threads from paths (pino's transports, BullMQ, ioredis, Bolt,
 * prom-client) stay external and load from node_modules.
 *
 * Entry points keep their source paths under dist/ (dist/cli/main.js,
 * dist/slack/handler-thread.js); shared code goes to dist/chunks/.
 * Type checking is `npm run typecheck` (part of `npm test`).
 *
 *   node scripts/build.ts [--outdir DIR]
 */
import { build } from 'esbuild';
import { readFile, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** Resolved from node_modules at run time, never bundled. */
export const EXTERNAL_PACKAGES = ['@slack/bolt', 'bullmq', 'ioredis', 'pino', 'pino-pretty', 'prom-client'] as const;

/** Files started by path (worker threads) besides the CLI. */
export const ENTRY_POINTS = ['src/cli/main.ts', 'src/slack/handler-thread.ts'] as const;

async function main(argv: string[]): Promise<void> {
  const i = argv.indexOf('--outdir');
  const outdir = resolve(ROOT, i >= 0 && argv[i + 1] ? argv[i + 1] : 'dist');
  const pkg = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
  for (const name of EXTERNAL_PACKAGES) if (!(name in pkg.dependencies)) throw new Error(`external package ${name} is not a production dependency`);
  await rm(outdir, { recursive: true, force: true });
  const result = await build({
    absWorkingDir: ROOT,
    entryPoints: [...ENTRY_POINTS],
    outbase: 'src',
    outdir,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node22',
    chunkNames: 'chunks/[name]-[hash]',
    external: [...EXTERNAL_PACKAGES],
    // Bundled CommonJS packages (undici) call require() for Node's built-ins.
    banner: { js: "import { createRequire as __buildfixCreateRequire } from 'node:module';\nconst require = __buildfixCreateRequire(import.meta.url);" },
    sourcemap: true,
    legalComments: 'linked',
    logLevel: 'warning',
    metafile: true,
  });
  const outputs = Object.entries(result.metafile.outputs).filter(([f]) => f.endsWith('.js'));
  const bytes = outputs.reduce((n, [, o]) => n + o.bytes, 0);
  process.stdout.write(`buildfix: bundled ${ENTRY_POINTS.length} entry points into ${outputs.length} files (${(bytes / 1024).toFixed(0)} KiB) in ${outdir}\n`);
}

await main(process.argv.slice(2));
