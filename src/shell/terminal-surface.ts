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
  /** Reads one answer line (the shell's line source). */
  ask: (prompt: string) => Promise<string | undefined>;
}

export class TerminalSurface implements ChatSurface {
  readonly replyTo = undefined;
  readonly updateIntervalMs = 0;
  readonly localFiles = true;
  #out: NodeJS.WritableStream;
  #color: boolean;
  #ask: TerminalSurfaceOptions['ask'];
  #printed = new Map<string, number>();
  #next = 0;

  constructor(options: TerminalSurfaceOptions) {
    this.#out = options.out;
    this.#color = options.color;
    this.#ask = options.ask;
  }

  async post(message: ChatMessage): Promise<MessageHandle> {
    const id = String(++this.#next);
    this.#out.write(renderChatMessage(message, { color: this.#color }));
    if (message.kind === 'status') this.#printed.set(id, this.#printLines(message, 0));
    return { id };
  }

  async update(handle: MessageHandle, message: ChatMessage): Promise<void> {
    if (message.kind !== 'status') {
      this.#out.write(renderChatMessage(message, { color: this.#color }));
      return;
    }
    this.#printed.set(handle.id, this.#printLines(message, this.#printed.get(handle.id) ?? 0));
  }

  async whisper(message: ChatMessage): Promise<void> {
    this.#out.write(renderChatMessage(message, { color: this.#color }));
  }

  async askConfirmation(prompt: string): Promise<boolean> {
    const answer = await this.#ask(`${prompt} [y/N] `);
    return /^\s*y(es)?\s*$/i.test(answer ?? '');
  }

  #printLines(message: Extract<ChatMessage, { kind: 'status' }>, already: number): number {
    for (const line of message.lines.slice(already)) this.#out.write(renderProgressLine(line, { color: this.#color }));
    return message.lines.length;
  }
}
