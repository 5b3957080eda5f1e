/**
 * Submit-side validation shared by both dispatchers: the payload schema, the
 * routing rule, the config names, reply metadata, and the dedup key. Nothing
 * reaches a queue unless this passes.
 */
import { createHash } from 'node:crypto';
import { BuildfixError } from '../errors.ts';
import { getJobSpec, JOB_NAMES, type JobSpec } from './catalogue.ts';
import { ReplyToSchema, RequestedBySchema, type JobEnvelope } from './job-types.ts';
import { describeZodError } from './payload-schemas.ts';
import { newJobId, normalizeHost, queueForHost } from './queue-names.ts';
import type { SubmitOptions } from './dispatcher.ts';
import type { NamesConfig } from './validate-names.ts';

export interface PreparedSubmission {
  name: string;
  spec: JobSpec;
  jobId: string;
  host: string | undefined;
  queue: string;
  envelope: JobEnvelope;
  /** Same job, same host, same payload → same key; undefined when the job does not dedup. */
  dedupKey: string | undefined;
  dedupWindowMs: number;
}

// JSON with sorted keys, so {a,b} and {b,a} hash alike.
function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

export function dedupKeyFor(name: string, host: string | undefined, payload: unknown): string {
  const digest = createHash('sha256')
    .update(`${name}\n${host ?? '*'}\n${canonicalJson(payload)}`)
    .digest('hex')
    .slice(0, 32);
  return `${name}.${digest}`;
}

export interface PrepareContext {
  config: NamesConfig;
  /** See NameCheckContext.localHost. */
  localHost: string | undefined;
  now?: number;
}

export function prepareSubmission(name: string, payloadInput: unknown, options: SubmitOptions, ctx: PrepareContext): PreparedSubmission {
  const spec = getJobSpec(name);
  if (!spec) throw new BuildfixError('BF_INPUT', `unknown job "${name}" (known jobs: ${JOB_NAMES.join(', ')})`);
  const parsed = spec.payload.safeParse(payloadInput);
  if (!parsed.success) throw new BuildfixError('BF_INPUT', `invalid ${name} payload: ${describeZodError(parsed.error)}`);
  const payload: unknown = parsed.data;

  const implied = spec.hostFromPayload?.(payload as never);
  let host = options.host === undefined ? undefined : normalizeHost(options.host);
  if (implied !== undefined) {
    const impliedHost = normalizeHost(implied);
    if (host !== undefined && host !== impliedHost) {
      throw new BuildfixError('BF_INPUT', `${name} for agent "${implied}" runs on that agent's own worker, not on "${options.host}"`);
    }
    host = impliedHost;
  }
  if (spec.routing === 'host' && host === undefined) {
    throw new BuildfixError('BF_INPUT', `${name} must be addressed to a host (the agent to act on)`);
  }
  spec.check?.(payload as never, { config: ctx.config, localHost: ctx.localHost });

  const envelope: JobEnvelope = { v: 1, payload, submittedAt: ctx.now ?? Date.now() };
  if (host !== undefined) envelope.host = host;
  if (options.replyTo !== undefined) {
    const r = ReplyToSchema.safeParse(options.replyTo);
    if (!r.success) throw new BuildfixError('BF_INPUT', `invalid replyTo: ${describeZodError(r.error)}`);
    envelope.replyTo = r.data;
  }
  if (options.requestedBy !== undefined) {
    const r = RequestedBySchema.safeParse(options.requestedBy);
    if (!r.success) throw new BuildfixError('BF_INPUT', `invalid requestedBy: ${describeZodError(r.error)}`);
    envelope.requestedBy = r.data;
  }
  const dedupWindowMs = options.dedup === false ? 0 : spec.options.dedupWindowMs;
  return {
    name,
    spec,
    jobId: newJobId(name, host),
    host,
    queue: queueForHost(host),
    envelope,
    dedupKey: dedupWindowMs > 0 ? dedupKeyFor(name, host, payload) : undefined,
    dedupWindowMs,
  };
}
