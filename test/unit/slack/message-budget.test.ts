/** fitMessage: what is left out is counted exactly, the buttons stay, the file holds everything. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { actions, button, context, header, section, type KnownBlock } from '../../../src/slack/blocks/block-kit.ts';
import { blocksSize, fitMessage, minimalMessage, withinBlockLimits } from '../../../src/slack/outbox/message-budget.ts';
import { checkMessage } from '../../fakes/slack-api.ts';

const buttons = actions([button({ text: 'Resolve', actionId: 'bf-resolve', value: '{"i":1}' })]);

function list(n: number, perBlock: number, note?: string): KnownBlock[] {
  const blocks: KnownBlock[] = [header('Incident #1 resolved'), section('*Timeline (n entries)*')];
  let lines: string[] = [];
  for (let i = 1; i <= n; i++) {
    lines.push(`\`2026-01-01T00:00:00Z\` <@U1> · note — item ${i} ${'y'.repeat(40)}`);
    if (lines.length === perBlock) {
      blocks.push(section(lines.join('\n')));
      lines = [];
    }
  }
  if (lines.length || note) blocks.push(section([...lines, ...(note ? [note] : [])].join('\n')));
  return blocks;
}

describe('fitMessage', () => {
  it('leaves messages within the budget alone', () => {
    const m = { text: 'small', blocks: [section('hello'), buttons] };
    const fitted = fitMessage(m, 11_000);
    assert.equal(fitted.cut, false);
    assert.equal(fitted.file, undefined);
    assert.deepEqual(fitted.blocks, m.blocks);
  });

  it('cuts from the end, keeps the buttons, counts every item left out (renderer notes included)', () => {
    const blocks = [...list(300, 30, '… 200 more in the attached file'), context(['Full report attached']), buttons];
    const fitted = fitMessage({ text: 'Incident #1 resolved', blocks, overflowUnit: 'events' }, 6000);
    assert.ok(blocksSize(fitted.blocks) <= 6000, `${blocksSize(fitted.blocks)}`);
    assert.equal(checkMessage({ text: fitted.text, blocks: fitted.blocks }), undefined);
    assert.equal((fitted.blocks.at(-1) as { type: string }).type, 'actions', 'buttons stay last');
    const shown = JSON.stringify(fitted.blocks).match(/item \d+ /g)?.length ?? 0;
    const omitted = Number(/… and (\d+) more events/.exec(JSON.stringify(fitted.blocks))?.[1]);
    assert.equal(shown + omitted, 500);
    for (let i = 1; i <= 300; i++) assert.ok(fitted.file?.content.includes(`item ${i} `));
  });

  it('clips a single oversized block and a too-long header, and says the full text is in the file', () => {
    const huge = { type: 'section', text: { type: 'mrkdwn', text: 'z'.repeat(9000) } } as KnownBlock;
    const limited = withinBlockLimits([huge, { type: 'header', text: { type: 'plain_text', text: 'h'.repeat(400) } } as KnownBlock]);
    assert.equal(limited.clipped, true);
    assert.equal(checkMessage({ text: 'x', blocks: limited.blocks }), undefined);
    const fitted = fitMessage({ text: 'big', blocks: [huge] }, 2000);
    assert.ok(blocksSize(fitted.blocks) <= 2000);
    assert.ok(fitted.file?.content.includes('z'.repeat(9000)));
  });

  it('the minimal form keeps the headline and the buttons', () => {
    const m = minimalMessage({ text: 'Root cause: <b> & more', blocks: [...list(50, 10), buttons] });
    assert.equal(checkMessage({ text: m.text, blocks: m.blocks }), undefined);
    assert.match(JSON.stringify(m.blocks[0]), /Root cause: &lt;b&gt; &amp; more/);
    assert.equal((m.blocks.at(-1) as { type: string }).type, 'actions');
    assert.ok(m.file?.content.includes('item 50 '));
  });
});
