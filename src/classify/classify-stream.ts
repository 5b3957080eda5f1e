/**
 * Classifies a log read as a stream (a file, standard input, a CI API body)
 * in bounded memory: the text is decoded chunk by chunk, cut into lines, and
 * each line goes to the line-at-a-time classifier. Only the current line is
 * held, and only its first MAX_LINE characters (the rules read no further),
 * so a 100 MB log, or a 100 MB log without a single newline, costs a few MB.
 *
 * Input that is not a build log is refused with a clear BF_INPUT error:
 * binary data (a zip of logs, a core dump: judged on the first 8 KiB) and
 * empty input (nothing but whitespace).
 */
import { StringDecoder } from 'node:string_decoder';
import { BuildfixError } from '../errors.ts';
import { createLogClassifier, type Classification } from './classify-log.ts';
import { isProbablyBinary } from './is-probably-binary.ts';

const SNIFF_BYTES = 8192;
/** Characters of one line kept; matches the classifier's own cut (classify-log.ts MAX_LINE). */
const MAX_LINE = 8192;

export interface StreamOptions {
  /** How the input is named in errors: a file name, "standard input". */
  label?: string;
}

/** Root cause, evidence and fix for a streamed log; throws BuildfixError BF_INPUT on binary or empty input. */
export async function classifyLogStream(source: AsyncIterable<Buffer | Uint8Array | string>, options: StreamOptions = {}): Promise<Classification> {
  const label = options.label ?? 'the log';
  const classifier = createLogClassifier();
  const decoder = new StringDecoder('utf8');
  let sniff: Buffer[] = [];
  let sniffed = 0;
  let checked = false;
  let line = '';
  let lineCut = false;
  let sawText = false;

  const feed = (text: string): void => {
    let start = 0;
    for (;;) {
      const nl = text.indexOf('\n', start);
      const piece = nl < 0 ? text.slice(start) : text.slice(start, nl);
      if (!lineCut) {
        const room = MAX_LINE - line.length;
        if (piece.length > room) {
          line += piece.slice(0, room);
          lineCut = true;
        } else line += piece;
      }
      if (nl < 0) return;
      if (!sawText && line.trim() !== '') sawText = true;
      classifier.push(line);
      line = '';
      lineCut = false;
      start = nl + 1;
    }
  };
  const check = (): void => {
    const head = Buffer.concat(sniff);
    if (isProbablyBinary(head)) throw new BuildfixError('BF_INPUT', `${label} looks like a binary file, not a build log`);
    checked = true;
    sniff = [];
    feed(decoder.write(head));
  };

  for await (const chunk of source) {
    const buf = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk);
    if (!checked) {
      sniff.push(buf);
      sniffed += buf.length;
      if (sniffed >= SNIFF_BYTES) check();
      continue;
    }
    feed(decoder.write(buf));
  }
  if (!checked) check();
  feed(decoder.end());
  if (line !== '' || lineCut) {
    if (!sawText && line.trim() !== '') sawText = true;
    classifier.push(line);
  }
  if (!sawText) throw new BuildfixError('BF_INPUT', `${label} is empty: pass the console output of the failed build`);
  return classifier.finish();
}
