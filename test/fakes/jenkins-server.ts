/**
 * A Jenkins on 127.0.0.1 that follows the real REST API closely enough for
 * buildfix's client to be tested end to end: HTTP Basic with user + API token
 * (or password), the CSRF crumb issuer and its 403 "No valid crumb was
 * included in the request", per-user missing permissions answered like core
 * does (403 + X-Required-Permission), jobs in folders with parameter
 * definitions, /build and /buildWithParameters → 201 + Location
 * <root>/queue/item/N/ (303 for an identical queued item), queue items that
 * move from `why` to `executable` (or get cancelled), builds that finish with
 * a scripted result, consoleText and progressiveText (X-Text-Size /
 * X-More-Data), git BuildData actions, doWipeOutWorkspace (not on Pipeline
 * jobs), and /computer agents with toggleOffline, changeOfflineCause,
 * doDisconnect, launchSlaveAgent and busy executors that go idle.
 *
 * Time is evaluated lazily on each request (no background timers), so a test
 * that polls sees queue items start and builds finish after their delays.
 * Faults can be injected per path: a status, a delay (for timeouts) or a
 * destroyed connection. Every request is recorded.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export type FakeResult = 'SUCCESS' | 'UNSTABLE' | 'FAILURE' | 'NOT_BUILT' | 'ABORTED';

export interface FakeUser {
  user: string;
  /** API token: requests with it skip the crumb check when csrf is "api-token-exempt". */
  token?: string;
  password?: string;
  /** Permission ids this user lacks, e.g. "hudson.model.Item.Build", "hudson.model.Computer.Connect". */
  denied?: string[];
}

export interface FakeParamDef {
  name: string;
  type?: 'boolean' | 'string' | 'choice' | 'text' | 'password';
  default?: string | boolean;
  choices?: string[];
  description?: string;
}

export interface FakeGitData {
  sha: string;
  remoteUrls?: string[];
  branch?: string;
}

/** A build that exists when the fake starts. */
export interface FakeBuild {
  number: number;
  /** null with building: true for a running build. */
  result: FakeResult | null;
  building?: boolean;
  git?: FakeGitData[];
  console?: string;
  durationMs?: number;
  timestamp?: number;
  params?: Record<string, string>;
  /** The node it ran on ("" for the built-in node); exported as builtOn by freestyle builds only (Pipeline runs have no builtOn). */
  builtOn?: string;
}

/** What happens to the next triggered builds of a job. */
export interface FakeBuildPlan {
  /** Time in the queue before the build starts (default 0). */
  queueMs?: number;
  /** The queue item's `why` while waiting (default "Waiting for next available executor"). */
  why?: string;
  /** The item leaves the queue cancelled instead of starting. */
  cancel?: boolean;
  /** Build duration (default 0: finished at the first look). */
  buildMs?: number;
  result?: FakeResult;
  /** Log lines written evenly over buildMs (between "Started by" and "Finished:"). */
  console?: string[];
  /** Git revisions the build records (default one derived from the job and number). */
  git?: FakeGitData[] | ((params: Record<string, string>) => FakeGitData[]);
  /** The node the builds run on (freestyle builds export it as builtOn; default the built-in node, ""). */
  builtOn?: string;
}

export interface FakeJob {
  /** Full name with folders: team/payments/main. Folders are implied. */
  name: string;
  /** Pipeline jobs (WorkflowJob) have no doWipeOutWorkspace. Default freestyle. */
  kind?: 'freestyle' | 'pipeline';
  params?: FakeParamDef[];
  disabled?: boolean;
  builds?: FakeBuild[];
  plan?: FakeBuildPlan;
}

export interface FakeNode {
  name: string;
  /** The controller's node: URL name "(built-in)", displayName "Built-In Node". */
  builtIn?: boolean;
  numExecutors?: number;
  /** Executors busy at start. */
  busy?: number;
  /** They become idle this long after the fake starts (default: never). */
  busyMs?: number;
  connected?: boolean;
  temporarilyOffline?: boolean;
  offlineCauseReason?: string;
  /** False for inbound (JNLP/WebSocket) agents. Default true. */
  launchSupported?: boolean;
  /** A launch connects this long after launchSlaveAgent (default 0). */
  launchMs?: number;
  /** Launches fail: the agent stays disconnected with OfflineCause$LaunchFailed. */
  launchFails?: boolean;
  /** The channel closes this long after doDisconnect (default 0). */
  disconnectMs?: number;
  /** Inbound agents reconnect by themselves this long after a disconnect (default: never). */
  reconnectMs?: number;
}

export interface FakeFault {
  method?: 'GET' | 'POST';
  /** Path relative to the Jenkins root (no query), exact or a RegExp. */
  path: string | RegExp;
  /** Answer with this status (and body/headers) instead of the real handler. */
  status?: number;
  body?: string;
  headers?: Record<string, string>;
  /** Wait this long first (then answer `status`, or carry on normally). */
  delayMs?: number;
  /** Destroy the connection without an answer. */
  destroy?: boolean;
  /** How many requests it applies to (default: all). */
  times?: number;
  /** Let this many matching requests through untouched first (e.g. fail only the second toggleOffline). */
  skip?: number;
}

export interface JenkinsFakeOptions {
  /** Default: one user "buildfix" with token "11buildfixfaketoken0123456789ab". */
  users?: FakeUser[];
  /** "required" (default): every POST needs the crumb; "api-token-exempt": token requests skip it; "off": no crumb issuer (404). */
  csrf?: 'required' | 'api-token-exempt' | 'off';
  /** Crumbs are valid only with the session cookie they were issued with (the default issuer's behaviour). */
  crumbBoundToSession?: boolean;
  jobs?: FakeJob[];
  nodes?: FakeNode[];
  faults?: FakeFault[];
  /** Serve Jenkins under this path, e.g. "/jenkins". */
  contextPath?: string;
  /** The root URL Jenkins puts in Location and `url` fields (default: the fake's own URL). */
  rootUrl?: string;
  /** Plan for jobs without their own. */
  defaultPlan?: FakeBuildPlan;
  /** How long left queue items stay readable (default 5 min, as in core). */
  leftItemTtlMs?: number;
}

