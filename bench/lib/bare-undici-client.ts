/**
 * The environment's own floor for the module check: a bare undici client
 * making only the requests that matter (one `.mod` per requirement) at a
 * fixed concurrency, with no parsing, routing, retries or reporting.
 *
 *   node bench/lib/bare-undici-client.ts <proxy-url> <concurrency> <module-path>...
 *
 * Prints {"requestMs": …} (time from the first request to the last answer).
 */
import { Agent } from 'undici';

const [base, concurrencyText, ...modules] = process.argv.slice(2);
const concurrency = Number(concurrencyText);
if (!base || !Number.isInteger(concurrency) || concurrency < 1 || modules.length === 0) {
  process.stderr.write('usage: bare-undici-client.ts <proxy-url> <concurrency> <module-path>...\n');
  process.exit(2);
}
const agent = new Agent({ connections: concurrency });
const origin = new URL(base).origin;
const started = performance.now();
let next = 0;
let failures = 0;
await Promise.all(
  Array.from({ length: Math.min(concurrency, modules.length) }, async () => {
    while (next < modules.length) {
      const [path, version] = (modules[next++] ?? '').split('@');
      const res = await agent.request({ origin, path: `/${path}/@v/${version}.mod`, method: 'GET', headersTimeout: 10_000, bodyTimeout: 10_000 });
      await res.body.text();
      if (res.statusCode !== 200) failures++;
    }
  }),
);
const requestMs = performance.now() - started;
process.stdout.write(`${JSON.stringify({ requestMs, failures })}\n`);
process.exit(0);
