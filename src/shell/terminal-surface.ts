/**
 * The terminal as a chat surface: messages are printed; a status message
 * prints each new progress line as it arrives; confirmations are asked at the
 * prompt (on a TTY) or read from the next input line (when piped).
 */
import type { ChatMessage, ChatSurface, MessageHandle } from '../chat/chat-surface.ts';
import { renderChatMessage, renderProgressLine } from '../render/terminal-chat.ts';

export interface TerminalSurfaceOptions {
  out: NodeJS.WritableStream;
  color: boolean;
  /** Reads one answer line (the shell's line source); undefined: Ctrl-C or end of input. */
  ask: (prompt: string) => Promise<string | undefined>;
  /** Aborted by Ctrl-C while this surface's command runs. */
  signal?: AbortSignal;
}

export class TerminalSurface implements ChatSurface {
  readonly replyTo = undefined;
  readonly updateIntervalMs = 0;
  readonly localFiles = true;
  #out: NodeJS.WritableStream;
  #color: boolean;
  #ask: TerminalSurfaceOptions['ask'];
  readonly signal: AbortSignal | undefined;
  /** Set when the command reported a failure (an error message, a failed job): a piped shell exits 1. */
  failed = false;
  #muted = false;
  #printed = new Map<string, number>();
  #next = 0;

  constructor(options: TerminalSurfaceOptions) {
    this.#out = options.out;
    this.#color = options.color;
    this.#ask = options.ask;
    this.signal = options.signal;
  }

  /** After a cancel: whatever the stopped command still says is dropped. */
  mute(): void {
    this.#muted = true;
  }

  #write(message: ChatMessage): void {
    if (this.#muted) return;
    if ((message.kind === 'text' && message.tone === 'error') || (message.kind === 'result' && !message.outcome.ok)) this.failed = true;
    this.#out.write(renderChatMessage(message, { color: this.#color }));
  }

  async post(message: ChatMessage): Promise<MessageHandle> {
    const id = String(++this.#next);
    this.#write(message);
    if (message.kind === 'status') this.#printed.set(id, this.#printLines(message, 0));
    return { id };
  }

  async update(handle: MessageHandle, message: ChatMessage): Promise<void> {
    if (message.kind !== 'status') {
      this.#write(message);
      return;
    }
    this.#printed.set(handle.id, this.#printLines(message, this.#printed.get(handle.id) ?? 0));
  }

  async whisper(message: ChatMessage): Promise<void> {
    this.#write(message);
  }

  async askConfirmation(prompt: string): Promise<boolean> {
    const answer = await this.#ask(`${prompt} [y/N] `);
    return /^\s*y(es)?\s*$/i.test(answer ?? '');
  }

  #printLines(message: Extract<ChatMessage, { kind: 'status' }>, already: number): number {
    if (this.#muted) return already;
    for (const line of message.lines.slice(already)) this.#out.write(renderProgressLine(line, { color: this.#color }));
    return message.lines.length;
  }
}