export interface RecordedRequest {
  method: string;
  /** Path relative to the Jenkins root, percent-decoded per segment, no query: /job/team/job/payments/build. */
  path: string;
  /** The path as sent (still encoded). */
  rawPath: string;
  query: Record<string, string>;
  form: Record<string, string>;
  /** Query and form merged (form wins). */
  params: Record<string, string>;
  user: string | undefined;
  authOk: boolean;
  /** How the user authenticated. */
  authVia: 'token' | 'password' | 'anonymous' | 'invalid';
  /** For POSTs: whether a valid crumb came with it. */
  crumbOk: boolean | undefined;
  hasCookie: boolean;
  status: number;
  at: number;
}

export interface FakeBuildState {
  job: string;
  number: number;
  queueId: number | undefined;
  params: Record<string, string>;
  startedAt: number;
  buildMs: number;
  finalResult: FakeResult | null;
  /** Presets that stay building until changed. */
  pinnedBuilding: boolean;
  consoleLines: string[];
  presetConsole: string | undefined;
  git: FakeGitData[];
  user: string;
  /** The node's name, "" for the built-in node. */
  builtOn: string;
}

export interface FakeQueueItem {
  id: number;
  job: string;
  params: Record<string, string>;
  createdAt: number;
  plan: FakeBuildPlan;
  cancelled: boolean;
  leftAt: number | undefined;
  build: FakeBuildState | undefined;
  user: string;
}

export interface FakeJobState {
  def: FakeJob;
  builds: FakeBuildState[];
  nextNumber: number;
  wipeOuts: number;
  plan: FakeBuildPlan | undefined;
  disabled: boolean;
}

export interface FakeNodeState {
  name: string;
  builtIn: boolean;
  numExecutors: number;
  busy: number;
  busyUntil: number | undefined;
  connected: boolean;
  temporarilyOffline: boolean;
  offlineCauseReason: string;
  offlineCauseClass: string | undefined;
  launchSupported: boolean;
  launchMs: number;
  launchFails: boolean;
  disconnectMs: number;
  reconnectMs: number | undefined;
  connectAt: number | undefined;
  connectFails: boolean;
  disconnectAt: number | undefined;
  launches: number;
  disconnects: number;
}

export interface JenkinsFake {
  /** Jenkins root URL including the context path, with a trailing slash. */
  url: string;
  port: number;
  /** The default user's name and token (the first user). */
  user: string;
  token: string;
  requests: RecordedRequest[];
  /** Requests matching method and path (string exact or RegExp). */
  requestsTo(method: string, path: string | RegExp): RecordedRequest[];
  addFault(fault: FakeFault): void;
  clearFaults(): void;
  /** Invalidates every crumb issued so far (as a restart or session expiry would). */
  rotateCrumb(): void;
  job(name: string): FakeJobState;
  node(name: string): FakeNodeState;
  queueItem(id: number): FakeQueueItem | undefined;
  /** Cancels a waiting queue item now. */
  cancelQueueItem(id: number): void;
  /** The agent process restarts: its channel drops now and comes back after downMs. */
  simulateAgentRestart(name: string, downMs: number): void;
  setPlan(job: string, plan: FakeBuildPlan): void;
  close(): Promise<void>;
}

const DEFAULT_USER: FakeUser = { user: 'buildfix', token: '11buildfixfaketoken0123456789ab' };

const PERMISSION_TITLES: Record<string, string> = {
  'hudson.model.Hudson.Read': 'Overall/Read',
  'hudson.model.Item.Read': 'Job/Read',
  'hudson.model.Item.Build': 'Job/Build',
  'hudson.model.Item.WipeOut': 'Job/WipeOut',
  'hudson.model.Computer.Connect': 'Agent/Connect',
  'hudson.model.Computer.Disconnect': 'Agent/Disconnect',
};

const PARAM_CLASSES: Record<NonNullable<FakeParamDef['type']>, string> = {
  boolean: 'BooleanParameterDefinition',
  string: 'StringParameterDefinition',
  choice: 'ChoiceParameterDefinition',
  text: 'TextParameterDefinition',
  password: 'PasswordParameterDefinition',
};

const PERMALINKS = [
  'lastBuild',
  'lastSuccessfulBuild',
  'lastFailedBuild',
  'lastCompletedBuild',
  'lastStableBuild',
  'lastUnstableBuild',
  'lastUnsuccessfulBuild',
] as const;

class Answered extends Error {}

interface Ctx {
  req: IncomingMessage;
  res: ServerResponse;
  rec: RecordedRequest;
  segments: string[];
  auth: { user: FakeUser | undefined; via: RecordedRequest['authVia'] };
  session: string | undefined;
}

/** A parsed `tree=` selector: field → its own selector (null: none given), with an optional {from,to} range for arrays. */
export interface TreeSpec {
  fields: Map<string, { sub: TreeSpec | null; range?: [number, number | undefined] }>;
}

/** Parses Jenkins' `tree=` syntax: `a,b[c,d[e]]{0,10},f`. Throws on unbalanced brackets, as Jenkins answers 400/500 for them. */
export function parseTree(text: string): TreeSpec {
  let i = 0;
  const list = (): TreeSpec => {
    const spec: TreeSpec = { fields: new Map() };
    for (;;) {
      const start = i;
      while (i < text.length && !',[]{}'.includes(text[i] ?? '')) i++;
      const name = text.slice(start, i).trim();
      let sub: TreeSpec | null = null;
      let range: [number, number | undefined] | undefined;
      if (text[i] === '[') {
        i++;
        sub = list();
        if (text[i] !== ']') throw new Error(`tree: missing ] at ${i}`);
        i++;
      }
      if (text[i] === '{') {
        const end = text.indexOf('}', i);
        if (end < 0) throw new Error(`tree: missing } at ${i}`);
        const [from, to] = text.slice(i + 1, end).split(',');
        range = to === undefined ? [Number(from), Number(from) + 1] : [Number(from || 0), to === '' ? undefined : Number(to)];
        i = end + 1;
      }
      if (name) spec.fields.set(name, { sub, ...(range ? { range } : {}) });
      if (text[i] === ',') {
        i++;
        continue;
      }
      return spec;
    }
  };
  const spec = list();
  if (i !== text.length) throw new Error(`tree: unexpected ${text[i]} at ${i}`);
  return spec;
}

