import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FileConfigSchema } from '../../../src/config/schema.ts';
import {
  githubPipelineIsCheck,
  githubRepoApiOf,
  githubWorkflowIdOf,
  gitlabProjectApiOf,
  parseGithubPipeline,
  parseGitlabPipeline,
  type PipelineApiContext,
} from '../../../src/incidents/ci-api-of-pipeline.ts';
import type { Incident, TimelineEntry } from '../../../src/incidents/incident-types.ts';

const incident = (pipelineKey: string, source: Incident['source']): Incident => ({
  id: 1,
  title: 't',
  source,
  status: 'investigating',
  severity: 'sev2',
  roles: {},
  failureCount: 1,
  pipelineKey,
  createdAt: '2026-12-07T10:00:00.000Z',
  createdBy: 'ci',
});
const event = (data: Record<string, unknown>): TimelineEntry => ({ at: '2026-12-07T10:00:00.000Z', by: 'ci', kind: 'ci-event', text: 'x', data });
const repos = (r: unknown): PipelineApiContext['repos'] => FileConfigSchema.parse({ repos: r }).repos;

describe('pipeline keys of GitHub and GitLab', () => {
  it('reads repository, workflow (which may hold a colon) and branch; refuses what cannot be followed', () => {
    assert.deepEqual(parseGithubPipeline('github:acme/api:Build: release:main'), {
      key: 'github:acme/api:Build: release:main',
      repo: 'acme/api',
      workflow: 'Build: release',
      branch: 'main',
    });
    assert.equal(parseGithubPipeline('github:acme/api:CI:(no branch)'), undefined, 'a run without a branch');
    assert.equal(parseGithubPipeline('github:acme:CI:main'), undefined, 'not owner/repo');
    assert.equal(parseGithubPipeline('jenkins:acme/api'), undefined);
    assert.deepEqual(parseGitlabPipeline('gitlab:platform/team/ledger:release/1.2'), {
      key: 'gitlab:platform/team/ledger:release/1.2',
      path: 'platform/team/ledger',
      ref: 'release/1.2',
    });
    assert.equal(parseGitlabPipeline('gitlab:ledger:main'), undefined, 'a project path has a group');
  });
});

