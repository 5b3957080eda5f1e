// What the Jenkins operation modules (builds, nodes, clean-build, restart-agent,
// rollback) need from a client: authenticated GET/POST relative to the Jenkins
// root. JenkinsClient implements it; the operations depend on this interface,
// not on the client class, so the client can import them without a cycle.
import type { z } from 'zod';

export type QueryValue = string | number | boolean | undefined;

export interface JenkinsRequestOptions {
  query?: Record<string, QueryValue>;
  /** Sent as application/x-www-form-urlencoded (POST only). */
  form?: Record<string, string>;
  /** What the request is about, named in 404 messages: "job 'team/payments/main'". */
  subject?: string;
  /** Replaces the 404 sentence. */
  notFound?: string;
  /** Overrides the client's deadline for this call. */
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Statuses handed back instead of thrown (default: 2xx; for POST 2xx and 3xx). */
  accept?: (status: number) => boolean;
  /** Body cap (default 8 MiB); "tail" keeps the end (logs), "head" the start. */
  maxBodyBytes?: number;
  keep?: 'head' | 'tail';
}

export interface JenkinsResponse {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
  /** True when the body was cut at maxBodyBytes. */
  truncated: boolean;
  /** Path + query that was requested (relative to the Jenkins root). */
  path: string;
}

export interface JenkinsTransport {
  readonly baseUrl: string;
  readonly pollIntervalMs: number;
  urlFor(path: string): string;
  get(path: string, opts?: JenkinsRequestOptions): Promise<JenkinsResponse>;
  getJson<S extends z.ZodType>(path: string, schema: S, opts?: JenkinsRequestOptions): Promise<z.output<S>>;
  post(path: string, opts?: JenkinsRequestOptions): Promise<JenkinsResponse>;
}
