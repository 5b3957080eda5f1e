/**
 * The undici dispatchers buildfix uses (Agent for direct connections,
 * ProxyAgent for HTTP(S)_PROXY), through undici's public entry point only:
 * an undici update may move its internal files, never its exports.
 */
export { Agent, ProxyAgent } from 'undici';
export type { Dispatcher } from 'undici';
import type { Agent } from 'undici';
export type AgentOptions = Agent.Options;
