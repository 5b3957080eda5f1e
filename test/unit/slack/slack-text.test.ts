/**
 * Text in and out of Slack: what people type comes back as typed, text
 * from outside never becomes a mention, ping or link, and only the mentions
 * buildfix builds from stored ids stay live.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { mentionChannel, mentionGroup, mentionUser, plainMentions } from '../../../src/chat/mentions.ts';
import { parseCommand } from '../../../src/chat/parse-command.ts';
import { renderSlackMessage } from '../../../src/slack/blocks/render-slack-message.ts';
import { renderThreadNote } from '../../../src/slack/blocks/incident-blocks.ts';
import { finalizeBlocks, mrkdwnFromPlain, outgoingBlocks, outgoingText } from '../../../src/slack/blocks/slack-escape.ts';
import { decodeEntities, slackInputText } from '../../../src/slack/slack-input.ts';
import { escapeLikeSlack } from '../../fakes/slack-api.ts';

const directory = { users: { ann: 'UANN0001', raj: 'URAJ0002' }, channels: { ops: 'COPS0001' } };

/** Every live <…> in a Slack payload: mentions, pings, links. */
function liveMarkup(value: unknown): string[] {
  return [...JSON.stringify(value).matchAll(/<([@#!]|https?:|mailto:)[^>]*>/g)].map((m) => m[0]);
}

describe('Slack input: read back as typed', () => {
  const cases: Array<[typed: string, read: string]> = [
    ['diagnose https://github.com/acme/api', 'diagnose https://github.com/acme/api'],
    ['incident note a < b && c > d', 'incident note a < b && c > d'],
    ['incident note see https://ci.example.test/job/x?a=1&b=2 now', 'incident note see https://ci.example.test/job/x?a=1&b=2 now'],
    ['incident role commander @ann', 'incident role commander <@UANN0001>'],
    ['incident note ask #ops or mail sre@example.com', 'incident note ask <#COPS0001> or mail sre@example.com'],
    ['incident note @here look', 'incident note @here look'],
    ['incident note typed &lt;@U1&gt; literally', 'incident note typed &lt;@U1&gt; literally'],
  ];
  for (const [typed, read] of cases) {
    it(`${typed} → ${read}`, () => {
      const wire = escapeLikeSlack(typed, directory);
      assert.equal(slackInputText(wire), read, `wire: ${wire}`);
    });
  }

  it('unwraps labelled links, users, channels, groups and mailto as Slack sends them', () => {
    assert.equal(slackInputText('diagnose <https://github.com/acme/api|github.com/acme/api>'), 'diagnose https://github.com/acme/api');
    assert.equal(slackInputText('role engineer <@URAJ0002|raj>'), 'role engineer <@URAJ0002>');
    assert.equal(slackInputText('in <#COPS0001|ops> and <#COPS0001>'), 'in <#COPS0001> and <#COPS0001>');
    assert.equal(slackInputText('<!subteam^S0SRE|@sre> <!channel>'), '@sre @channel');
    assert.equal(slackInputText('<mailto:a@b.example|a@b.example>'), 'a@b.example');
    assert.equal(decodeEntities('&lt;&gt;&amp;amp;'), '<>&amp;');
  });

  it('parses escaped slash commands to what the person meant', () => {
    assert.deepEqual(parseCommand(slackInputText(escapeLikeSlack('diagnose https://github.com/acme/api', directory))), {
      kind: 'diagnose',
      repo: 'https://github.com/acme/api',
    });
    const role = parseCommand(slackInputText(escapeLikeSlack('incident role commander @ann', directory)));
    assert.deepEqual(role, { kind: 'incident', action: { op: 'role', role: 'commander', user: 'UANN0001' } });
    const note = parseCommand(slackInputText(escapeLikeSlack('incident note a < b & c', directory)));
    assert.deepEqual(note, { kind: 'incident', action: { op: 'note', text: 'a < b & c' } });
    // the shell has names, not ids
    assert.deepEqual(parseCommand('incident role engineer @raj'), { kind: 'incident', action: { op: 'role', role: 'engineer', user: 'raj' } });
  });
});

describe('Slack output: only buildfix-built mentions are live', () => {
  it('tokens become mentions; the same markup typed by someone stays text', () => {
    const text = `${mentionUser('UANN0001')} is commander — note: <@UEVIL0001> <!channel> <https://evil.example|docs> & ${mentionChannel('COPS0001')} ${mentionGroup('S0SRE01')}`;
    assert.equal(
      mrkdwnFromPlain(text),
      '<@UANN0001> is commander — note: &lt;@UEVIL0001&gt; &lt;!channel&gt; &lt;https://evil.example|docs&gt; &amp; <#COPS0001> <!subteam^S0SRE01>',
    );
    assert.equal(plainMentions(text), '@UANN0001 is commander — note: <@UEVIL0001> <!channel> <https://evil.example|docs> & #COPS0001 @S0SRE01');
    // non-Slack ids are plain
    assert.equal(mentionUser('local:ann'), 'local:ann');
  });

  it('a forged token (wrong key, stray private-use characters) is not a mention', () => {
    const forged = '\uE000000000000000@UEVIL0001\uE001 hi';
    assert.equal(mrkdwnFromPlain(forged), '000000000000@UEVIL0001 hi');
    assert.deepEqual(liveMarkup(outgoingText(forged)), []);
  });

  it('blocks: mrkdwn verbatim, tokens live in mrkdwn, plain in plain_text and code', () => {
    const note = renderThreadNote(`${mentionUser('UANN0001')} said: <@UEVIL0001> <!here>\nsecond line`);
    const blocks = outgoingBlocks(note.blocks) as Array<{ text: { text: string; verbatim?: boolean } }>;
    assert.equal(blocks[0]?.text.verbatim, true);
    assert.deepEqual(liveMarkup(blocks), ['<@UANN0001>']);
    const text = renderSlackMessage(
      { kind: 'text', text: `first ${mentionUser('UANN0001')}\n${mentionUser('URAJ0002')} <!channel> in code` },
      { config: { agents: {}, repos: {}, jobs: {} } as never },
    );
    const sent = finalizeBlocks(text.blocks);
    assert.deepEqual(liveMarkup(sent), ['<@UANN0001>'], JSON.stringify(sent));
    assert.match(JSON.stringify(sent), /@URAJ0002 &lt;!channel&gt; in code/);
    assert.deepEqual(liveMarkup(outgoingText(text.text)), ['<@UANN0001>', '<@URAJ0002>']);
  });
});
