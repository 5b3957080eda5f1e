import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { classifyLog } from '../../../src/classify/classify-log.ts';
import { classifyLogStream } from '../../../src/classify/classify-stream.ts';
import { BuildfixError } from '../../../src/errors.ts';
import { checkCorpus } from '../../../scripts/check-corpus.ts';

/** Yields `text` in pieces of `size` bytes (cutting through multi-byte characters and lines). */
async function* pieces(text: string, size: number): AsyncGenerator<Buffer> {
  const buf = Buffer.from(text, 'utf8');
  for (let i = 0; i < buf.length; i += size) yield buf.subarray(i, i + size);
}

const NOISE = Buffer.from(
  Array.from({ length: 1024 }, (_, i) =>
    i % 3 === 0
      ? `2024-05-02T10:11:12.${String(i).padStart(7, '0')}Z go: downloading github.com/acme/module${i} v1.2.${i % 97}`
      : i % 3 === 1
        ? `#12 4.${i} ok  \tgithub.com/acme/api/internal/ledger${i}\t0.${i}s`
        : `[INFO] compiling package ${i} with 12 workers, cache hit ratio 0.${i}`,
  ).join('\n') + '\n',
);

/** About `mb` MB of build noise with `cause` at the middle, produced on the fly (never held whole). */
async function* bigLog(mb: number, cause: string): AsyncGenerator<Buffer> {
  const chunks = Math.ceil((mb * 1024 * 1024) / NOISE.length);
  for (let i = 0; i < chunks; i++) {
    if (i === Math.floor(chunks / 2)) yield Buffer.from(`${cause}\n`);
    yield NOISE;
  }
  yield Buffer.from('make: *** [deps] Error 1\n##[error]Process completed with exit code 2.\n');
}

describe('classifyLogStream', () => {
  it('gives the same answer as classifyLog on every corpus log, streamed in odd-sized pieces', async () => {
    const { entries } = checkCorpus();
    assert.ok(entries.length > 200);
    for (const e of entries) {
      const whole = classifyLog(e.log);
      const streamed = await classifyLogStream(pieces(e.log, 7));
      assert.deepEqual(streamed, whole, e.file);
    }
  });

  it('reads a 100 MB log in bounded memory and points at the cause line', async () => {
    const cause = 'go: github.com/acme/money@v0.3.1: verifying module: checksum mismatch';
    globalThis.gc?.();
    const before = process.memoryUsage().rss;
    let peak = before;
    const timer = setInterval(() => {
      peak = Math.max(peak, process.memoryUsage().rss);
    }, 20);
    let bytes = 0;
    let lines = 0;
    const counted = (async function* count() {
      for await (const chunk of bigLog(100, cause)) {
        bytes += chunk.length;
        lines += chunk.toString('latin1').split('\n').length - 1;
        peak = Math.max(peak, process.memoryUsage().rss);
        yield chunk;
      }
    })();
    const result = await classifyLogStream(counted);
    clearInterval(timer);
    assert.ok(bytes >= 100 * 1024 * 1024, `${bytes} bytes`);
    assert.equal(result.category, 'checksum-mismatch');
    assert.equal(result.module, 'github.com/acme/money');
    assert.equal(result.evidence[0], cause);
    const causeLine = result.evidenceLines[0] ?? 0;
    assert.ok(causeLine > lines / 3 && causeLine < (2 * lines) / 3, `cause at line ${causeLine} of ${lines}`);
    const growth = (peak - before) / 1024 / 1024;
    // Holding the log would cost > 200 MB (UTF-16 string); streaming keeps one chunk and one line.
    assert.ok(growth < 80, `RSS grew by ${growth.toFixed(0)} MB`);
  });

  it('cuts a 20 MB line without newline instead of holding it', async () => {
    async function* oneLine(): AsyncGenerator<Buffer> {
      yield Buffer.from('go: example.com/m@v1.0.0: reading https://proxy.golang.org/example.com/m/@v/v1.0.0.zip: 404 Not Found ');
      const filler = Buffer.alloc(1024 * 1024, 'x');
      for (let i = 0; i < 20; i++) yield filler;
    }
    const result = await classifyLogStream(oneLine());
    assert.equal(result.category, 'version-not-found');
    assert.deepEqual(result.evidenceLines, [1]);
    assert.ok((result.evidence[0] ?? '').length <= 300);
  });

  it('refuses binary input with a clear BF_INPUT error', async () => {
    const elf = Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0]), Buffer.alloc(64)]);
    await assert.rejects(
      classifyLogStream(pieces(elf.toString('latin1'), 3), { label: 'core.bin' }),
      (err: unknown) => err instanceof BuildfixError && err.code === 'BF_INPUT' && /core\.bin looks like a binary file/.test(err.message),
    );
  });

  it('refuses empty and whitespace-only input with a clear BF_INPUT error', async () => {
    for (const text of ['', '\n\n  \n\t\n']) {
      await assert.rejects(
        classifyLogStream(pieces(text, 4), { label: 'build.log' }),
        (err: unknown) => err instanceof BuildfixError && err.code === 'BF_INPUT' && /build\.log is empty/.test(err.message),
      );
    }
  });
});