/**
 * Keeps what the selector names (and _class, which Jenkins always sends); arrays are
 * filtered element by element. A field named without [...] keeps its value when that is
 * a primitive, but an object under it keeps only its _class: Jenkins prunes every level.
 */
export function applyTree(value: unknown, spec: TreeSpec | null): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => applyTree(v, spec));
  spec ??= { fields: new Map() };
  const out: Record<string, unknown> = {};
  const obj = value as Record<string, unknown>;
  if ('_class' in obj) out._class = obj._class;
  for (const [name, { sub, range }] of spec.fields) {
    if (!(name in obj)) continue;
    let v = obj[name];
    if (range && Array.isArray(v)) v = v.slice(range[0], range[1]);
    out[name] = applyTree(v, sub);
  }
  return out;
}

function fakeSha(seed: string): string {
  return createHash('sha1').update(seed).digest('hex');
}

/** Starts the fake on 127.0.0.1, port 0. */
export async function startJenkinsFake(options: JenkinsFakeOptions = {}): Promise<JenkinsFake> {
  const users = options.users && options.users.length > 0 ? options.users : [DEFAULT_USER];
  const csrf = options.csrf ?? 'required';
  const contextPath = (options.contextPath ?? '').replace(/\/+$/, '');
  const leftTtl = options.leftItemTtlMs ?? 5 * 60_000;
  const faults: Array<FakeFault & { left: number; skipLeft: number }> = (options.faults ?? []).map((f) => ({
    ...f,
    left: f.times ?? Infinity,
    skipLeft: f.skip ?? 0,
  }));
  const requests: RecordedRequest[] = [];
  const timers = new Set<NodeJS.Timeout>();
  const startedAt = Date.now();
  let crumbSalt = randomBytes(8).toString('hex');
  let nextQueueId = 100;
  let root = '';

  const jobs = new Map<string, FakeJobState>();
  const folders = new Set<string>();
  for (const def of options.jobs ?? []) {
    const parts = def.name.split('/');
    for (let i = 1; i < parts.length; i++) folders.add(parts.slice(0, i).join('/'));
    const builds: FakeBuildState[] = (def.builds ?? []).map((b) => ({
      job: def.name,
      number: b.number,
      queueId: undefined,
      params: b.params ?? {},
      startedAt: b.timestamp ?? startedAt - 3_600_000 + b.number * 1000,
      buildMs: b.durationMs ?? 60_000,
      finalResult: b.result,
      pinnedBuilding: b.building === true,
      consoleLines: [],
      presetConsole: b.console,
      git: b.git ?? [],
      user: 'someone',
      builtOn: b.builtOn ?? '',
    }));
    jobs.set(def.name, {
      def,
      builds,
      nextNumber: Math.max(0, ...builds.map((b) => b.number)) + 1,
      wipeOuts: 0,
      plan: def.plan,
      disabled: def.disabled ?? false,
    });
  }
  const queue = new Map<number, FakeQueueItem>();
  const nodes = new Map<string, FakeNodeState>();
  for (const n of options.nodes ?? []) {
    const builtIn = n.builtIn ?? false;
    const connected = n.connected ?? true;
    nodes.set(builtIn ? '(built-in)' : n.name, {
      name: builtIn ? '(built-in)' : n.name,
      builtIn,
      numExecutors: n.numExecutors ?? 2,
      busy: n.busy ?? 0,
      busyUntil: n.busyMs !== undefined ? startedAt + n.busyMs : undefined,
      connected,
      temporarilyOffline: n.temporarilyOffline ?? false,
      offlineCauseReason: n.offlineCauseReason ?? '',
      offlineCauseClass: n.temporarilyOffline
        ? 'hudson.slaves.OfflineCause$UserCause'
        : connected
          ? undefined
          : 'hudson.slaves.OfflineCause$ChannelTermination',
      launchSupported: n.launchSupported ?? true,
      launchMs: n.launchMs ?? 0,
      launchFails: n.launchFails ?? false,
      disconnectMs: n.disconnectMs ?? 0,
      reconnectMs: n.reconnectMs,
      connectAt: undefined,
      connectFails: false,
      disconnectAt: undefined,
      launches: 0,
      disconnects: 0,
    });
  }

  // ---- lazily advanced time ----
  const planOf = (job: FakeJobState): FakeBuildPlan => ({ ...options.defaultPlan, ...job.plan });
  function advance(now: number): void {
    for (const item of queue.values()) {
      if (item.leftAt !== undefined) continue;
      const due = item.createdAt + (item.plan.queueMs ?? 0);
      if (now < due) continue;
      item.leftAt = due;
      if (item.plan.cancel) {
        item.cancelled = true;
        continue;
      }
      const job = jobs.get(item.job) as FakeJobState;
      const number = job.nextNumber++;
      const gitPlan = item.plan.git;
      const build: FakeBuildState = {
        job: item.job,
        number,
        queueId: item.id,
        params: item.params,
        startedAt: due,
        buildMs: item.plan.buildMs ?? 0,
        finalResult: item.plan.result ?? 'SUCCESS',
        pinnedBuilding: false,
        consoleLines: item.plan.console ?? ['+ go mod download', '+ go build ./...'],
        presetConsole: undefined,
        git:
          typeof gitPlan === 'function'
            ? gitPlan(item.params)
            : (gitPlan ?? [{ sha: fakeSha(`${item.job}#${number}`), remoteUrls: [`https://git.example.test/${item.job}.git`], branch: 'origin/main' }]),
        user: item.user,
        builtOn: item.plan.builtOn ?? '',
      };
      job.builds.push(build);
      item.build = build;
    }
    for (const [id, item] of queue) if (item.leftAt !== undefined && now - item.leftAt > leftTtl) queue.delete(id);
    for (const n of nodes.values()) {
      if (n.busyUntil !== undefined && now >= n.busyUntil) {
        n.busy = 0;
        n.busyUntil = undefined;
      }
      if (n.disconnectAt !== undefined && now >= n.disconnectAt) {
        n.connected = false;
        n.busy = 0;
        n.disconnectAt = undefined;
      }
      if (n.connectAt !== undefined && now >= n.connectAt) {
        n.connectAt = undefined;
        if (n.connectFails) {
          n.connected = false;
          n.offlineCauseClass = 'hudson.slaves.OfflineCause$LaunchFailed';
          n.offlineCauseReason = 'This agent is offline because Jenkins failed to launch the agent process on it.';
        } else {
          n.connected = true;
          if (!n.temporarilyOffline) {
            n.offlineCauseClass = undefined;
            n.offlineCauseReason = '';
          }
        }
      }
    }
  }

  const isBuilding = (b: FakeBuildState, now: number): boolean =>
    b.pinnedBuilding || (b.finalResult !== null && now < b.startedAt + b.buildMs) || b.finalResult === null;

  function consoleOf(b: FakeBuildState, now: number): string {
    if (b.presetConsole !== undefined) return b.presetConsole;
    const building = isBuilding(b, now);
    const total = b.consoleLines.length;
    const shown = building ? Math.min(total, Math.floor(((now - b.startedAt) / Math.max(1, b.buildMs)) * total)) : total;
    let text = `Started by user ${b.user}\n`;
    for (const line of b.consoleLines.slice(0, shown)) text += `${line}\n`;
    if (!building) text += `Finished: ${b.finalResult}\n`;
    return text;
  }

  // ---- JSON shapes ----
  const jobUrl = (name: string): string =>
    `${root}${name
      .split('/')
      .map((s) => `job/${encodeURIComponent(s)}/`)
      .join('')}`;
  const buildUrl = (b: FakeBuildState): string => `${jobUrl(b.job)}${b.number}/`;
  const jobClass = (j: FakeJobState): string =>
    j.def.kind === 'pipeline' ? 'org.jenkinsci.plugins.workflow.job.WorkflowJob' : 'hudson.model.FreeStyleProject';
  const buildClass = (j: FakeJobState): string =>
    j.def.kind === 'pipeline' ? 'org.jenkinsci.plugins.workflow.job.WorkflowRun' : 'hudson.model.FreeStyleBuild';
  const ref = (j: FakeJobState, b: FakeBuildState | undefined): unknown => (b ? { _class: buildClass(j), number: b.number, url: buildUrl(b) } : null);

  function permalink(j: FakeJobState, which: (typeof PERMALINKS)[number], now: number): FakeBuildState | undefined {
    const sorted = [...j.builds].sort((a, b) => b.number - a.number);
    const done = sorted.filter((b) => !isBuilding(b, now));
    switch (which) {
      case 'lastBuild':
        return sorted[0];
      case 'lastCompletedBuild':
        return done[0];
      case 'lastSuccessfulBuild':
        return done.find((b) => b.finalResult === 'SUCCESS' || b.finalResult === 'UNSTABLE');
      case 'lastStableBuild':
        return done.find((b) => b.finalResult === 'SUCCESS');
      case 'lastFailedBuild':
        return done.find((b) => b.finalResult === 'FAILURE');
      case 'lastUnstableBuild':
        return done.find((b) => b.finalResult === 'UNSTABLE');
      case 'lastUnsuccessfulBuild':
        return done.find((b) => b.finalResult !== 'SUCCESS');
    }
  }

  function paramDefJson(p: FakeParamDef): unknown {
    const type = PARAM_CLASSES[p.type ?? 'string'];
    const value =
      p.type === 'boolean' ? p.default === true || p.default === 'true' : p.type === 'choice' ? (p.default ?? p.choices?.[0] ?? '') : (p.default ?? '');
    return {
      _class: `hudson.model.${type}`,
      defaultParameterValue: { _class: `hudson.model.${type.replace('Definition', 'Value')}`, name: p.name, value: p.type === 'password' ? undefined : value },
      description: p.description ?? '',
      name: p.name,
      type,
      ...(p.type === 'choice' ? { choices: p.choices ?? [] } : {}),
    };
  }

  // Without tree= Jenkins shows builds as {_class, number, url} (depth 0); a tree selects any of a build's exported fields.
  function jobJson(j: FakeJobState, now: number, expandBuilds = false): unknown {
    const params = j.def.params ?? [];
    const sorted = [...j.builds].sort((a, b) => b.number - a.number);
    const waiting = [...queue.values()].some((q) => q.job === j.def.name && q.leftAt === undefined);
    return {
      _class: jobClass(j),
      actions: [{}, { _class: 'hudson.model.ViewAction' }],
      description: '',
      displayName: j.def.name.split('/').pop(),
      fullDisplayName: j.def.name.split('/').join(' » '),
      fullName: j.def.name,
      name: j.def.name.split('/').pop(),
      url: jobUrl(j.def.name),
      buildable: !j.disabled,
      builds: sorted.map((b) => (expandBuilds ? buildJson(j, b, now) : ref(j, b))),
      color: j.disabled ? 'disabled' : 'blue',
      inQueue: waiting,
      nextBuildNumber: j.nextNumber,
      property: params.length > 0 ? [{ _class: 'hudson.model.ParametersDefinitionProperty', parameterDefinitions: params.map(paramDefJson) }] : [],
      ...Object.fromEntries(PERMALINKS.map((p) => [p, ref(j, permalink(j, p, now))])),
    };
  }

  function buildJson(j: FakeJobState, b: FakeBuildState, now: number): unknown {
    const building = isBuilding(b, now);
    const actions: unknown[] = [];
    if (Object.keys(b.params).length > 0) {
      actions.push({
        _class: 'hudson.model.ParametersAction',
        parameters: Object.entries(b.params).map(([name, value]) => ({ _class: 'hudson.model.StringParameterValue', name, value })),
      });
    }
    actions.push({
      _class: 'hudson.model.CauseAction',
      causes: [{ _class: 'hudson.model.Cause$UserIdCause', shortDescription: `Started by user ${b.user}`, userId: b.user }],
    });
    for (const g of b.git) {
      actions.push({
        _class: 'hudson.plugins.git.util.BuildData',
        buildsByBranchName: {},
        lastBuiltRevision: { SHA1: g.sha, branch: [{ SHA1: g.sha, name: g.branch ?? 'origin/main' }] },
        remoteUrls: g.remoteUrls ?? [],
        scmName: '',
      });
    }
    actions.push({}, { _class: 'org.jenkinsci.plugins.displayurlapi.actions.RunDisplayAction' });
    return {
      _class: buildClass(j),
      actions,
      artifacts: [],
      building,
      description: null,
      displayName: `#${b.number}`,
      duration: building ? 0 : b.buildMs,
      estimatedDuration: b.buildMs,
      executor: building ? {} : null,
      fullDisplayName: `${j.def.name.split('/').join(' » ')} #${b.number}`,
      id: String(b.number),
      keepLog: false,
      number: b.number,
      queueId: b.queueId ?? 0,
      result: building ? null : b.finalResult,
      timestamp: b.startedAt,
      url: buildUrl(b),
      // AbstractBuild exports the node it ran on; a Pipeline run (WorkflowRun) has no builtOn.
      ...(j.def.kind === 'pipeline' ? {} : { builtOn: b.builtOn }),
    };
  }

  function queueJson(item: FakeQueueItem): unknown {
    const j = jobs.get(item.job) as FakeJobState;
    const task = { _class: jobClass(j), name: item.job.split('/').pop(), url: jobUrl(item.job), color: 'blue' };
    const actions = [{ _class: 'hudson.model.ParametersAction', parameters: Object.entries(item.params).map(([name, value]) => ({ name, value })) }, {}];
    if (item.leftAt === undefined) {
      return {
        _class: 'hudson.model.Queue$WaitingItem',
        actions,
        blocked: false,
        buildable: false,
        id: item.id,
        inQueueSince: item.createdAt,
        params: Object.entries(item.params)
          .map(([k, v]) => `\n${k}=${v}`)
          .join(''),
        stuck: false,
        task,
        url: `queue/item/${item.id}/`,
        why: item.plan.why ?? 'Waiting for next available executor',
        timestamp: item.createdAt,
      };
    }
    return {
      _class: 'hudson.model.Queue$LeftItem',
      actions,
      blocked: false,
      buildable: false,
      id: item.id,
      inQueueSince: item.createdAt,
      params: '',
      stuck: false,
      task,
      url: `queue/item/${item.id}/`,
      why: null,
      cancelled: item.cancelled,
      executable: item.build ? { _class: buildClass(j), number: item.build.number, url: buildUrl(item.build) } : null,
    };
  }

  function computerJson(n: FakeNodeState): unknown {
    const busyNow = n.connected ? Math.min(n.busy, n.numExecutors) : 0;
    const executors = Array.from({ length: n.numExecutors }, (_v, i) => ({
      _class: 'hudson.model.Executor',
      currentExecutable: i < busyNow ? { _class: 'hudson.model.FreeStyleBuild', number: 1000 + i, url: `${root}job/other/${1000 + i}/` } : null,
      idle: i >= busyNow,
      likelyStuck: false,
      number: i,
      progress: i < busyNow ? 50 : -1,
    }));
    const offline = n.temporarilyOffline || !n.connected;
    return {
      _class: n.builtIn ? 'hudson.model.Hudson$MasterComputer' : 'hudson.slaves.SlaveComputer',
      actions: [],
      assignedLabels: [{ name: n.builtIn ? 'built-in' : n.name }],
      description: '',
      displayName: n.builtIn ? 'Built-In Node' : n.name,
      executors,
      icon: offline ? 'symbol-computer-x' : 'symbol-computer',
      idle: busyNow === 0,
      jnlpAgent: !n.launchSupported,
      launchSupported: n.launchSupported,
      loadStatistics: { _class: 'hudson.model.Label$1' },
      manualLaunchAllowed: true,
      monitorData: {},
      numExecutors: n.numExecutors,
      offline,
      offlineCause: n.offlineCauseClass ? { _class: n.offlineCauseClass } : null,
      offlineCauseReason: n.offlineCauseReason,
      oneOffExecutors: [],
      temporarilyOffline: n.temporarilyOffline,
      ...(n.builtIn ? {} : { absoluteRemotePath: n.connected ? `/home/jenkins/${n.name}` : null }),
    };
  }

  // ---- responses ----
  function send(ctx: Ctx, status: number, body: string | Buffer = '', headers: Record<string, string> = {}): never {
    ctx.rec.status = status;
    if (!ctx.res.destroyed) {
      ctx.res.writeHead(status, { 'content-type': 'text/html;charset=utf-8', ...headers });
      ctx.res.end(body);
    }
    throw new Answered();
  }
  // Jenkins answers only what `tree=` selects, so a selector that misses a field the client reads shows up in tests.
  const json = (ctx: Ctx, value: unknown): never => {
    const tree = ctx.rec.query.tree;
    const body = tree === undefined ? value : applyTree(value, parseTree(tree));
    return send(ctx, 200, JSON.stringify(body), { 'content-type': 'application/json;charset=utf-8' });
  };
  const errorPage = (status: number, message: string): string =>
    `<html><head><meta http-equiv="Content-Type" content="text/html;charset=utf-8"/><title>Error ${status} ${message}</title></head><body><h2>HTTP ERROR ${status} ${message}</h2><table><tr><th>URI:</th><td>/</td></tr><tr><th>STATUS:</th><td>${status}</td></tr><tr><th>MESSAGE:</th><td>${message}</td></tr></table></body></html>`;
  const notFound = (ctx: Ctx): never => send(ctx, 404, errorPage(404, 'Not Found'));
  const redirect = (ctx: Ctx, location: string): never => send(ctx, 302, '', { location });

  function requirePost(ctx: Ctx): void {
    if (ctx.req.method !== 'POST') send(ctx, 405, errorPage(405, 'Method Not Allowed'), { allow: 'POST' });
  }

  function requirePermission(ctx: Ctx, permission: string): void {
    const u = ctx.auth.user;
    if (!u || !(u.denied ?? []).includes(permission)) return;
    const title = PERMISSION_TITLES[permission] ?? permission;
    send(
      ctx,
      403,
      `<html><head><title>Access Denied [Jenkins]</title></head><body><h1>Access Denied</h1><p>${u.user} is missing the ${title} permission</p></body></html>`,
      {
        'x-you-are-authenticated-as': u.user,
        'x-you-are-in-group-disabled': 'JENKINS-39402: use -Dhudson.security.AccessDeniedException2.REPORT_GROUP_HEADERS=true or use /whoAmI to diagnose',
        'x-required-permission': permission,
        'x-permission-implied-by': 'hudson.model.Hudson.Administer',
      },
    );
  }

  function crumbFor(session: string | undefined): string {
    return createHash('sha256')
      .update(`${crumbSalt}:${options.crumbBoundToSession ? (session ?? '') : ''}`)
      .digest('hex');
  }

  function checkCrumb(ctx: Ctx): void {
    if (ctx.req.method !== 'POST') return;
    const exempt = csrf === 'off' || (csrf === 'api-token-exempt' && ctx.auth.via === 'token');
    const sent = ctx.req.headers['jenkins-crumb'];
    const ok = typeof sent === 'string' && sent === crumbFor(ctx.session) && (!options.crumbBoundToSession || ctx.session !== undefined);
    ctx.rec.crumbOk = ok;
    if (exempt || ok) return;
    send(ctx, 403, errorPage(403, 'No valid crumb was included in the request'));
  }

  function authenticate(req: IncomingMessage): Ctx['auth'] {
    const header = req.headers.authorization;
    if (!header) return { user: undefined, via: 'anonymous' };
    const m = /^Basic\s+(\S+)$/i.exec(header);
    if (!m) return { user: undefined, via: 'invalid' };
    const decoded = Buffer.from(m[1] as string, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    const name = decoded.slice(0, colon);
    const secret = decoded.slice(colon + 1);
    const u = users.find((x) => x.user === name);
    if (u && u.token !== undefined && secret === u.token) return { user: u, via: 'token' };
    if (u && u.password !== undefined && secret === u.password) return { user: u, via: 'password' };
    return { user: undefined, via: 'invalid' };
  }

  // ---- routes ----
  function handleJob(ctx: Ctx, now: number): never {
    const segs = ctx.segments;
    const names: string[] = [];
    let i = 0;
    while (segs[i] === 'job' && i + 1 < segs.length) {
      names.push(segs[i + 1] as string);
      i += 2;
    }
    const name = names.join('/');
    const rest = segs.slice(i);
    const job = jobs.get(name);
    if (!job) {
      if (folders.has(name) && rest.join('/') === 'api/json') {
        const children = new Set<string>();
        for (const full of [...jobs.keys(), ...folders]) if (full.startsWith(`${name}/`)) children.add(full.slice(name.length + 1).split('/')[0] as string);
        return json(ctx, {
          _class: 'com.cloudbees.hudson.plugins.folder.Folder',
          fullName: name,
          name: name.split('/').pop(),
          url: jobUrl(name),
          jobs: [...children].map((c) => ({
            _class: jobs.has(`${name}/${c}`) ? 'hudson.model.FreeStyleProject' : 'com.cloudbees.hudson.plugins.folder.Folder',
            name: c,
            url: jobUrl(`${name}/${c}`),
          })),
        });
      }
      return notFound(ctx);
    }
    if (rest.length === 2 && rest[0] === 'api' && rest[1] === 'json') return json(ctx, jobJson(job, now, ctx.rec.query.tree !== undefined));
    if (rest.length === 1 && (rest[0] === 'build' || rest[0] === 'buildWithParameters')) return trigger(ctx, job, rest[0], now);
    if (rest.length === 1 && rest[0] === 'doWipeOutWorkspace') {
      if (job.def.kind === 'pipeline') return notFound(ctx);
      requirePost(ctx);
      requirePermission(ctx, 'hudson.model.Item.WipeOut');
      job.wipeOuts++;
      return redirect(ctx, jobUrl(name));
    }
    if (rest.length >= 2) {
      const sel = rest[0] as string;
      const b = /^\d+$/.test(sel)
        ? job.builds.find((x) => x.number === Number(sel))
        : (PERMALINKS as readonly string[]).includes(sel)
          ? permalink(job, sel as (typeof PERMALINKS)[number], now)
          : undefined;
      if (!b) return notFound(ctx);
      const what = rest.slice(1).join('/');
      if (what === 'api/json') return json(ctx, buildJson(job, b, now));
      if (what === 'consoleText') return send(ctx, 200, consoleOf(b, now), { 'content-type': 'text/plain;charset=utf-8' });
      if (what === 'logText/progressiveText') {
        const text = Buffer.from(consoleOf(b, now), 'utf8');
        const start = Math.min(Math.max(0, Number(ctx.rec.query.start ?? 0) || 0), text.length);
        const headers: Record<string, string> = { 'content-type': 'text/plain;charset=utf-8', 'x-text-size': String(text.length) };
        if (isBuilding(b, now)) headers['x-more-data'] = 'true';
        return send(ctx, 200, text.subarray(start), headers);
      }
    }
    return notFound(ctx);
  }

  function trigger(ctx: Ctx, job: FakeJobState, kind: 'build' | 'buildWithParameters', now: number): never {
    requirePost(ctx);
    requirePermission(ctx, 'hudson.model.Item.Build');
    if (job.disabled) return send(ctx, 409, errorPage(409, 'Conflict'));
    const defs = job.def.params ?? [];
    if (kind === 'buildWithParameters' && defs.length === 0) {
      return send(ctx, 500, errorPage(500, `java.lang.IllegalStateException: This build is not parameterized!`));
    }
    if (kind === 'build' && defs.length > 0 && ctx.rec.params.json === undefined) {
      return send(ctx, 400, errorPage(400, 'This page expects a form submission but had only {}'));
    }
    // Only declared parameters reach the build; the rest are ignored (as Jenkins does).
    const params: Record<string, string> = {};
    for (const d of defs) {
      const given = ctx.rec.params[d.name];
      params[d.name] = given ?? (d.type === 'boolean' ? String(d.default === true || d.default === 'true') : String(d.default ?? d.choices?.[0] ?? ''));
    }
    const same = [...queue.values()].find((q) => q.job === job.def.name && q.leftAt === undefined && JSON.stringify(q.params) === JSON.stringify(params));
    if (same) return send(ctx, kind === 'buildWithParameters' ? 303 : 201, '', { location: `${root}queue/item/${same.id}/` });
    const id = nextQueueId++;
    queue.set(id, {
      id,
      job: job.def.name,
      params,
      createdAt: now,
      plan: planOf(job),
      cancelled: false,
      leftAt: undefined,
      build: undefined,
      user: ctx.auth.user?.user ?? 'anonymous',
    });
    return send(ctx, 201, '', { location: `${root}queue/item/${id}/` });
  }

  function handleComputer(ctx: Ctx): never {
    const segs = ctx.segments;
    if (segs.length === 3 && segs[1] === 'api' && segs[2] === 'json') {
      const list = [...nodes.values()];
      const busy = list.reduce((s, n) => s + (n.connected ? Math.min(n.busy, n.numExecutors) : 0), 0);
      const total = list.reduce((s, n) => s + n.numExecutors, 0);
      return json(ctx, {
        _class: 'hudson.model.ComputerSet',
        busyExecutors: busy,
        computer: list.map(computerJson),
        displayName: 'Nodes',
        totalExecutors: total,
      });
    }
    const name = segs[1] as string;
    const n = nodes.get(name);
    if (!n) return notFound(ctx);
    const action = segs.slice(2).join('/');
    const message = ctx.rec.params.offlineMessage ?? '';
    const nodeUrl = `${root}computer/${encodeURIComponent(name)}/`;
    switch (action) {
      case 'api/json':
        return json(ctx, computerJson(n));
      case 'toggleOffline':
        requirePost(ctx);
        if (!n.temporarilyOffline) {
          requirePermission(ctx, 'hudson.model.Computer.Disconnect');
          n.temporarilyOffline = true;
          n.offlineCauseClass = 'hudson.slaves.OfflineCause$UserCause';
          n.offlineCauseReason = message;
        } else {
          requirePermission(ctx, 'hudson.model.Computer.Connect');
          n.temporarilyOffline = false;
          n.offlineCauseClass = undefined;
          n.offlineCauseReason = '';
        }
        return redirect(ctx, nodeUrl);
      case 'changeOfflineCause':
        requirePost(ctx);
        requirePermission(ctx, 'hudson.model.Computer.Disconnect');
        n.temporarilyOffline = true;
        n.offlineCauseClass = 'hudson.slaves.OfflineCause$UserCause';
        n.offlineCauseReason = message;
        return redirect(ctx, nodeUrl);
      case 'doDisconnect':
        requirePost(ctx);
        requirePermission(ctx, 'hudson.model.Computer.Disconnect');
        n.disconnects++;
        if (n.connected) {
          n.offlineCauseClass = 'hudson.slaves.OfflineCause$UserCause';
          n.offlineCauseReason = message;
          if (n.disconnectMs > 0) n.disconnectAt = Date.now() + n.disconnectMs;
          else {
            n.connected = false;
            n.busy = 0;
          }
          if (!n.launchSupported && n.reconnectMs !== undefined) {
            n.connectAt = Date.now() + n.disconnectMs + n.reconnectMs;
            n.connectFails = false;
          }
        }
        return redirect(ctx, nodeUrl);
      case 'launchSlaveAgent':
        requirePost(ctx);
        requirePermission(ctx, 'hudson.model.Computer.Connect');
        if (n.connected) return send(ctx, 200, '<html><body>This agent is already launched.</body></html>');
        n.launches++;
        // Jenkins clears offlineCause when a launch starts (the temporary-offline flag stays).
        n.offlineCauseClass = undefined;
        n.offlineCauseReason = '';
        n.connectAt = Date.now() + n.launchMs;
        n.connectFails = n.launchFails;
        return redirect(ctx, `${nodeUrl}log`);
      default:
        return notFound(ctx);
    }
  }

  function route(ctx: Ctx, now: number): never {
    const segs = ctx.segments;
    const path = segs.join('/');
    if (path === 'crumbIssuer/api/json') {
      if (csrf === 'off') return notFound(ctx);
      let session = ctx.session;
      const headers: Record<string, string> = { 'content-type': 'application/json;charset=utf-8' };
      if (!session) {
        session = `node0${randomBytes(6).toString('hex')}`;
        headers['set-cookie'] = `JSESSIONID.fake=${session}; Path=/; HttpOnly`;
      }
      return send(
        ctx,
        200,
        JSON.stringify({ _class: 'hudson.security.csrf.DefaultCrumbIssuer', crumb: crumbFor(session), crumbRequestField: 'Jenkins-Crumb' }),
        headers,
      );
    }
    if (path === 'whoAmI/api/json') {
      const u = ctx.auth.user;
      return json(ctx, {
        _class: 'hudson.security.WhoAmI',
        anonymous: !u,
        authenticated: true,
        authorities: u ? ['authenticated'] : ['anonymous'],
        name: u?.user ?? 'anonymous',
      });
    }
    if (path === 'api/json') {
      const top = new Set([...jobs.keys()].map((k) => k.split('/')[0] as string));
      return json(ctx, {
        _class: 'hudson.model.Hudson',
        mode: 'NORMAL',
        useCrumbs: csrf !== 'off',
        useSecurity: true,
        jobs: [...top].map((name) => ({ name, url: jobUrl(name) })),
      });
    }
    if (segs[0] === 'queue' && segs[1] === 'item' && segs.length === 5 && segs[3] === 'api' && segs[4] === 'json') {
      const item = queue.get(Number(segs[2]));
      return item ? json(ctx, queueJson(item)) : notFound(ctx);
    }
    if (segs[0] === 'computer') return handleComputer(ctx);
    if (segs[0] === 'job') return handleJob(ctx, now);
    return notFound(ctx);
  }

  function matchFault(method: string, path: string): (FakeFault & { left: number }) | undefined {
    for (const f of faults) {
      if (f.left <= 0 || (f.method !== undefined && f.method !== method) || !(typeof f.path === 'string' ? f.path === path : f.path.test(path))) continue;
      if (f.skipLeft > 0) {
        f.skipLeft--;
        continue;
      }
      return f;
    }
    return undefined;
  }

  function wait(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(() => {
        timers.delete(t);
        resolve();
      }, ms);
      timers.add(t);
    });
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://fake');
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const bodyText = Buffer.concat(chunks).toString('utf8');
    let rawPath = url.pathname;
    if (contextPath && (rawPath === contextPath || rawPath.startsWith(`${contextPath}/`))) rawPath = rawPath.slice(contextPath.length) || '/';
    else if (contextPath) rawPath = `/__outside_context__${rawPath}`;
    const segments = rawPath
      .split('/')
      .filter((s) => s !== '')
      .map((s) => {
        try {
          return decodeURIComponent(s);
        } catch {
          return s;
        }
      });
    const query = Object.fromEntries(url.searchParams);
    const form = (req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded') ? Object.fromEntries(new URLSearchParams(bodyText)) : {};
    const cookie = /JSESSIONID\.fake=([^;\s]+)/.exec(req.headers.cookie ?? '')?.[1];
    const auth = authenticate(req);
    const rec: RecordedRequest = {
      method: req.method ?? 'GET',
      path: `/${segments.join('/')}`,
      rawPath,
      query,
      form,
      params: { ...query, ...form },
      user: auth.user?.user,
      authOk: auth.via === 'token' || auth.via === 'password',
      authVia: auth.via,
      crumbOk: undefined,
      hasCookie: cookie !== undefined,
      status: 0,
      at: Date.now(),
    };
    requests.push(rec);
    const ctx: Ctx = { req, res, rec, segments, auth, session: cookie };
    try {
      const fault = matchFault(rec.method, rec.path);
      if (fault) {
        fault.left--;
        if (fault.delayMs) await wait(fault.delayMs);
        if (fault.destroy) {
          req.socket.destroy();
          return;
        }
        if (fault.status !== undefined) send(ctx, fault.status, fault.body ?? errorPage(fault.status, 'Injected fault'), fault.headers ?? {});
      }
      if (auth.via === 'invalid') {
        const claimed =
          Buffer.from(/^Basic\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1] ?? '', 'base64')
            .toString('utf8')
            .split(':')[0] ?? '';
        send(ctx, 401, errorPage(401, `Invalid password/token for user: ${claimed}`), { 'www-authenticate': 'Basic realm="Jenkins"' });
      }
      if (auth.via === 'anonymous') {
        send(ctx, 403, '<html><body><p>anonymous is missing the Overall/Read permission</p></body></html>', {
          'x-you-are-authenticated-as': 'anonymous',
          'x-required-permission': 'hudson.model.Hudson.Read',
        });
      }
      checkCrumb(ctx);
      const now = Date.now();
      advance(now);
      route(ctx, now);
    } catch (err) {
      if (err instanceof Answered) return;
      rec.status = 500;
      if (!res.headersSent && !res.destroyed) res.writeHead(500, { 'content-type': 'text/plain' }).end(String(err));
    }
  }

  const server = createServer((req, res) => {
    void handle(req, res);
  });
  const sockets = new Set<Socket>();
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const ownUrl = `http://127.0.0.1:${port}${contextPath}/`;
  root = options.rootUrl ? options.rootUrl.replace(/\/?$/, '/') : ownUrl;
  const first = users[0] as FakeUser;

  const getJob = (name: string): FakeJobState => {
    const j = jobs.get(name);
    if (!j) throw new Error(`fake Jenkins has no job ${name}`);
    return j;
  };
  const getNode = (name: string): FakeNodeState => {
    const n = nodes.get(name);
    if (!n) throw new Error(`fake Jenkins has no node ${name}`);
    return n;
  };

  return {
    url: ownUrl,
    port,
    user: first.user,
    token: first.token ?? first.password ?? '',
    requests,
    requestsTo: (method, path) => requests.filter((r) => r.method === method && (typeof path === 'string' ? r.path === path : path.test(r.path))),
    addFault: (fault) => faults.push({ ...fault, left: fault.times ?? Infinity, skipLeft: fault.skip ?? 0 }),
    clearFaults: () => {
      faults.length = 0;
    },
    rotateCrumb: () => {
      crumbSalt = randomBytes(8).toString('hex');
    },
    job: getJob,
    node: (name) => {
      advance(Date.now());
      return getNode(name);
    },
    queueItem: (id) => {
      advance(Date.now());
      return queue.get(id);
    },
    cancelQueueItem: (id) => {
      const item = queue.get(id);
      if (item && item.leftAt === undefined) {
        item.leftAt = Date.now();
        item.cancelled = true;
      }
    },
    simulateAgentRestart: (name, downMs) => {
      const n = getNode(name);
      n.connected = false;
      n.busy = 0;
      if (!n.temporarilyOffline) {
        n.offlineCauseClass = 'hudson.slaves.OfflineCause$ChannelTermination';
        n.offlineCauseReason = 'Connection was broken';
      }
      n.connectAt = Date.now() + downMs;
      n.connectFails = false;
    },
    setPlan: (name, plan) => {
      getJob(name).plan = plan;
    },
    close: async () => {
      for (const t of timers) clearTimeout(t);
      timers.clear();
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
