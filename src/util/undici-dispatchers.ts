/**
 * undici's Agent and ProxyAgent without the rest of the package.
 *
 * `import 'undici'` loads fetch, WebSocket, EventSource, the cache stores and
 * the mock agents, and its cookie helpers touch `globalThis.Headers`, which
 * makes Node load its own built-in copy of undici as well: about 40 ms of
 * start-up that a one-shot `buildfix diagnose` pays before its first request.
 * buildfix needs only the two dispatchers and their request() API, so it
 * loads those modules and does the one piece of wiring undici's index does for
 * them. The modules are pinned by package-lock.json; the HTTP client tests
 * (and every Jenkins test) go through these classes.
 */
import type { Agent as AgentType, ProxyAgent as ProxyAgentType } from 'undici';
import api from 'undici/lib/api/index.js';
import AgentClass from 'undici/lib/dispatcher/agent.js';
import DispatcherClass from 'undici/lib/dispatcher/dispatcher.js';
import ProxyAgentClass from 'undici/lib/dispatcher/proxy-agent.js';

// undici's index.js: Object.assign(Dispatcher.prototype, api). Harmless if the full package is loaded too.
if (typeof (DispatcherClass.prototype as { request?: unknown }).request !== 'function') Object.assign(DispatcherClass.prototype, api);

export const Agent: typeof AgentType = AgentClass;
export const ProxyAgent: typeof ProxyAgentType = ProxyAgentClass;
export type Agent = AgentType;
export type ProxyAgent = ProxyAgentType;
export type AgentOptions = AgentType.Options;
export type { Dispatcher } from 'undici';
