/**
 * The chat adapter seam (Hubot's adapter pattern): the router speaks in
 * ChatMessages; a surface renders and delivers them — Slack Block Kit in a
 * thread, or lines in a terminal.
 */
import type { Classification } from '../classify/classify-log.ts';
import type { JobOutcome, JobProgress, JobSystemStatus, ReplyTo } from '../jobs/job-types.ts';
import type { Command } from './parse-command.ts';
import type { EnvDiff } from './env-diff.ts';
import type { PreflightResult } from '../preflight/types.ts';

export type Tone = 'info' | 'success' | 'warning' | 'error';

export interface ProgressLine extends JobProgress {
  /** ms since the job started */
  atMs: number;
}

export type ChatMessage =
  | { kind: 'text'; text: string; tone?: Tone }
  | { kind: 'help'; text: string }
  | {
      kind: 'status';
      /** "diagnose payments on agent-03" */
      title: string;
      state: 'queued' | 'running' | 'done' | 'failed';
      lines: ProgressLine[];
      jobId?: string;
      host?: string;
      requestedBy?: string;
    }
  | { kind: 'result'; command: Command; outcome: JobOutcome; requestedBy?: string }
  | { kind: 'envdiff'; diff: EnvDiff }
  | {
      kind: 'cluster-status';
      status: JobSystemStatus;
      preflight?: PreflightResult[];
      /** preflight.drillMaxAgeDays: older drills show as due. */ drillMaxAgeDays?: number;
      /** Slack posts given up on, newest first, one line each as `buildfix status` prints them (text from outside: escape it). */
      undelivered?: string[];
    }
  | { kind: 'confirm'; command: Command; prompt: string; actionLabel: string; requestedBy: string }
  | { kind: 'explanation'; classification: Classification; source: string };

export interface MessageHandle {
  /** Opaque to the router: a Slack ts, a terminal line number… */
  id: string;
}

export interface ChatSurface {
  /** Where the conversation is (for job replyTo); undefined for the terminal. */
  readonly replyTo: ReplyTo | undefined;
  /** Minimum ms between two edits of a status message. */
  readonly updateIntervalMs: number;
  /** Local files (explain, paths as repos) make sense only in a terminal on the same machine. */
  readonly localFiles: boolean;
  /** Aborted when the requester cancels the command in progress (Ctrl-C in the shell); the router stops its job and says nothing more. */
  readonly signal?: AbortSignal;
  /** Posts a visible message; the first one of a command starts its thread. */
  post(message: ChatMessage): Promise<MessageHandle>;
  /** Edits a message posted earlier (status progress). */
  update(handle: MessageHandle, message: ChatMessage): Promise<void>;
  /** A message only the requester sees (refusals, help, usage errors). */
  whisper(message: ChatMessage): Promise<void>;
  /**
   * Interactive surfaces ask at once and answer; a surface that confirms
   * through a button later returns undefined and the router posts a
   * `confirm` message instead.
   */
  askConfirmation(prompt: string): Promise<boolean | undefined>;
}

/** Who asked: a Slack user (with the user groups they belong to) or the terminal's user. */
export interface Requester {
  userId: string;
  /** Slack user-group ids the user belongs to, when known. */
  groups?: readonly string[];
  /** Display label for logs and the incident timeline. */
  label?: string;
  /** The terminal's own user: trusted like someone running the command by hand. */
  local?: boolean;
}
