/**
 * A failed clone keeps git's cause: real `git clone` against an unresolvable
 * host (https and ssh), a file:// path with no repository, and a local HTTP
 * server that demands credentials (smart-HTTP 401, as GitHub/GitLab answer).
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { resolveTarget } from '../../../src/engine/resolve-target.ts';
import { describeCloneFailure } from '../../../src/engine/git-clone-error.ts';
import { BuildfixError } from '../../../src/errors.ts';

const SOURCE = { repoUrlTemplate: 'https://github.com/{repo}.git', repos: {} };

async function cloneError(url: string, tempRoot: string): Promise<BuildfixError> {
  try {
    await resolveTarget(url, SOURCE, { tempRoot, timeoutMs: 20_000 });
  } catch (err) {
    assert.ok(err instanceof BuildfixError, String(err));
    return err;
  }
  assert.fail(`cloning ${url} succeeded`);
}

describe('clone failures quote git’s cause', () => {
  let work: string;
  let server: Server;
  let port = 0;
  let authAsked = 0;
  before(async () => {
    work = await mkdtemp(join(tmpdir(), 'buildfix-clone-err-'));
    server = createServer((req, res) => {
      authAsked++;
      res.writeHead(401, { 'www-authenticate': 'Basic realm="git"', 'content-type': 'text/plain' });
      res.end('HTTP Basic: Access denied\n');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as { port: number }).port;
  });
  after(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await rm(work, { recursive: true, force: true });
  });

  it('DNS: the host name that does not resolve, over https and ssh', async () => {
    const https = await cloneError('https://nonexistent.invalid/acme/payments.git', work);
    assert.match(
      https.message,
      /^cannot clone https:\/\/nonexistent\.invalid\/acme\/payments\.git: fatal: unable to access .*Could not resolve host: nonexistent\.invalid/,
    );
    assert.match(https.message, /does not resolve from this machine/);
    const ssh = await cloneError('ssh://git@nonexistent.invalid/acme/payments.git', work);
    assert.match(ssh.message, /ssh: Could not resolve hostname nonexistent\.invalid/);
    assert.doesNotMatch(ssh.message, /and the repository exists|correct access rights/);
  });

  it('not found: a file:// path with no repository', async () => {
    const missing = join(work, 'no-such-repo.git');
    const err = await cloneError(`file://${missing}`, work);
    assert.match(err.message, new RegExp(`'${missing.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}' does not appear to be a git repository`));
    assert.match(err.message, /no repository at that address/);
  });

  it('auth: a server that wants credentials (prompts disabled)', async () => {
    const err = await cloneError(`http://127.0.0.1:${port}/acme/private.git`, work);
    assert.ok(authAsked > 0, 'git reached the server');
    assert.match(err.message, /could not read Username for 'http:\/\/127\.0\.0\.1:\d+'|Authentication failed/);
    assert.match(err.message, /refused the credentials/);
    assert.equal(describeCloneFailure('fatal: Authentication failed for x').kind, 'auth');
  });
});
