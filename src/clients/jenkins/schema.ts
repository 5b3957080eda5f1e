/**
 * The parts of Jenkins' JSON API that buildfix reads, validated with zod.
 * Only the fields we use are declared (unknown keys are dropped), and fields
 * that vary between cores and plugins are optional/nullable, so a newer or
 * older Jenkins still parses. Each schema shares its name with its type.
 */
import * as z from 'zod';

export const BUILD_RESULTS = ['SUCCESS', 'UNSTABLE', 'FAILURE', 'NOT_BUILT', 'ABORTED'] as const;
export type BuildResult = (typeof BUILD_RESULTS)[number];

export const CrumbResponse = z.object({
  crumb: z.string().min(1),
  crumbRequestField: z.string().min(1),
});
export type CrumbResponse = z.infer<typeof CrumbResponse>;

export const WhoAmI = z.object({
  name: z.string(),
  anonymous: z.boolean().optional(),
  authenticated: z.boolean().optional(),
  authorities: z.array(z.string()).optional(),
});
export type WhoAmI = z.infer<typeof WhoAmI>;

const BuildRef = z.object({ number: z.number().int(), url: z.string().optional() }).nullable().optional();

export const ParameterDefinition = z.object({
  _class: z.string().optional(),
  name: z.string(),
  /** e.g. BooleanParameterDefinition, StringParameterDefinition, ChoiceParameterDefinition. */
  type: z.string().optional(),
  description: z.string().nullable().optional(),
  defaultParameterValue: z.object({ value: z.unknown().optional() }).nullable().optional(),
  choices: z.array(z.string()).nullable().optional(),
});
export type ParameterDefinition = z.infer<typeof ParameterDefinition>;

export const JobJson = z.object({
  _class: z.string().optional(),
  name: z.string().optional(),
  fullName: z.string().optional(),
  url: z.string().optional(),
  /** Absent for folders; false for disabled jobs. */
  buildable: z.boolean().optional(),
  inQueue: z.boolean().optional(),
  nextBuildNumber: z.number().int().optional(),
  /** Present for folders (and multibranch projects). */
  jobs: z.array(z.object({ name: z.string().optional() })).optional(),
  property: z
    .array(z.object({ _class: z.string().optional(), parameterDefinitions: z.array(ParameterDefinition).nullable().optional() }))
    .nullable()
    .optional(),
  lastBuild: BuildRef,
  lastSuccessfulBuild: BuildRef,
  lastFailedBuild: BuildRef,
  lastCompletedBuild: BuildRef,
});
export type JobJson = z.infer<typeof JobJson>;

export const QueueItemJson = z.object({
  _class: z.string().optional(),
  id: z.number().int(),
  why: z.string().nullable().optional(),
  blocked: z.boolean().optional(),
  buildable: z.boolean().optional(),
  stuck: z.boolean().optional(),
  cancelled: z.boolean().optional(),
  inQueueSince: z.number().optional(),
  executable: z.object({ number: z.number().int(), url: z.string().optional() }).nullable().optional(),
  task: z.object({ name: z.string().optional(), url: z.string().optional() }).optional(),
});
export type QueueItemJson = z.infer<typeof QueueItemJson>;

const GitBranch = z.object({ SHA1: z.string().optional(), name: z.string().optional() });

/** One entry of a build's `actions[]`; most are `{}` or carry fields we do not read. */
export const BuildAction = z
  .object({
    _class: z.string().optional(),
    lastBuiltRevision: z
      .object({ SHA1: z.string().optional(), branch: z.array(GitBranch).nullable().optional() })
      .nullable()
      .optional(),
    remoteUrls: z.array(z.string()).nullable().optional(),
    scmName: z.string().nullable().optional(),
    parameters: z
      .array(z.object({ name: z.string().optional(), value: z.unknown().optional() }))
      .nullable()
      .optional(),
  })
  .nullable();
export type BuildAction = z.infer<typeof BuildAction>;

export const BuildJson = z.object({
  _class: z.string().optional(),
  number: z.number().int(),
  url: z.string().optional(),
  building: z.boolean(),
  /** May be set early by a step; trust it only when building is false. */
  result: z.string().nullable().optional(),
  duration: z.number().optional(),
  estimatedDuration: z.number().optional(),
  timestamp: z.number().optional(),
  queueId: z.number().int().optional(),
  displayName: z.string().optional(),
  fullDisplayName: z.string().optional(),
  actions: z.array(BuildAction).nullable().optional(),
});
export type BuildJson = z.infer<typeof BuildJson>;

/** A job's recent builds (`tree=builds[…]{0,N}`, newest first). */
export const JobBuildsJson = z.object({ builds: z.array(BuildJson).nullable().optional() });

export const ExecutorJson = z
  .object({
    idle: z.boolean().optional(),
    currentExecutable: z.object({ number: z.number().int().optional(), url: z.string().optional() }).nullable().optional(),
  })
  .nullable();
export type ExecutorJson = z.infer<typeof ExecutorJson>;

export const ComputerJson = z.object({
  _class: z.string().optional(),
  displayName: z.string(),
  offline: z.boolean(),
  temporarilyOffline: z.boolean().optional(),
  offlineCauseReason: z.string().nullable().optional(),
  offlineCause: z.object({ _class: z.string().optional() }).nullable().optional(),
  idle: z.boolean().optional(),
  numExecutors: z.number().int().optional(),
  launchSupported: z.boolean().optional(),
  jnlpAgent: z.boolean().optional(),
  manualLaunchAllowed: z.boolean().optional(),
  /** Non-null only while the agent's channel is up (core ≥ 2.125, needs Agent/Connect). */
  absoluteRemotePath: z.string().nullable().optional(),
  executors: z.array(ExecutorJson).nullable().optional(),
  oneOffExecutors: z.array(ExecutorJson).nullable().optional(),
});
export type ComputerJson = z.infer<typeof ComputerJson>;

export const ComputerSetJson = z.object({
  busyExecutors: z.number().int().optional(),
  totalExecutors: z.number().int().optional(),
  computer: z.array(ComputerJson),
});
export type ComputerSetJson = z.infer<typeof ComputerSetJson>;

/** `tree=` selectors: ask Jenkins only for what the schemas above read. */
export const TREE = {
  job: '_class,name,fullName,url,buildable,inQueue,nextBuildNumber,jobs[name],property[_class,parameterDefinitions[_class,name,type,description,defaultParameterValue[value],choices]],lastBuild[number,url],lastSuccessfulBuild[number,url],lastFailedBuild[number,url],lastCompletedBuild[number,url]',
  build: '_class,number,url,building,result,duration,estimatedDuration,timestamp,queueId,displayName,fullDisplayName',
  buildWithActions:
    '_class,number,url,building,result,duration,estimatedDuration,timestamp,queueId,displayName,fullDisplayName,actions[_class,lastBuiltRevision[SHA1,branch[SHA1,name]],remoteUrls,scmName,parameters[name,value]]',
  computerFields:
    '_class,displayName,offline,temporarilyOffline,offlineCauseReason,offlineCause[_class],idle,numExecutors,launchSupported,jnlpAgent,manualLaunchAllowed,absoluteRemotePath,executors[idle,currentExecutable[number,url]],oneOffExecutors[idle,currentExecutable[number,url]]',
} as const;
