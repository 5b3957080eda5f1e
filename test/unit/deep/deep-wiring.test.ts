import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseCommand } from '../../../src/chat/parse-command.ts';
import { DiagnosePayloadSchema } from '../../../src/jobs/payload-schemas.ts';
import { CHECKSUM_ERROR_IN_LOG } from '../../../src/slack/incident-alerts.ts';

describe('--deep reaches the chat command, the job payload and the CI auto-diagnosis', () => {
  it('/buildfix diagnose <repo> --deep', () => {
    assert.deepEqual(parseCommand('diagnose payments --deep'), { kind: 'diagnose', repo: 'payments', deep: true });
    assert.deepEqual(parseCommand('diagnose payments'), { kind: 'diagnose', repo: 'payments' });
  });
  it('the diagnose job payload takes deep', () => {
    assert.equal(DiagnosePayloadSchema.parse({ repo: 'payments', deep: true }).deep, true);
    assert.throws(() => DiagnosePayloadSchema.parse({ repo: 'payments', deep: 'yes' }));
  });
  it('a checksum error in a failed build log asks for the deep diagnosis', () => {
    assert.ok(CHECKSUM_ERROR_IN_LOG.test('verifying github.com/x/y@v1.2.3: checksum mismatch\n\tdownloaded: h1:a\n\tgo.sum:     h1:b\n\nSECURITY ERROR'));
    assert.ok(!CHECKSUM_ERROR_IN_LOG.test('dial tcp: lookup proxy.golang.org: no such host'));
  });
});
