/**
 * An HTTPS server on 127.0.0.1 whose certificate is signed by a throwaway CA
 * made with `openssl` at test time (in a temp dir), as a TLS inspection box
 * would present it: issuer "CN=Corp Inspection CA, O=Acme Corp" by default.
 * Tests either leave the CA untrusted (interception) or hand its PEM to the
 * code under test as an extra root (a trusted corporate CA).
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCommand } from '../../src/exec/run-command.ts';

export interface TestCa {
  dir: string;
  certPath: string;
  keyPath: string;
  certPem: string;
  commonName: string;
  organization: string;
  /** Removes the temp dir with the keys. */
  dispose(): Promise<void>;
}

export interface IssuedCert {
  certPem: string;
  keyPem: string;
}

/** A self-signed CA (EC P-256, valid two days) in a fresh temp dir. */
export async function createTestCa(options: { commonName?: string; organization?: string } = {}): Promise<TestCa> {
  const commonName = options.commonName ?? 'Corp Inspection CA';
  const organization = options.organization ?? 'Acme Corp';
  const dir = await mkdtemp(join(tmpdir(), 'buildfix-test-ca-'));
  const certPath = join(dir, 'ca.pem');
  const keyPath = join(dir, 'ca.key');
  await runCommand(
    [
      'openssl',
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-keyout',
      keyPath,
      '-out',
      certPath,
      '-days',
      '2',
      '-subj',
      `/CN=${commonName}/O=${organization}`,
      '-addext',
      'basicConstraints=critical,CA:TRUE',
      '-addext',
      'keyUsage=critical,keyCertSign,cRLSign',
    ],
    { timeoutMs: 30_000 },
  );
  const certPem = await readFile(certPath, 'utf8');
  return { dir, certPath, keyPath, certPem, commonName, organization, dispose: () => rm(dir, { recursive: true, force: true }) };
}

/** A server certificate for `names` (DNS names or IPs) signed by `ca`. */
export async function issueCertificate(ca: TestCa, names: string[]): Promise<IssuedCert> {
  const id = randomBytes(4).toString('hex');
  const keyPath = join(ca.dir, `leaf-${id}.key`);
  const csrPath = join(ca.dir, `leaf-${id}.csr`);
  const certPath = join(ca.dir, `leaf-${id}.pem`);
  const extPath = join(ca.dir, `leaf-${id}.ext`);
  const san = names.map((n) => (/^[\d.]+$/.test(n) || n.includes(':') ? `IP:${n}` : `DNS:${n}`)).join(',');
  await writeFile(extPath, `subjectAltName=${san}\nbasicConstraints=CA:FALSE\nkeyUsage=digitalSignature\nextendedKeyUsage=serverAuth\n`);
  await runCommand(
    [
      'openssl',
      'req',
      '-new',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-keyout',
      keyPath,
      '-out',
      csrPath,
      '-subj',
      `/CN=${names[0] ?? 'localhost'}`,
    ],
    { timeoutMs: 30_000 },
  );
  await runCommand(
    [
      'openssl',
      'x509',
      '-req',
      '-in',
      csrPath,
      '-CA',
      ca.certPath,
      '-CAkey',
      ca.keyPath,
      '-set_serial',
      `0x${randomBytes(8).toString('hex')}`,
      '-days',
      '2',
      '-extfile',
      extPath,
      '-out',
      certPath,
    ],
    { timeoutMs: 30_000 },
  );
  return { certPem: await readFile(certPath, 'utf8'), keyPem: await readFile(keyPath, 'utf8') };
}

export interface TlsServerOptions {
  /** Names on the certificate (default goproxy.test, sum.test, localhost, 127.0.0.1). */
  names?: string[];
  /** Reuse a CA; by default a new one is created and disposed on close. */
  ca?: TestCa;
  /** Send the CA certificate after the leaf (SELF_SIGNED_CERT_IN_CHAIN instead of UNABLE_TO_GET_ISSUER_CERT_LOCALLY). */
  sendChain?: boolean;
  /** Default: 200 "ok" for every path. */
  handler?: (req: IncomingMessage, res: ServerResponse) => void;
}

export interface TlsTestServer {
  url: string;
  port: number;
  ca: TestCa;
  /** "GET /path" lines in order. */
  seen: string[];
  close(): Promise<void>;
}

export async function startTlsServer(options: TlsServerOptions = {}): Promise<TlsTestServer> {
  const ownCa = options.ca === undefined;
  const ca = options.ca ?? (await createTestCa());
  const leaf = await issueCertificate(ca, options.names ?? ['goproxy.test', 'sum.test', 'localhost', '127.0.0.1']);
  const seen: string[] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer({ key: leaf.keyPem, cert: options.sendChain ? `${leaf.certPem}${ca.certPem}` : leaf.certPem }, (req, res) => {
    seen.push(`${req.method} ${req.url}`);
    if (options.handler) options.handler(req, res);
    else res.writeHead(200, { 'content-type': 'text/plain' }).end('ok\n');
  });
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  // Handshake failures (the client rejecting our certificate) are expected in tests.
  server.on('tlsClientError', () => {});
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `https://127.0.0.1:${port}`,
    port,
    ca,
    seen,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      if (ownCa) await ca.dispose();
    },
  };
}
