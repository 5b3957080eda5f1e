/**
 * Lets the CLI refuse binary input (a zip of logs, a core dump) before trying
 * to classify it: a NUL byte, or too many bytes that are neither printable,
 * common whitespace / ESC (ANSI colours) nor part of valid UTF-8, in the first 8 KiB.
 */
const SAMPLE = 8192;
/** Share of suspicious bytes above which the sample is called binary. */
const MAX_SUSPICIOUS = 0.1;

export function isProbablyBinary(buf: Buffer): boolean {
  const n = Math.min(buf.length, SAMPLE);
  if (n === 0) return false;
  let suspicious = 0;
  let i = 0;
  while (i < n) {
    const b = buf[i] ?? 0;
    if (b === 0) return true;
    if (b < 0x80) {
      // Allowed controls: \b \t \n \f \r ESC (ANSI) and BEL (ends OSC sequences).
      if (b < 0x20 && b !== 0x07 && b !== 0x08 && b !== 0x09 && b !== 0x0a && b !== 0x0c && b !== 0x0d && b !== 0x1b) suspicious++;
      else if (b === 0x7f) suspicious++;
      i++;
      continue;
    }
    const len = b >= 0xf0 && b <= 0xf4 ? 4 : b >= 0xe0 ? 3 : b >= 0xc2 && b < 0xe0 ? 2 : 0;
    if (len === 0) {
      suspicious++;
      i++;
      continue;
    }
    if (i + len > n) break; // a sequence cut by the sample boundary is not evidence
    let valid = true;
    for (let k = 1; k < len; k++) {
      const c = buf[i + k] ?? 0;
      if ((c & 0xc0) !== 0x80) {
        valid = false;
        break;
      }
    }
    if (valid) i += len;
    else {
      suspicious++;
      i++;
    }
  }
  return suspicious / n > MAX_SUSPICIOUS;
}
