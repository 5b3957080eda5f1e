/**
 * Static name → address entries consulted before DNS, like /etc/hosts: pin a
 * host, or (in tests) answer for names without asking the system resolver.
 * An empty address means "no such host" (ENOTFOUND).
 */
import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from 'node:dns';
import { isIP } from 'node:net';

export type HostsTable = Readonly<Record<string, string>>;

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

function notFound(hostname: string): NodeJS.ErrnoException {
  const err: NodeJS.ErrnoException = new Error(`getaddrinfo ENOTFOUND ${hostname}`);
  err.code = 'ENOTFOUND';
  err.syscall = 'getaddrinfo';
  return err;
}

/** dns.lookup with the table's entries first (for net.connect's `lookup` hook). */
export function createHostsLookup(hosts: HostsTable) {
  return (hostname: string, options: LookupOptions, callback: LookupCallback): void => {
    const address = Object.hasOwn(hosts, hostname) ? hosts[hostname] : undefined;
    if (address === undefined) {
      dnsLookup(hostname, { ...options, all: options.all === true }, callback as never);
      return;
    }
    if (address === '') {
      process.nextTick(callback, notFound(hostname), options.all ? [] : '', 0);
      return;
    }
    const family = isIP(address) || 4;
    if (options.all) process.nextTick(callback, null, [{ address, family }]);
    else process.nextTick(callback, null, address, family);
  };
}

/** Every address of a host: the table's entry when it has one, else the system resolver. */
export function lookupAll(hostname: string, hosts: HostsTable | undefined): Promise<LookupAddress[]> {
  const lookup = hosts ? createHostsLookup(hosts) : undefined;
  return new Promise((resolve, reject) => {
    const done = (err: NodeJS.ErrnoException | null, addresses: string | LookupAddress[]): void => {
      if (err) reject(err);
      else resolve(Array.isArray(addresses) ? addresses : []);
    };
    if (lookup) lookup(hostname, { all: true }, done);
    else dnsLookup(hostname, { all: true }, done as never);
  });
}
