/** A VerificationOutput that records what a fix verification says in its thread; a Resolve offer is recorded as "OFFER <text>". */
import type { VerificationOutput } from '../../src/incidents/fix-verification.ts';
import type { Incident } from '../../src/incidents/incident-types.ts';

export function verificationRecorder(): { said: string[]; output: VerificationOutput } {
  const said: string[] = [];
  return {
    said,
    output: {
      say: async (_i: Incident, text: string) => void said.push(text),
      offerResolve: async (_i: Incident, text: string) => void said.push(`OFFER ${text}`),
      resolved: async () => undefined,
    },
  };
}
