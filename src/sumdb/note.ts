/**
 * Signed notes as the checksum database writes them (golang.org/x/mod/sumdb/note):
 * a text ending in "\n", a blank line, then one line per signature,
 * "— <name> <base64(4-byte key hash ‖ signature)>". Verifier keys are
 * "<name>+<hex key hash>+<base64(0x01 ‖ ed25519 public key)>", the key hash
 * being the first 4 bytes of SHA-256(name "\n" 0x01 ‖ public key).
 * Ed25519 through node:crypto.
 */
import { createHash, createPublicKey, verify, type KeyObject } from 'node:crypto';

export const ALG_ED25519 = 1;

export class NoteError extends Error {
  override readonly name = 'NoteError';
}

export interface NoteVerifier {
  name: string;
  /** The 32-bit key hash as it appears in the verifier key and each signature. */
  keyHash: number;
  publicKey: KeyObject;
}

/** The 32-bit key hash of (name, 0x01 ‖ public key). */
export function keyHashOf(name: string, algAndKey: Uint8Array): number {
  return createHash('sha256').update(name).update('\n').update(algAndKey).digest().readUInt32BE(0);
}

/** A raw 32-byte ed25519 public key as a KeyObject. */
export function ed25519PublicKey(raw: Uint8Array): KeyObject {
  return createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: Buffer.from(raw).toString('base64url') }, format: 'jwk' });
}

/** Parses a verifier key "name+hash+base64key" with note.NewVerifier's checks. */
export function parseVerifierKey(vkey: string): NoteVerifier {
  const parts = /^([^+\s]+)\+([0-9a-fA-F]{8})\+([A-Za-z0-9+/]+={0,2})$/.exec(vkey.trim());
  if (!parts) throw new NoteError('malformed verifier id');
  const name = parts[1]!;
  const key = Buffer.from(parts[3]!, 'base64');
  const keyHash = Number.parseInt(parts[2]!, 16);
  if (keyHashOf(name, key) !== keyHash) throw new NoteError('invalid verifier hash');
  if (key[0] !== ALG_ED25519) throw new NoteError('unknown verifier algorithm');
  if (key.length !== 33) throw new NoteError('malformed verifier id');
  return { name, keyHash, publicKey: ed25519PublicKey(key.subarray(1)) };
}

export interface OpenedNote {
  /** The signed text (ends with "\n"). */
  text: string;
  /** Names of the keys whose signatures verified. */
  verifiedBy: string[];
}

const SIG_PREFIX = '\u2014 ';

/**
 * note.Open: splits text from signatures and verifies them; at least one
 * signature by a known key must verify, and a signature by a known key that
 * does not verify is an error (as in Go).
 */
export function openNote(message: string | Uint8Array, verifiers: NoteVerifier[]): OpenedNote {
  const msg = typeof message === 'string' ? Buffer.from(message, 'utf8') : Buffer.from(message);
  const split = msg.lastIndexOf('\n\n');
  if (split < 0) throw new NoteError('malformed note');
  const text = msg.subarray(0, split + 1);
  const sigs = msg.subarray(split + 2).toString('utf8');
  if (!sigs.endsWith('\n')) throw new NoteError('malformed note');
  const verifiedBy: string[] = [];
  for (const line of sigs.slice(0, -1).split('\n')) {
    if (!line.startsWith(SIG_PREFIX)) throw new NoteError('malformed note');
    const fields = line.slice(SIG_PREFIX.length).split(' ');
    if (fields.length !== 2 || !/^[A-Za-z0-9+/]+={0,2}$/.test(fields[1]!)) throw new NoteError('malformed note');
    const [name, b64] = fields as [string, string];
    const sig = Buffer.from(b64, 'base64');
    if (sig.length < 5) throw new NoteError('malformed note');
    const hash = sig.readUInt32BE(0);
    const verifier = verifiers.find((v) => v.name === name && v.keyHash === hash);
    if (!verifier) continue;
    if (!verify(null, text, verifier.publicKey, sig.subarray(4))) throw new NoteError(`invalid signature for key ${name}`);
    verifiedBy.push(name);
  }
  if (verifiedBy.length === 0) throw new NoteError('no verifiable signatures');
  return { text: text.toString('utf8'), verifiedBy };
}
