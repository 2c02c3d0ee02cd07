import { afterEach, describe, expect, it } from 'vitest';
import type { NetwrightApi } from '../../../shared/api/contract';
import { installPlatform } from '../platform';
import { createWorkbench } from '../state/workbench';
import { useUi } from '../state/ui';
import { backboneFor, useBackbone } from '../training/backbone';
import { adoptDraftRuns } from '../training/project-runs';
import { startFromTemplateBackbone } from './template-backbone';
import { TEMPLATES, openTemplate } from './templates';

/** A back end answering templates.backbone and runs.adopt, recording the calls. */
function fakeApi(calls: [string, unknown][], fail = false): NetwrightApi {
  return {
    call: ((name: string, params: unknown) => {
      calls.push([name, params]);
      if (fail) return Promise.reject(new Error('The templates\' backbones (resources/templates/backbones) were not found.'));
      if (name === 'templates.backbone') return Promise.resolve({ runId: '20261206-031500-000abc', name: 'MNIST digits CNN' });
      if (name === 'runs.adopt') return Promise.resolve({ moved: ['20261206-031500-000abc'], training: [] });
      return Promise.reject(new Error(`unexpected ${name}`));
    }) as NetwrightApi['call'],
    on: () => () => undefined,
  };
}

const transfer = TEMPLATES.find((t) => t.id === 'transfer-mnist-fashion') as (typeof TEMPLATES)[number];

afterEach(() => useBackbone.getState().set(null));

describe('opening a template that ships a backbone', () => {
  it('makes the shipped run the unsaved project\'s backbone, and keeps it when the project is saved', async () => {
    const calls: [string, unknown][] = [];
    installPlatform(fakeApi(calls));
    const workbench = createWorkbench();
    const store = workbench.editor;
    store.getState().loadProject(openTemplate(transfer).doc, null);
    const { draftId } = store.getState();
    await startFromTemplateBackbone(store, 'mnist-cnn-features');
    expect(calls).toEqual([['templates.backbone', { name: 'mnist-cnn-features', draft: draftId }]]);
    expect(backboneFor(store.getState())?.runId).toBe('20261206-031500-000abc');

    store.getState().markSaved('/p/transfer.nwproj', store.getState().baseRev);
    expect(backboneFor(store.getState())).toBeNull();
    await adoptDraftRuns(workbench, '/p/transfer.nwproj');
    expect(backboneFor(store.getState())).toMatchObject({ runId: '20261206-031500-000abc', owner: '/p/transfer.nwproj' });
  });

  it('leaves a project opened meanwhile alone, and says so when the backbone cannot be set up', async () => {
    const calls: [string, unknown][] = [];
    installPlatform(fakeApi(calls));
    const store = createWorkbench().editor;
    store.getState().loadProject(openTemplate(transfer).doc, null);
    const pending = startFromTemplateBackbone(store, 'mnist-cnn-features');
    store.getState().loadProject(openTemplate(transfer).doc, null);
    await pending;
    expect(useBackbone.getState().backbone).toBeNull();

    installPlatform(fakeApi(calls, true));
    await startFromTemplateBackbone(store, 'mnist-cnn-features');
    expect(useBackbone.getState().backbone).toBeNull();
    expect(useUi.getState().notices.at(-1)?.text).toMatch(/backbone could not be set up, so Train would start from fresh weights/);
  });
});
