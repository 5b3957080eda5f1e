/**
 * Types for the undici modules src/util/undici-dispatchers.ts loads one by one.
 * They are the classes undici's index exports, so the public types apply.
 */
declare module 'undici/lib/dispatcher/dispatcher.js' {
  import type { Dispatcher } from 'undici';
  const DispatcherClass: abstract new () => Dispatcher;
  export default DispatcherClass;
}
declare module 'undici/lib/api/index.js' {
  /** request, stream, pipeline, connect, upgrade: the methods undici's index puts on Dispatcher.prototype. */
  const api: Record<'request' | 'stream' | 'pipeline' | 'connect' | 'upgrade', (...args: never[]) => unknown>;
  export default api;
}
declare module 'undici/lib/dispatcher/agent.js' {
  import type { Agent } from 'undici';
  const AgentClass: typeof Agent;
  export default AgentClass;
}
declare module 'undici/lib/dispatcher/proxy-agent.js' {
  import type { ProxyAgent } from 'undici';
  const ProxyAgentClass: typeof ProxyAgent;
  export default ProxyAgentClass;
}
