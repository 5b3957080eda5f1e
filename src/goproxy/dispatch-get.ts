/**
 * One GET through undici's dispatch API, the body collected from the
 * handler's callbacks up to a cap. undici's request() wraps every response
 * in a Readable stream and an async resource; for the hundreds of small
 * answers a module check reads, that wrapping was most of the client's
 * own cost per request (docs/benchmarks.md).
 *
 * Rejects with what undici reports (its UND_ERR_* errors) or with the
 * signal's reason when the signal aborts the request.
 */
import type { Dispatcher } from '../util/undici-dispatchers.ts';

export interface DispatchGetOptions {
  origin: string;
  path: string;
  headers: Record<string, string>;
  /** undici's headersTimeout and bodyTimeout. */
  timeoutMs: number;
  /** The body is cut here; `truncated` says so and the connection is dropped. */
  maxBodyBytes: number;
  signal: AbortSignal;
  /** Called once the response head is in (the body phase begins). */
  onHead?: () => void;
}

export interface DispatchGetResult {
  status: number;
  /** Lower-case names; repeated headers joined with ", ". */
  headers: Record<string, string>;
  body: string;
  truncated: boolean;
}

/** Marker reason for dropping a response whose body passed the cap. */
class BodyCapReached extends Error {}

export function dispatchGet(dispatcher: Dispatcher, options: DispatchGetOptions): Promise<DispatchGetResult> {
  const { signal } = options;
  return new Promise<DispatchGetResult>((resolve, reject) => {
    if (signal.aborted) {
      reject(signal.reason);
      return;
    }
    let controller: Dispatcher.DispatchController | undefined;
    let settled = false;
    let status = 0;
    let headers: Record<string, string> = {};
    const chunks: Buffer[] = [];
    let size = 0;
    const onAbort = (): void => {
      if (controller) controller.abort(signal.reason instanceof Error ? signal.reason : new Error(String(signal.reason)));
      else fail(signal.reason);
    };
    const settle = (): boolean => {
      if (settled) return false;
      settled = true;
      signal.removeEventListener('abort', onAbort);
      return true;
    };
    const fail = (err: unknown): void => {
      if (settle()) reject(err);
    };
    const finish = (truncated: boolean): void => {
      if (settle()) resolve({ status, headers, body: (chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, size)).toString('utf8'), truncated });
    };
    signal.addEventListener('abort', onAbort, { once: true });
    const handler: Dispatcher.DispatchHandler = {
      onRequestStart(c) {
        controller = c;
        if (signal.aborted) onAbort();
      },
      onResponseStart(_c, statusCode, head) {
        status = statusCode;
        headers = {};
        for (const [name, value] of Object.entries(head)) if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
        options.onHead?.();
      },
      onResponseData(c, chunk) {
        if (settled) return;
        if (size + chunk.length > options.maxBodyBytes) {
          chunks.push(chunk.subarray(0, options.maxBodyBytes - size));
          size = options.maxBodyBytes;
          finish(true);
          c.abort(new BodyCapReached('response body passed the cap'));
          return;
        }
        chunks.push(chunk);
        size += chunk.length;
      },
      onResponseEnd() {
        finish(false);
      },
      onResponseError(_c, err) {
        fail(err);
      },
    };
    try {
      dispatcher.dispatch({ origin: options.origin, path: options.path, method: 'GET', headers: options.headers, headersTimeout: options.timeoutMs, bodyTimeout: options.timeoutMs }, handler);
    } catch (err) {
      fail(err);
    }
  });
}
