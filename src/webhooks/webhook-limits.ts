/** Limits of webhook ingestion, shared by the handler and the HTTP transport. */

/** Bodies above this are refused with 413; the transport stops reading at this size. GitHub caps payloads at 25 MB, but real CI events are 2–30 KB. */
export const MAX_WEBHOOK_BODY_BYTES = 1024 * 1024;

/** How long a delivery id / event hash is remembered (GitHub redeliveries and Jenkins retries come within minutes; 24 h covers a manual redelivery the next morning). */
export const DELIVERY_DEDUP_TTL_SECONDS = 24 * 3600;

/** Delivery ids longer than this are hashed before they become a Redis key. */
export const MAX_DELIVERY_ID_LENGTH = 200;
