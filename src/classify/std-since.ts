/**
 * Standard-library packages added after Go 1.0, with the release that added them. A Go older than the package
 * takes its import path for a remote one (`unrecognized import path "context"`) or a module (`malformed module
 * path "embed": missing dot`). Up to Go 1.19 the releases are those of $GOROOT/api/go1.N.txt (the first file that
 * lists the package); syscall/js (1.11) and time/tzdata (1.15) export nothing there, and the later ones are from
 * the release notes.
 */
export const STD_SINCE: Readonly<Record<string, string>> = {
  'go/format': '1.1',
  encoding: '1.2',
  'image/color/palette': '1.2',
  'debug/plan9obj': '1.3',
  'go/constant': '1.5',
  'go/importer': '1.5',
  'go/types': '1.5',
  'mime/quotedprintable': '1.5',
  context: '1.7',
  'net/http/httptrace': '1.7',
  plugin: '1.8',
  'math/bits': '1.9',
  'syscall/js': '1.11',
  'crypto/ed25519': '1.13',
  'hash/maphash': '1.14',
  'time/tzdata': '1.15',
  embed: '1.16',
  'io/fs': '1.16',
  'testing/fstest': '1.16',
  'runtime/metrics': '1.16',
  'go/build/constraint': '1.16',
  'net/netip': '1.18',
  'debug/buildinfo': '1.18',
  'crypto/ecdh': '1.20',
  slices: '1.21',
  maps: '1.21',
  cmp: '1.21',
  'log/slog': '1.21',
  'testing/slogtest': '1.21',
  'math/rand/v2': '1.22',
  'go/version': '1.22',
  iter: '1.23',
  unique: '1.23',
  structs: '1.23',
  weak: '1.24',
  'crypto/mlkem': '1.24',
  'crypto/hkdf': '1.24',
  'crypto/pbkdf2': '1.24',
  'crypto/sha3': '1.24',
  'testing/synctest': '1.25',
};

/** The packages as a regex alternation, longest first (so `math/rand/v2` is tried before shorter names). */
export const NEWER_STD_ALTERNATION = Object.keys(STD_SINCE)
  .sort((a, b) => b.length - a.length)
  .map((p) => p.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&'))
  .join('|');

/** The first std package named in a line that an old Go took for a module or remote path, with its release. */
export function newerStdPackageIn(text: string): { pkg: string; since: string } | undefined {
  const m = new RegExp(`"(${NEWER_STD_ALTERNATION})"|package (${NEWER_STD_ALTERNATION}) is not in`).exec(text);
  const pkg = m?.[1] ?? m?.[2];
  const since = pkg === undefined ? undefined : STD_SINCE[pkg];
  return pkg !== undefined && since !== undefined ? { pkg, since } : undefined;
}
