/** The Jenkins fake answers `tree=` like Jenkins, so the client's selectors are tested, not ignored. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TREE } from '../../../src/clients/jenkins/schema.ts';
import { applyTree, parseTree } from '../../fakes/jenkins-server.ts';

describe('the Jenkins fake’s tree= filter', () => {
  const job = {
    _class: 'org.jenkinsci.plugins.workflow.job.WorkflowJob',
    name: 'main',
    color: 'red',
    lastBuild: { _class: 'WorkflowRun', number: 7, url: 'http://j/job/main/7/', result: 'FAILURE' },
    builds: [
      { _class: 'WorkflowRun', number: 7 },
      { _class: 'WorkflowRun', number: 6 },
      { _class: 'WorkflowRun', number: 5 },
    ],
    property: [
      {
        _class: 'ParametersDefinitionProperty',
        parameterDefinitions: [
          {
            _class: 'BooleanParameterDefinition',
            name: 'CLEAN',
            type: 'BooleanParameterDefinition',
            defaultParameterValue: { _class: 'BooleanParameterValue', name: 'CLEAN', value: false },
          },
        ],
      },
    ],
  };

  it('keeps the named fields and _class, at every level', () => {
    assert.deepEqual(applyTree(job, parseTree('name,lastBuild[number]')), {
      _class: job._class,
      name: 'main',
      lastBuild: { _class: 'WorkflowRun', number: 7 },
    });
  });

  it('prunes an object named without [...] down to its _class, and applies {from,to} ranges', () => {
    assert.deepEqual(applyTree(job, parseTree('lastBuild,builds[number]{0,2}')), {
      _class: job._class,
      lastBuild: { _class: 'WorkflowRun' },
      builds: [
        { _class: 'WorkflowRun', number: 7 },
        { _class: 'WorkflowRun', number: 6 },
      ],
    });
  });

  it('rejects unbalanced selectors', () => {
    assert.throws(() => parseTree('a[b'), /missing \]/);
    assert.throws(() => parseTree('a]'), /unexpected/);
  });

  it('parses every selector the client sends', () => {
    for (const tree of Object.values(TREE)) assert.ok(parseTree(tree).fields.size > 3, tree);
    const kept = applyTree(job, parseTree(TREE.job)) as typeof job;
    assert.equal(kept.property[0]?.parameterDefinitions[0]?.defaultParameterValue.value, false, 'the job selector reaches parameter defaults');
    assert.equal(kept.lastBuild.number, 7);
    assert.equal('color' in kept, false);
  });
});
