/**
 * The verdict label of buildfix_webhook_deliveries_total from what the
 * webhook handler answered (src/webhooks/handle-webhook.ts status codes).
 */
const BY_STATUS: Record<number, string> = {
  400: 'malformed',
  401: 'unauthorized',
  404: 'disabled',
  405: 'wrong_method',
  413: 'too_large',
  415: 'unsupported',
  503: 'unavailable',
};

const RESULTS = new Set(['opened', 'grouped', 'recovered', 'duplicate', 'ignored', 'ping']);

export function webhookVerdict(status: number, body?: { result?: unknown }): string {
  const result = typeof body?.result === 'string' ? body.result : undefined;
  if (status >= 200 && status < 300) return result && RESULTS.has(result) ? result : status === 202 ? 'ignored' : 'accepted';
  return BY_STATUS[status] ?? (status >= 500 ? 'error' : 'refused');
}
