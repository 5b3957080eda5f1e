/** The Jenkins client and its operations, for `import … from './clients/jenkins/index.ts'`. */
export * from './jenkins-client.ts';
export * from './jenkins-errors.ts';
export * from './job-path.ts';
export * from './schema.ts';
export * from './builds.ts';
export * from './clean-build.ts';
export * from './rollback.ts';
export * from './nodes.ts';
export * from './restart-agent.ts';
export { formatDuration } from './wait.ts';
