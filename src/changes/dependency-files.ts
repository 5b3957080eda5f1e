/**
 * The files that decide what a build downloads: a change to one of them since
 * the last green build is the first suspect when dependencies stop resolving.
 */

export type DependencyFileKind = 'go' | 'vendor' | 'npm' | 'ci' | 'docker';

/** git pathspecs (glob magic: `**\/` also matches the top level). */
export const DEPENDENCY_PATHSPECS: readonly string[] = [
  ':(glob)**/go.mod',
  ':(glob)**/go.sum',
  ':(glob)**/go.work',
  ':(glob)**/go.work.sum',
  ':(glob)**/vendor/modules.txt',
  ':(glob)**/.npmrc',
  ':(glob)**/package.json',
  ':(glob)**/package-lock.json',
  ':(glob)**/npm-shrinkwrap.json',
  ':(glob)**/yarn.lock',
  ':(glob)**/.yarnrc',
  ':(glob)**/.yarnrc.yml',
  ':(glob)**/pnpm-lock.yaml',
  ':(glob)**/Jenkinsfile',
  ':(glob)**/*.Jenkinsfile',
  ':(glob).github/workflows/*',
  ':(glob).gitlab-ci.yml',
  ':(glob)**/.gitlab-ci.yml',
  ':(glob)**/Dockerfile',
  ':(glob)**/Dockerfile.*',
  ':(glob)**/*.Dockerfile',
];

/** What kind of dependency file a repository path is, or undefined when it is none. */
export function dependencyFileKind(path: string): DependencyFileKind | undefined {
  const base = path.slice(path.lastIndexOf('/') + 1);
  if (base === 'modules.txt' && (path === 'vendor/modules.txt' || path.endsWith('/vendor/modules.txt'))) return 'vendor';
  if (['go.mod', 'go.sum', 'go.work', 'go.work.sum'].includes(base)) return 'go';
  if (['.npmrc', 'package.json', 'package-lock.json', 'npm-shrinkwrap.json', 'yarn.lock', '.yarnrc', '.yarnrc.yml', 'pnpm-lock.yaml'].includes(base))
    return 'npm';
  if (base === 'Jenkinsfile' || base.endsWith('.Jenkinsfile') || base === '.gitlab-ci.yml' || path.startsWith('.github/workflows/')) return 'ci';
  if (base === 'Dockerfile' || base.startsWith('Dockerfile.') || base.endsWith('.Dockerfile')) return 'docker';
  return undefined;
}
