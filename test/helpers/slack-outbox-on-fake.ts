/**
 * What `buildfix serve`'s handler thread posts pre-flight alerts through: the real SlackApi and
 * outbox, pointed at the Slack fake, with short retry pauses for tests: a post that keeps failing is given up on
 * after `giveUpAfterMs` (default 8 s, as the serve tests set slack.postGiveUpAfter), first retried after half a second.
 */
import type { Logger } from '../../src/logger.ts';
import { SlackOutbox } from '../../src/slack/outbox/slack-outbox.ts';
import { SlackApi } from '../../src/slack/slack-api.ts';
import type { SlackApiFake } from '../fakes/slack-api.ts';

export function slackOutboxOnFake(slack: SlackApiFake, logger: Logger, giveUpAfterMs = 8000): SlackOutbox {
  const api = new SlackApi({ token: 'xoxb-test-token', apiUrl: slack.apiUrl, logger, backoffMs: 10 });
  return new SlackOutbox({ api, logger, textBudget: 11_000, giveUpAfterMs });
}
