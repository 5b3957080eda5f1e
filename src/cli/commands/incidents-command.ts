/**
 * `buildfix incidents list [--all] [--limit N] [--json]` and
 * `buildfix incidents export <id> [--format md|json]`: read the incident
 * store in Redis (REDIS_URL, REDIS_PREFIX). Export prints the same report
 * the archive channel receives on resolve.
 */
import type { Redis } from 'ioredis';
import { BuildfixError, UsageError } from '../../errors.ts';
import { parseIncidentRef, requireIncident } from '../../incidents/incident-store.ts';
import type { Incident } from '../../incidents/incident-types.ts';
import { RedisIncidentStore } from '../../incidents/redis-incident-store.ts';
import { INCIDENT_REPORT_FORMATS, renderIncidentReport, type IncidentReportFormat } from '../../incidents/render-incident-report.ts';
import { closeRedisConnection, createRedisConnection, waitUntilReady } from '../../redis/create-redis-connection.ts';
import { normalizeKeyPrefix } from '../../redis/key-prefix.ts';
import type { CliContext } from '../cli-context.ts';
import { nearestWord } from '../../util/edit-distance.ts';
import { commandUsage } from '../command-help.ts';
import { COMMAND_SPECS } from '../command-specs.ts';
import { intOption, parseArgs } from '../parse-args.ts';

const SPEC = COMMAND_SPECS.incidents;
const USAGE = commandUsage(SPEC);

function waitReady(redis: Redis, url: string): Promise<void> {
  return waitUntilReady(redis, url, 5000);
}

function table(rows: string[][]): string {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
  return rows
    .map((row) =>
      row
        .map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i] ?? 0)))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

export function renderIncidentList(incidents: readonly Incident[]): string {
  const rows = incidents.map((i) => [
    `#${i.id}`,
    i.status,
    i.severity,
    i.createdAt.replace(/\.\d+Z$/, 'Z'),
    i.failureCount > 0 ? String(i.failureCount) : '-',
    i.roles.commander ? i.roles.commander : '-',
    i.title,
  ]);
  return `${table([['ID', 'STATUS', 'SEV', 'OPENED', 'FAILURES', 'COMMANDER', 'TITLE'], ...rows])}\n`;
}

async function withStore<T>(ctx: CliContext, run: (store: RedisIncidentStore) => Promise<T>): Promise<T> {
  const config = ctx.config();
  const url = config.env.REDIS_URL;
  if (!url) {
    throw new BuildfixError('BF_CONFIG', 'incidents are stored in Redis: set REDIS_URL (without it, `buildfix serve` keeps incidents in its own memory only)');
  }
  const redis = createRedisConnection(url, { role: 'producer', name: 'buildfix-incidents' });
  try {
    await waitReady(redis, url);
    return await run(new RedisIncidentStore({ redis, prefix: normalizeKeyPrefix(config.env.REDIS_PREFIX) }));
  } finally {
    await closeRedisConnection(redis);
  }
}

export async function runIncidentsCommand(argv: string[], ctx: CliContext): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === 'list') {
    const args = parseArgs(rest, SPEC.subcommands.list);
    const limit = intOption(args, 'limit', 1, 1000) ?? 20;
    const all = args.flags.has('all');
    const incidents = await withStore(ctx, (store) => (all ? store.listRecent(limit) : store.listOpen()));
    if (args.flags.has('json')) ctx.stdout.write(`${JSON.stringify(incidents)}\n`);
    else if (incidents.length === 0) ctx.stdout.write(all ? 'no incidents yet.\n' : 'no open incidents (--all lists resolved ones too).\n');
    else ctx.stdout.write(renderIncidentList(incidents));
    return 0;
  }
  if (sub === 'export') {
    const args = parseArgs(rest, SPEC.subcommands.export);
    const ref = args.positionals[0] ?? '';
    const id = parseIncidentRef(ref);
    if (id === undefined) throw new UsageError(`"${ref.slice(0, 40)}" is not an incident id (e.g. 12 or #12)\nusage: ${commandUsage(SPEC.subcommands.export)}`);
    const format = (args.options.get('format') ?? 'md') as IncidentReportFormat;
    if (!INCIDENT_REPORT_FORMATS.includes(format)) throw new UsageError(`--format must be md or json\nusage: ${commandUsage(SPEC.subcommands.export)}`);
    const text = await withStore(ctx, async (store) => renderIncidentReport(await requireIncident(store, id), await store.timeline(id), format));
    ctx.stdout.write(text);
    return 0;
  }
  const near = sub ? nearestWord(sub, Object.keys(SPEC.subcommands)) : undefined;
  throw new UsageError(
    sub
      ? `unknown incidents command "${sub.slice(0, 40)}"${near ? ` (did you mean \`${near}\`?)` : ''}\nusage: ${USAGE}`
      : `missing incidents command\nusage: ${USAGE}`,
  );
}
