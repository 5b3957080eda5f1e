/**
 * `incident …` commands through the real `buildfix serve` (real Redis, fake
 * Slack): opening one from the channel asks for a commander; a slash command
 * in the channel applies to its one open incident, and once two are open it
 * must name one (and lists them); a command in a thread applies to that
 * thread's incident; resolving a manual incident archives it.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Redis } from 'ioredis';
import type { Incident } from '../../../src/incidents/incident-types.ts';
import type { RedisIncidentStore } from '../../../src/incidents/redis-incident-store.ts';
import { startSlackApiFake, type FakeMessage, type SlackApiFake } from '../../fakes/slack-api.ts';
import { startServeOnFreePort, uniquePrefix, type ServeHandle } from '../../helpers/slack-processes.ts';
import { postSigned, slashCommandBody } from '../../helpers/slack-sign.ts';
import { ARCHIVE_CHANNEL, buttonsOf, click, eventually, mentionInThread, releaseIncidentTest, setUpIncidentServe, shownText } from './harness.ts';

const ANN = 'UANN0001';
const RAJ = 'URAJ0002';
const CHANNEL = 'CPAYMENTS';

describe('incident commands in Slack (buildfix serve, real Redis)', { timeout: 120_000 }, () => {
  let slack: SlackApiFake;
  let serve: ServeHandle;
  let work: string;
  let store: RedisIncidentStore;
  let redis: Redis;
  let first: Incident;
  let firstRoot: FakeMessage;
  let replyCounter = 0;
  const prefix = uniquePrefix();

  /** Runs a slash command in CHANNEL and returns the id of its response_url (ephemeral answers land there). */
  const slash = async (text: string, user = ANN): Promise<string> => {
    const id = `cmd-${++replyCounter}`;
    const res = await postSigned(serve.eventsUrl, slashCommandBody({ text, channel_id: CHANNEL, user_id: user, response_url: slack.responseUrl(id) }));
    assert.equal(res.status, 200);
    return id;
  };
  const ephemeral = (id: string): Promise<string> =>
    eventually(`the ephemeral answer ${id}`, () => slack.calls.find((c) => c.method === 'response' && c.args.id === id)).then((c) => String(c.args.text));

  before(async () => {
    slack = await startSlackApiFake();
    let env: Record<string, string>;
    ({ work, store, redis, env } = await setUpIncidentServe({ label: 'incident-commands', config: 'repos: {}\n', prefix, slack }));
    serve = await startServeOnFreePort(env);
  });

  after(async () => {
    const code = await serve?.stop();
    await releaseIncidentTest({ redis, prefix, work, fakes: [slack] });
    assert.equal(code, 0);
    assert.doesNotMatch(serve.output(), /"level":(50|60)/, 'no error logged');
  });

  it('`incident open` in a channel posts the incident with a Take commander button; its message is the thread', async () => {
    await slash('incident open Payments deploys stuck on go mod download');
    firstRoot = await eventually('the opened incident', () =>
      slack.messages.find((m) => m.channel === CHANNEL && m.threadTs === undefined && /Incident #\d+ opened/.test(m.text)),
    );
    assert.match(shownText(firstRoot), /Payments deploys stuck on go mod download/);
    assert.match(shownText(firstRoot), /No commander yet/);
    const take = buttonsOf(firstRoot).find((b) => b.text.text === 'Take commander');
    assert.ok(take);
    // The incident is saved with its thread just after Slack answered the post the fake already shows.
    const found = await eventually('the incident to lead from its thread', () => store.findByThread(CHANNEL, firstRoot.ts));
    assert.ok(found);
    first = found;
    assert.equal(first.createdBy, ANN);
    assert.equal(first.source.ci, 'manual');

    await click(serve, slack, firstRoot, take, RAJ);
    const role = await eventually('the commander', async () => (await store.timeline(first.id)).find((e) => e.kind === 'role'));
    assert.equal(role.by, RAJ);
    assert.equal((await store.get(first.id))?.roles.commander, RAJ);
  });

  it('a slash command in the channel applies to its one open incident, answered in the incident thread', async () => {
    const id = await slash('incident note checked the proxy: it is up', RAJ);
    assert.match(await ephemeral(id), /Noted in incident #\d+'s timeline\. \(said in the incident's thread\)/);
    const timeline = await store.timeline(first.id);
    assert.ok(timeline.some((e) => e.kind === 'note' && e.text === 'checked the proxy: it is up' && e.by === RAJ));
    await eventually('the thread line', () => slack.messages.find((m) => m.threadTs === firstRoot.ts && /Noted in incident/.test(m.text)));
  });

  it('with two open incidents in the channel, a command must name one, and the open ones are listed', async () => {
    await slash('incident open Second problem: sum.golang.org unreachable', RAJ);
    const secondRoot = await eventually('the second incident', () =>
      slack.messages.find((m) => m.channel === CHANNEL && m.threadTs === undefined && /Second problem/.test(m.text)),
    );
    const second = await eventually('the second incident to lead from its thread', () => store.findByThread(CHANNEL, secondRoot.ts));
    assert.ok(second);

    const refused = await slash('incident status identified');
    const text = await ephemeral(refused);
    assert.match(text, /2 incidents are open here: name one/);
    assert.match(text, new RegExp(`#${first.id} investigating`));
    assert.match(text, new RegExp(`#${second.id} investigating`));
    assert.equal((await store.get(first.id))?.status, 'investigating', 'nothing changed');
    assert.equal((await store.get(second.id))?.status, 'investigating');

    await slash(`incident status identified #${second.id} sumdb blocked by the firewall`);
    await eventually('#2 identified', async () => ((await store.get(second.id))?.status === 'identified' ? true : undefined));
    assert.equal((await store.get(first.id))?.status, 'investigating');

    // In a thread, the thread decides.
    await mentionInThread(serve, CHANNEL, firstRoot.ts, 'incident status mitigated pinned v1.9.8', RAJ);
    await eventually('#1 mitigated', async () => ((await store.get(first.id))?.status === 'mitigated' ? true : undefined));
    assert.equal((await store.get(second.id))?.status, 'identified');

    const list = await ephemeral(await slash('incident list'));
    assert.match(list, /Open incidents \(2\)/);
    const log = await ephemeral(await slash(`incident log #${first.id}`));
    assert.match(log, /checked the proxy: it is up/);
    assert.match(log, /status → mitigated — pinned v1\.9\.8/);
  });

  it('resolving from the channel by number archives the report and says so in the incident thread', async () => {
    const second = (await store.listOpen(CHANNEL)).find((i) => i.id !== first.id);
    assert.ok(second);
    const id = await slash(`incident resolve #${second.id} firewall rule restored`, RAJ);
    assert.match(await ephemeral(id), new RegExp(`Incident #${second.id} resolved and archived`));
    const archive = await eventually('the archive post', () =>
      slack.messages.find((m) => m.channel === ARCHIVE_CHANNEL && new RegExp(`Incident #${second.id} resolved`).test(m.text)),
    );
    assert.match(shownText(archive), /Summary:\* firewall rule restored/);
    const upload = await eventually('the file', () => slack.uploads.find((u) => u.filename.startsWith(`incident-${second.id}-`)));
    for (const e of await store.timeline(second.id)) assert.ok(upload.content.includes(e.text), `the file holds: ${e.text}`);
    await eventually('the thread line', () =>
      slack.messages.find((m) => m.threadTs === second.threadTs && new RegExp(`archived to <#${ARCHIVE_CHANNEL}>`).test(shownText(m))),
    );
    assert.equal((await store.get(second.id))?.status, 'resolved');

    // Now the channel has one open incident again: no number needed.
    await slash('incident note back to one', RAJ);
    await eventually('the note on #1', async () => ((await store.timeline(first.id)).some((e) => e.text === 'back to one') ? true : undefined));
    const again = await ephemeral(await slash(`incident resolve #${second.id}`));
    assert.match(again, /already resolved/);
  });
});
