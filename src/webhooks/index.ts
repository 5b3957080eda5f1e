/** CI webhook ingestion (Jenkins Notification plugin, GitHub, GitLab). */
export * from './ci-event.ts';
export * from './handle-webhook.ts';
export * from './delivery-dedup.ts';
export * from './webhook-limits.ts';
export * from './webhook-http.ts';
export * from './create-webhook-deps.ts';
export { basicAuthPassword, signGithubBody, tokensEqual, verifyGithubSignature } from './verify-credentials.ts';
export type { ParsedDelivery } from './parsed-delivery.ts';
