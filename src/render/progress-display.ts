/**
 * A one-line spinner on a TTY (stderr) fed by ProgressEvents; silent when the
 * stream is not a TTY so pipes and --json stay clean.
 */
import type { ProgressEvent } from '../report/model.ts';

const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

export interface ProgressDisplay {
  update(event: ProgressEvent): void;
  stop(): void;
}

export function createProgressDisplay(stream: NodeJS.WriteStream): ProgressDisplay {
  if (!stream.isTTY) return { update: () => {}, stop: () => {} };
  const running = new Map<string, string>();
  let frame = 0;
  let last = '';
  const draw = (): void => {
    const parts = [...running.values()];
    const text = parts.length > 0 ? `${FRAMES[frame % FRAMES.length]} ${parts.join(' · ')}` : last;
    const width = (stream.columns ?? 100) - 1;
    stream.write(`\r\u001b[2K${text.slice(0, width)}`);
  };
  const timer = setInterval(() => {
    frame++;
    draw();
  }, 80);
  timer.unref();
  return {
    update(event) {
      if (event.phase === 'start') running.set(event.check, `${event.message}…`);
      else if (event.phase === 'done') {
        running.delete(event.check);
        last = `${event.status === 'pass' ? '✓' : event.status === 'skip' ? '-' : '✗'} ${event.message}`;
      } else running.set(event.check, event.message);
      draw();
    },
    stop() {
      clearInterval(timer);
      stream.write('\r\u001b[2K');
    },
  };
}