describe('where a GitHub pipeline is read', () => {
  const key = 'github:acme/api:CI:main';
  const p = parseGithubPipeline(key)!;

  it("prefers the API link of the pipeline's own events, newest first", () => {
    const ctx: PipelineApiContext = {
      incident: incident(key, { ci: 'github' }),
      timeline: [
        event({ source: 'github', logUrl: 'https://api.github.com/repos/acme/api/actions/runs/1/logs' }),
        event({ source: 'github', pipeline: key, logUrl: 'https://ghe.corp.example/api/v3/repos/acme/api/actions/runs/2/logs' }),
        event({ source: 'github', pipeline: 'github:acme/web:CI:main', logUrl: 'https://other.example/api/v3/repos/acme/web/actions/runs/3/logs' }),
      ],
      repos: {},
    };
    assert.equal(githubRepoApiOf(p, ctx)?.href, 'https://ghe.corp.example/api/v3/repos/acme/api');
  });

  it('derives the API from the run page: api.github.com for github.com, /api/v3 for GitHub Enterprise Server', () => {
    const on = (buildUrl: string) => githubRepoApiOf(p, { incident: incident(key, { ci: 'github', buildUrl }), timeline: [], repos: {} })?.href;
    assert.equal(on('https://github.com/acme/api/actions/runs/9'), 'https://api.github.com/repos/acme/api');
    assert.equal(on('https://ghe.corp.example/acme/api/actions/runs/9'), 'https://ghe.corp.example/api/v3/repos/acme/api');
    assert.equal(on('https://github.com/someone-else/api/actions/runs/9'), undefined, 'a page of another repository');
    assert.equal(on('https://github.com/acme/api/runs/31'), 'https://api.github.com/repos/acme/api', "a check run's page");
    assert.equal(on('https://ci.example.org/acme/api/builds/9'), undefined, "another CI's page (a check's details link), even with the same path");
    assert.equal(on('https://ghe.corp.example/acme/api/pull/4'), undefined, 'not a run page');
  });

  it('never sends the token in clear text to another host, nor to a link of another repository', () => {
    const ctx = (logUrl: string): PipelineApiContext => ({
      incident: incident(key, { ci: 'github' }),
      timeline: [event({ source: 'github', logUrl })],
      repos: {},
    });
    assert.equal(githubRepoApiOf(p, ctx('http://ghe.corp.example/api/v3/repos/acme/api/actions/runs/2/logs')), undefined);
    assert.equal(githubRepoApiOf(p, ctx('https://user:pw@ghe.corp.example/api/v3/repos/acme/api/actions/runs/2/logs')), undefined);
    assert.equal(githubRepoApiOf(p, ctx('https://api.github.com/repos/evil/api/actions/runs/2/logs')), undefined);
    assert.equal(githubRepoApiOf(p, ctx('http://127.0.0.1:8080/repos/acme/api/actions/runs/2/logs'))?.href, 'http://127.0.0.1:8080/repos/acme/api');
  });

  it("takes the workflow id from the pipeline's newest event that carried one", () => {
    const ctx: PipelineApiContext = {
      incident: incident(key, { ci: 'github' }),
      timeline: [
        event({ source: 'github', pipeline: key, workflowId: 11 }),
        event({ source: 'github', pipeline: key }),
        event({ source: 'github', pipeline: 'github:acme/api:Lint:main', workflowId: 12 }),
      ],
      repos: {},
    };
    assert.equal(githubWorkflowIdOf(p, ctx), 11);
    assert.equal(githubWorkflowIdOf(p, { ...ctx, timeline: [event({ source: 'github', pipeline: key, workflowId: '11' })] }), undefined);
  });

  it("tells a check_run pipeline (another CI app's check) from a workflow's by its newest event", () => {
    const ctx = (...events: Array<Record<string, unknown>>): PipelineApiContext => ({
      incident: incident(key, { ci: 'github' }),
      timeline: events.map((d) => event({ source: 'github', pipeline: key, ...d })),
      repos: {},
    });
    assert.equal(githubPipelineIsCheck(p, ctx({ event: 'check_run' })), true);
    assert.equal(githubPipelineIsCheck(p, ctx({ event: 'workflow_run', workflowId: 3 })), false);
    assert.equal(githubPipelineIsCheck(p, ctx()), false, 'nothing says so: a workflow');
    assert.equal(githubPipelineIsCheck(p, ctx({ event: 'workflow_run' }, { event: 'check_run' })), true, 'the newest event decides');
  });

  it('falls back on a configured repo that builds the same repository; otherwise nothing', () => {
    const ctx = (r: unknown): PipelineApiContext => ({ incident: incident(key, { ci: 'github' }), timeline: [], repos: repos(r) });
    assert.equal(
      githubRepoApiOf(p, ctx({ api: { url: 'x', github: { repo: 'Acme/API', workflow: 'CI', api: 'https://ghe.corp.example/api/v3/' } } }))?.href,
      'https://ghe.corp.example/api/v3/repos/acme/api',
    );
    assert.equal(githubRepoApiOf(p, ctx({ web: { url: 'x', github: { repo: 'acme/web', workflow: 'CI' } } })), undefined);
  });
});

describe('where a GitLab pipeline is read', () => {
  const key = 'gitlab:platform/ledger:main';
  const p = parseGitlabPipeline(key)!;

  it('takes the project API from a job trace link, else its URL-encoded path on the pipeline page host, else a configured repo', () => {
    const inc = incident(key, { ci: 'gitlab' });
    assert.equal(
      gitlabProjectApiOf(p, {
        incident: inc,
        timeline: [event({ source: 'gitlab', logUrl: 'https://gitlab.corp.example/api/v4/projects/31/jobs/5/trace' })],
        repos: {},
      })?.href,
      'https://gitlab.corp.example/api/v4/projects/31',
    );
    assert.equal(
      gitlabProjectApiOf(p, {
        incident: inc,
        timeline: [event({ source: 'gitlab', url: 'https://gitlab.corp.example/platform/ledger/-/pipelines/9' })],
        repos: {},
      })?.href,
      'https://gitlab.corp.example/api/v4/projects/platform%2Fledger',
    );
    assert.equal(
      gitlabProjectApiOf(p, { incident: inc, timeline: [], repos: repos({ ledger: { url: 'x', gitlab: { project: 'platform/ledger' } } }) })?.href,
      'https://gitlab.com/api/v4/projects/platform%2Fledger',
    );
    assert.equal(gitlabProjectApiOf(p, { incident: inc, timeline: [], repos: {} }), undefined);
  });
});
