/** Prometheus metrics and health checks (GET /metrics, GET /healthz). */
export { BuildfixMetrics, JOB_DURATION_BUCKETS, type BuildfixMetricsOptions, type CommandOutcome, type MetricsSources } from './buildfix-metrics.ts';
export { closeMetricsRelay, metrics, processMetrics, renderMetrics } from './metrics.ts';
export { createMetricsHandler, METRICS_PATH, serveMetrics, type MetricsServer, type MetricsServerOptions } from './metrics-http.ts';
export { checkHealth, createHealthHandler, IN_PROCESS_NOTE, type HealthOptions, type HealthReport, type SeenWorker } from './health.ts';
export { RedisStatusReader, type PingResult, type RedisStatusReaderOptions } from './redis-status-reader.ts';
export { createObservability, type Observability, type ObservabilityOptions } from './observability.ts';
export { metricsRouterPlugin } from './router-metrics.ts';
export { webhookVerdict } from './webhook-verdict.ts';
