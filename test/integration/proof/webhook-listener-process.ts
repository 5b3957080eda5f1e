/**
 * The CI webhook listener (src/webhooks createWebhookListener) in a process
 * of its own, configured from the environment exactly like buildfix:
 * REDIS_URL/REDIS_PREFIX (Redis incident store and dedup), the webhook
 * secrets, LOG_LEVEL. Used by the proof tests while `buildfix serve` does
 * not mount POST /webhooks/*. Prints "webhook listener on <port>" when ready;
 * SIGTERM closes it.
 *
 *   node test/integration/proof/webhook-listener-process.ts <port>
 */
import { createServer } from 'node:http';
import { loadConfig } from '../../../src/config/load-config.ts';
import { createIncidentStore } from '../../../src/incidents/create-incident-store.ts';
import { createLogger } from '../../../src/logger.ts';
import { closeRedisConnection, createRedisConnection } from '../../../src/redis/create-redis-connection.ts';
import { normalizeKeyPrefix } from '../../../src/redis/key-prefix.ts';
import { registerSecret } from '../../../src/util/redact.ts';
import { createWebhookDeps, createWebhookListener } from '../../../src/webhooks/index.ts';

const port = Number(process.argv[2] ?? 0);
const config = loadConfig(process.env);
for (const s of [config.env.JENKINS_WEBHOOK_TOKEN, config.env.GITHUB_WEBHOOK_SECRET, config.env.GITLAB_WEBHOOK_TOKEN]) registerSecret(s);
const logger = createLogger({ level: config.env.LOG_LEVEL, pretty: false });
const prefix = normalizeKeyPrefix(config.env.REDIS_PREFIX);
const redis = config.env.REDIS_URL ? createRedisConnection(config.env.REDIS_URL, { role: 'producer', name: 'buildfix-webhooks' }) : undefined;
const { store } = createIncidentStore({ ...(redis ? { redis } : {}), prefix });
const deps = createWebhookDeps({ env: config.env, store, prefix, logger, ...(redis ? { redis } : {}) });
const server = createServer(createWebhookListener(deps, { onOutcome: (o) => logger.debug({ kind: o.kind }, 'webhook outcome') }));
server.listen(port, '127.0.0.1', () => {
  const address = server.address();
  process.stdout.write(`webhook listener on ${typeof address === 'object' && address ? address.port : port}\n`);
});
process.once('SIGTERM', () => {
  server.closeAllConnections();
  server.close(() => {
    void (redis ? closeRedisConnection(redis) : Promise.resolve()).then(() => process.exit(0));
  });
});
