/**
 * Failures only the job layer knows about (the program-wide codes live in
 * src/errors.ts). They carry a stable code like BuildfixError does.
 */
export type JobLayerCode = 'BF_JOB_INTERRUPTED' | 'BF_JOB_LOST';

export class JobLayerError extends Error {
  readonly code: JobLayerCode;
  constructor(code: JobLayerCode, message: string) {
    super(message);
    this.name = 'JobLayerError';
    this.code = code;
  }
}
