/**
 * go's "h1:" hashes (golang.org/x/mod/sumdb/dirhash Hash1), as go.sum records
 * them: the SHA-256 of a summary holding one line per file, sorted by name
 * (byte order, as Go's sort.Strings), each "<hex sha256 of the content>  <name>\n";
 * "h1:" + base64 of that. A `<module> <version>/go.mod` line hashes a single
 * file named "go.mod"; a `<module> <version>` line hashes the module zip's
 * files named "<module>@<version>/<path>".
 */
import { createHash } from 'node:crypto';

/** One file of a hashed tree: its name in the summary and the SHA-256 of its content. */
export interface HashedFile {
  name: string;
  sha256: Buffer;
}

export class DirHashError extends Error {
  override readonly name = 'DirHashError';
}

/** SHA-256 of one file's content (the per-file digest Hash1 summarises). */
export function sha256Of(content: string | Uint8Array): Buffer {
  return createHash('sha256').update(content).digest();
}

/** The "h1:" hash of a set of files whose contents are already digested. */
export function hash1(files: Iterable<HashedFile>): string {
  const sorted = [...files].sort((a, b) => Buffer.compare(Buffer.from(a.name, 'utf8'), Buffer.from(b.name, 'utf8')));
  const summary = createHash('sha256');
  for (const file of sorted) {
    if (file.name.includes('\n')) throw new DirHashError(`dirhash: file name with a newline: ${JSON.stringify(file.name)}`);
    summary.update(`${file.sha256.toString('hex')}  ${file.name}\n`, 'utf8');
  }
  return `h1:${summary.digest('base64')}`;
}

/** The hash go.sum records on a `<module> <version>/go.mod` line for this go.mod content. */
export function goModHash(goModContent: string | Uint8Array): string {
  return hash1([{ name: 'go.mod', sha256: sha256Of(goModContent) }]);
}
