/**
 * Takes over the replies of a replica that died (or shut down) while its
 * jobs ran: every replica renews a lease in the store; a pending reply whose
 * owner's lease is gone is adopted by one live replica (atomically), which
 * follows the job by id through the dispatcher, edits the status message and
 * posts the result in the thread. The result claim keeps it exactly-once.
 */
import type { ChatMessage, ProgressLine } from '../chat/chat-surface.ts';
import { parseCommand, type Command } from '../chat/parse-command.ts';
import type { Dispatcher } from '../jobs/dispatcher.ts';
import type { SlackFront } from './slack-front.ts';
import type { PendingReply } from './state-store.ts';

export interface ReplyRecoveryOptions {
  front: SlackFront;
  dispatcher: Dispatcher;
  /** Lease lifetime; a replica silent this long is presumed dead (default 30 s). */
  leaseMs?: number;
  /** How long an adopted job is followed (default 30 min, like the router). */
  jobWaitMs?: number;
}

export interface ReplyRecovery {
  /** One renew-and-adopt round (also run on a timer). */
  sweep(): Promise<number>;
  /** Stops the timer and gives up the lease, so others adopt at once. */
  stop(releaseLease: boolean): Promise<void>;
}

export function startReplyRecovery(options: ReplyRecoveryOptions): ReplyRecovery {
  const { front, dispatcher } = options;
  const leaseMs = options.leaseMs ?? 30_000;
  const jobWaitMs = options.jobWaitMs ?? 30 * 60_000;
  const log = front.logger.child({ component: 'reply-recovery', replica: front.replicaId });
  let stopped = false;
  let running: Promise<number> | undefined;

  const follow = async (r: PendingReply): Promise<void> => {
    let command: Command;
    try {
      command = parseCommand(r.commandText);
    } catch {
      command = { kind: 'status' };
    }
    const surface = front.surface({ channel: r.channel, threadTs: r.threadTs, userId: r.requestedBy ?? '', commandText: r.commandText });
    const handle = { id: r.statusTs };
    const lines: ProgressLine[] = [{ step: 'adopted', message: 'followed by another buildfix replica (the first one stopped)', status: 'info', atMs: 0 }];
    const status = (state: 'running' | 'done' | 'failed'): ChatMessage => ({
      kind: 'status',
      title: r.title,
      state,
      lines: [...lines],
      jobId: r.jobId,
      ...(r.requestedBy ? { requestedBy: r.requestedBy } : {}),
    });
    const started = Date.now();
    let last = 0;
    await surface.update(handle, status('running'));
    const outcome = await dispatcher.waitFor(r.jobId, {
      timeoutMs: jobWaitMs,
      onProgress: (event) => {
        lines.push({ ...event, atMs: Date.now() - started });
        if (Date.now() - last >= surface.updateIntervalMs) {
          last = Date.now();
          void surface.update(handle, status('running'));
        }
      },
    });
    await surface.update(handle, status(outcome.ok ? 'done' : 'failed'));
    await surface.post({ kind: 'result', command, outcome, ...(r.requestedBy ? { requestedBy: r.requestedBy } : {}) });
    log.info({ jobId: r.jobId }, 'adopted reply posted');
  };

  const sweepOnce = async (): Promise<number> => {
    await front.store.renewLease(front.replicaId, leaseMs);
    const orphans = await front.store.orphans(50);
    let adopted = 0;
    for (const r of orphans) {
      if (stopped) break;
      if (!(await front.store.adopt(r, front.replicaId))) continue;
      adopted++;
      log.info({ jobId: r.jobId, from: r.owner }, 'adopting the reply of a stopped replica');
      front.background('adopted reply', () => follow({ ...r, owner: front.replicaId }));
    }
    return adopted;
  };

  const sweep = (): Promise<number> => {
    running ??= sweepOnce()
      .catch((err: unknown) => {
        log.warn({ err }, 'reply recovery round failed');
        return 0;
      })
      .finally(() => {
        running = undefined;
      });
    return running;
  };

  const timer = setInterval(() => void sweep(), Math.max(250, Math.floor(leaseMs / 3)));
  timer.unref();
  void sweep();

  return {
    sweep,
    async stop(releaseLease: boolean): Promise<void> {
      stopped = true;
      clearInterval(timer);
      await running;
      if (releaseLease) await front.store.releaseLease(front.replicaId).catch(() => undefined);
    },
  };
}
