/**
 * Build agents as Jenkins reports them (/computer/api/json). Note that
 * Jenkins' `offline` is true while an agent is marked temporarily offline
 * even when it is connected; whether the agent's channel is up shows only in
 * `absoluteRemotePath` (non-null while connected), which we surface as
 * `connected`.
 */
import type { JenkinsTransport } from './jenkins-transport.ts';
import { BUILT_IN_NODE, nodePath } from './job-path.ts';
import { ComputerJson, ComputerSetJson, TREE } from './schema.ts';

export interface JenkinsNode {
  /** The name used in URLs and commands: the agent name, or "(built-in)" for the controller. */
  name: string;
  displayName: string;
  builtIn: boolean;
  /** Jenkins' offline: disconnected OR marked temporarily offline. */
  offline: boolean;
  temporarilyOffline: boolean;
  /** The offline message ("" when online). */
  offlineCauseReason: string;
  /** e.g. hudson.slaves.OfflineCause$UserCause, …$LaunchFailed; undefined when none. */
  offlineCauseClass: string | undefined;
  /** The agent's channel is up; null when Jenkins does not say (old core, or no Agent/Connect permission). */
  connected: boolean | null;
  idle: boolean;
  numExecutors: number;
  /** Executors running something right now (one-off executors included). */
  busyExecutors: number;
  /** Builds running on it, as URLs. */
  runningBuilds: string[];
  /** False for inbound agents, which reconnect on their own. */
  launchSupported: boolean;
}

function isBuiltIn(json: ComputerJson): boolean {
  return /MasterComputer|BuiltInComputer/.test(json._class ?? '') || json.displayName === 'Built-In Node' || json.displayName === 'master';
}

/** Normalizes one computer's JSON. */
export function toNode(json: ComputerJson): JenkinsNode {
  const builtIn = isBuiltIn(json);
  const executors = [...(json.executors ?? []), ...(json.oneOffExecutors ?? [])].filter((e) => e !== null);
  const busy = executors.filter((e) => e.idle === false);
  const idle = json.idle ?? busy.length === 0;
  let connected: boolean | null = null;
  if (json.offline === false) connected = true;
  else if (json.absoluteRemotePath !== undefined) connected = json.absoluteRemotePath !== null && json.absoluteRemotePath !== '';
  else if (json.temporarilyOffline === false) connected = false;
  return {
    name: builtIn ? BUILT_IN_NODE : json.displayName,
    displayName: json.displayName,
    builtIn,
    offline: json.offline,
    temporarilyOffline: json.temporarilyOffline ?? false,
    offlineCauseReason: json.offlineCauseReason ?? '',
    offlineCauseClass: json.offlineCause?._class,
    connected,
    idle,
    numExecutors: json.numExecutors ?? executors.length,
    busyExecutors: json.executors || json.oneOffExecutors ? busy.length : idle ? 0 : 1,
    runningBuilds: busy.map((e) => e.currentExecutable?.url).filter((u): u is string => typeof u === 'string' && u !== ''),
    launchSupported: json.launchSupported ?? true,
  };
}

/** Every node with its state and busy executor count. */
export async function listNodes(client: JenkinsTransport, opts: { signal?: AbortSignal } = {}): Promise<JenkinsNode[]> {
  const json = await client.getJson('/computer/api/json', ComputerSetJson, {
    query: { tree: `busyExecutors,totalExecutors,computer[${TREE.computerFields}]` },
    subject: 'node list',
    ...opts,
  });
  return json.computer.map(toNode);
}

/** One node by name; 404 names the agent. */
export async function getNode(client: JenkinsTransport, name: string, opts: { signal?: AbortSignal } = {}): Promise<JenkinsNode> {
  const json = await client.getJson(`${nodePath(name)}/api/json`, ComputerJson, {
    query: { tree: TREE.computerFields },
    subject: `agent '${name}'`,
    notFound: `Jenkins has no agent named '${name}' (see Manage Jenkins › Nodes for the names)`,
    ...opts,
  });
  return toNode(json);
}
