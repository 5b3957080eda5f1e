/** The shipped form of buildfix, for benchmarks: `npm run build` into a temp app directory without src/. */
import { spawn } from 'node:child_process';
import { cp, mkdir, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** dist/ (scripts/build.ts --outdir), bin/, package.json and node_modules in `<dir>/app`, like the image's /app. Returns its bin/buildfix.js. */
export async function buildShippedApp(dir: string): Promise<string> {
  const app = join(dir, 'app');
  await mkdir(app, { recursive: true });
  const build = spawn(process.execPath, [join(ROOT, 'scripts/build.ts'), '--outdir', join(app, 'dist')], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  build.stdout.on('data', (d: Buffer) => (out += d.toString()));
  build.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const code = await new Promise<number | null>((resolve) => build.once('exit', resolve));
  if (code !== 0) throw new Error(`npm run build failed (exit ${code}):\n${out.slice(0, 2000)}`);
  await cp(join(ROOT, 'bin'), join(app, 'bin'), { recursive: true });
  await cp(join(ROOT, 'package.json'), join(app, 'package.json'));
  await symlink(join(ROOT, 'node_modules'), join(app, 'node_modules'));
  return join(app, 'bin/buildfix.js');
}
