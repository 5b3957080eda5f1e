/**
 * One GET through undici's dispatch API, the body collected from the
 * handler's callbacks up to a cap. undici's request() wraps every response
 * in a Readable stream and an async resource; for the hundreds of small
 * answers a module check reads, that wrapping was most of the client's
 * own cost per request (docs/benchmarks.md).
 *
 * Rejects with what undici reports (its UND_ERR_* errors) or with the
 * cancel's reason when the request is cancelled.
 */
import type { Dispatcher } from '../util/undici-dispatchers.ts';

/**
 * How a request is ended early: the first cancel() wins and its reason is
 * what the request rejects with. Lighter than an AbortController per request
 * (no EventTarget), which matters at hundreds of requests per diagnosis.
 */
export class RequestCancel {
  reason: unknown = undefined;
  #listener: ((reason: unknown) => void) | undefined;
  get cancelled(): boolean {
    return this.reason !== undefined;
  }
  cancel(reason: unknown): void {
    if (this.reason !== undefined) return;
    this.reason = reason ?? new Error('cancelled');
    this.#listener?.(this.reason);
  }
  /** The one listener (the request in progress); undefined removes it. */
  listen(listener: ((reason: unknown) => void) | undefined): void {
    this.#listener = listener;
  }
}

export interface DispatchGetOptions {
  origin: string;
  path: string;
  headers: Record<string, string>;
  /** undici's headersTimeout and bodyTimeout. */
  timeoutMs: number;
  /** The body is cut here; `truncated` says so and the connection is dropped. */
  maxBodyBytes: number;
  cancel: RequestCancel;
  /** Called once the response head is in (the body phase begins). */
  onHead?: () => void;
  /** Keep the body as bytes only (`body` is then ""): zips, sumdb tiles. */
  binary?: boolean;
}

export interface DispatchGetResult {
  status: number;
  /** Lower-case names; repeated headers joined with ", ". */
  headers: Record<string, string>;
  body: string;
  /** The body's bytes, when `binary` was asked for. */
  bytes?: Buffer;
  truncated: boolean;
}

/** Marker reason for dropping a response whose body passed the cap. */
class BodyCapReached extends Error {}

export function dispatchGet(dispatcher: Dispatcher, options: DispatchGetOptions): Promise<DispatchGetResult> {
  const { cancel } = options;
  return new Promise<DispatchGetResult>((resolve, reject) => {
    if (cancel.cancelled) {
      reject(cancel.reason);
      return;
    }
    let controller: Dispatcher.DispatchController | undefined;
    let settled = false;
    let status = 0;
    let headers: Record<string, string> = {};
    const chunks: Buffer[] = [];
    let size = 0;
    const onCancel = (reason: unknown): void => {
      if (controller) controller.abort(reason instanceof Error ? reason : new Error(String(reason)));
      else fail(reason);
    };
    const settle = (): boolean => {
      if (settled) return false;
      settled = true;
      cancel.listen(undefined);
      return true;
    };
    const fail = (err: unknown): void => {
      if (settle()) reject(err);
    };
    const finish = (truncated: boolean): void => {
      if (!settle()) return;
      const data = chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, size);
      resolve(options.binary ? { status, headers, body: '', bytes: data, truncated } : { status, headers, body: data.toString('utf8'), truncated });
    };
    cancel.listen(onCancel);
    const handler: Dispatcher.DispatchHandler = {
      onRequestStart(c) {
        controller = c;
        if (cancel.cancelled) onCancel(cancel.reason);
      },
      onResponseStart(_c, statusCode, head) {
        if (statusCode < 200) return; // 1xx (103 Early Hints …): the final head follows.
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
      dispatcher.dispatch(
        {
          origin: options.origin,
          path: options.path,
          method: 'GET',
          headers: options.headers,
          headersTimeout: options.timeoutMs,
          bodyTimeout: options.timeoutMs,
        },
        handler,
      );
    } catch (err) {
      fail(err);
    }
  });
}
