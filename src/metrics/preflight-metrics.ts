/**
 * Pre-flight results as Prometheus gauges, refreshed on scrape from the
 * latest result per agent, check and repo (src/preflight): when each check
 * last ran and how it ended, the latency and state of each GOPROXY entry and
 * checksum DB as each agent sees them, certificate days left, module-cache
 * readiness, seconds until each token the agent uses for a private module
 * host expires (as that host reports it), and the findings of each run by
 * category. Labels go through the label guard
 * (at most 100 agents, repos and URLs each; host-level checks have
 * repo="none").
 */
import { Gauge, type Registry } from 'prom-client';
import { HOST_SCOPE, type PreflightResult } from '../preflight/types.ts';
import type { LabelGuard } from './label-guard.ts';

/** buildfix_preflight_status values. */
export const PREFLIGHT_STATUS_CODE: Record<string, number> = { pass: 0, warn: 1, fail: 2, error: 3 };

export class PreflightGauges {
  readonly #labels: LabelGuard;
  readonly #lastRun: Gauge<'agent' | 'check' | 'repo'>;
  readonly #status: Gauge<'agent' | 'check' | 'repo'>;
  readonly #duration: Gauge<'agent' | 'check' | 'repo'>;
  readonly #alerting: Gauge<'agent' | 'check' | 'repo'>;
  readonly #latency: Gauge<'agent' | 'url' | 'kind'>;
  readonly #up: Gauge<'agent' | 'url' | 'kind'>;
  readonly #certDays: Gauge<'agent' | 'url'>;
  readonly #readiness: Gauge<'agent' | 'repo'>;
  readonly #diskFree: Gauge<'agent' | 'volume'>;
  readonly #credentialExpiry: Gauge<'agent' | 'host'>;
  readonly #credentialValid: Gauge<'agent' | 'host'>;
  readonly #findings: Gauge<'agent' | 'check' | 'repo' | 'category'>;

  constructor(registry: Registry, labels: LabelGuard) {
    this.#labels = labels;
    const registers = [registry];
    const perCheck = ['agent', 'check', 'repo'] as const;
    this.#lastRun = new Gauge({
      name: 'buildfix_preflight_last_run_timestamp_seconds',
      help: 'Unix time the latest pre-flight run of this check finished, per agent and repo (scrape)',
      labelNames: perCheck,
      registers,
    });
    this.#status = new Gauge({
      name: 'buildfix_preflight_status',
      help: 'Latest pre-flight result: 0 pass, 1 warn, 2 fail (breaks the next build), 3 error (could not run) (scrape)',
      labelNames: perCheck,
      registers,
    });
    this.#duration = new Gauge({
      name: 'buildfix_preflight_duration_seconds',
      help: 'Run time of the latest pre-flight run (scrape)',
      labelNames: perCheck,
      registers,
    });
    this.#alerting = new Gauge({
      name: 'buildfix_preflight_alerting_findings',
      help: 'Findings of the latest run that break the next build (they keep an alert open) (scrape)',
      labelNames: perCheck,
      registers,
    });
    this.#latency = new Gauge({
      name: 'buildfix_preflight_proxy_latency_seconds',
      help: "Probe time (DNS, TCP, TLS, HTTP) of each GOPROXY entry and the checksum DB on go's route, per agent (scrape)",
      labelNames: ['agent', 'url', 'kind'],
      registers,
    });
    this.#up = new Gauge({
      name: 'buildfix_preflight_proxy_up',
      help: "1 when the GOPROXY entry / checksum DB answered the agent's probe without an error (scrape)",
      labelNames: ['agent', 'url', 'kind'],
      registers,
    });
    this.#certDays = new Gauge({
      name: 'buildfix_preflight_certificate_days_left',
      help: 'Days until the TLS certificate the endpoint presented to the agent expires (scrape)',
      labelNames: ['agent', 'url'],
      registers,
    });
    this.#readiness = new Gauge({
      name: 'buildfix_preflight_cache_readiness_percent',
      help: "Share of the repo's build list in the agent's module cache (100: the build survives a proxy outage) (scrape)",
      labelNames: ['agent', 'repo'],
      registers,
    });
    this.#diskFree = new Gauge({
      name: 'buildfix_preflight_disk_free_bytes',
      help: 'Free bytes on the agent volumes the host check measures (scrape)',
      labelNames: ['agent', 'volume'],
      registers,
    });
    this.#credentialExpiry = new Gauge({
      name: 'buildfix_preflight_credential_expiry_seconds',
      help: 'Seconds until the token the agent uses for a private module host expires, as that host reports it (negative: expired; absent: no expiry reported) (scrape)',
      labelNames: ['agent', 'host'],
      registers,
    });
    this.#credentialValid = new Gauge({
      name: 'buildfix_preflight_credential_valid',
      help: "1 when the host accepted the agent's token at the last credentials check, 0 when it rejected it (401); absent when it could not be asked (scrape)",
      labelNames: ['agent', 'host'],
      registers,
    });
    this.#findings = new Gauge({
      name: 'buildfix_preflight_findings',
      help: 'Findings of the latest pre-flight run by category (credential-expiring, credential-rejected, credential-check-failed, …), alerting or not (scrape)',
      labelNames: [...perCheck, 'category'],
      registers,
    });
  }

  #l(label: string, value: string): string {
    return this.#labels.value('preflight', label, value);
  }

  apply(results: readonly PreflightResult[], now = Date.now()): void {
    for (const g of [
      this.#lastRun,
      this.#status,
      this.#duration,
      this.#alerting,
      this.#latency,
      this.#up,
      this.#certDays,
      this.#readiness,
      this.#diskFree,
      this.#credentialExpiry,
      this.#credentialValid,
      this.#findings,
    ])
      g.reset();
    for (const r of results) {
      const agent = this.#l('agent', r.agent);
      const labels = { agent, check: this.#l('check', r.check), repo: this.#l('repo', r.repo === HOST_SCOPE ? '' : r.repo) };
      const at = Date.parse(r.finishedAt);
      if (Number.isFinite(at)) this.#lastRun.set(labels, at / 1000);
      const code = PREFLIGHT_STATUS_CODE[r.status];
      if (code !== undefined) this.#status.set(labels, code);
      this.#duration.set(labels, r.durationMs / 1000);
      this.#alerting.set(labels, r.findings.filter((f) => f.alert).length);
      for (const f of r.findings) this.#findings.inc({ ...labels, category: this.#l('category', f.category) });
      for (const l of r.latency ?? []) {
        const url = this.#l('url', l.url);
        this.#latency.set({ agent, url, kind: l.kind }, l.ms / 1000);
        this.#up.set({ agent, url, kind: l.kind }, l.status === 'fail' || l.status === 'error' ? 0 : 1);
        if (l.certDaysLeft !== undefined) this.#certDays.set({ agent, url }, l.certDaysLeft);
      }
      if (r.readiness) this.#readiness.set({ agent, repo: labels.repo }, r.readiness.percent);
      for (const c of r.credentials ?? []) {
        const labels = { agent, host: this.#l('host', c.host) };
        if (c.state === 'rejected') this.#credentialValid.set(labels, 0);
        else if (c.state !== 'error') this.#credentialValid.set(labels, 1);
        const at = Date.parse(c.expiresAt ?? '');
        if (c.state === 'expires' && Number.isFinite(at)) this.#credentialExpiry.set(labels, Math.round((at - now) / 1000));
      }
      for (const d of r.disks ?? []) this.#diskFree.set({ agent, volume: this.#l('volume', d.id.replace(/^disk:/, '')) }, d.freeBytes);
    }
  }
}
