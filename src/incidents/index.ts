/** Incidents: model, stores and the post-mortem report. */
export * from './incident-types.ts';
export {
  IncidentNotFoundError,
  IncidentResolvedError,
  MEMORY_INCIDENTS_NOTICE,
  parseIncidentRef,
  requireIncident,
  type IncidentStore,
  type NewTimelineEntry,
  type ResolveResult,
} from './incident-store.ts';
export { incidentKeys, type IncidentKeys } from './incident-keys.ts';
export { MemoryIncidentStore } from './memory-incident-store.ts';
export { RedisIncidentStore } from './redis-incident-store.ts';
export { createIncidentStore, type CreatedIncidentStore } from './create-incident-store.ts';
export {
  buildIncidentReport,
  formatDuration,
  incidentReportFileName,
  INCIDENT_REPORT_FORMATS,
  renderIncidentMarkdown,
  renderIncidentReport,
  type IncidentReport,
  type IncidentReportFormat,
} from './render-incident-report.ts';
