/** The checksum database client (GOSUMDB): see client.ts. */
export {
  SumDbClient,
  SumDbError,
  recordHashes,
  SUMDB_TILE_HEIGHT,
  type SumDbClientOptions,
  type SumDbEndpoint,
  type SumDbErrorKind,
  type SumDbLookup,
} from './client.ts';
export { openNote, parseVerifierKey, keyHashOf, NoteError, type NoteVerifier, type OpenedNote } from './note.ts';
