import { beforeEach, describe, expect, it } from 'vitest';
import { ownerKey, useSweeps } from './sweep-store';
import { sweepState } from '../../../shared/training/sweep-test-fixtures';

const state = (sweepId: string, owner: { projectPath?: string; draft?: string }) => ({
  ...sweepState({ axes: [{ key: 'lr', values: '0.1' }] }, [{ values: { lr: 0.1 }, accuracy: 0.5 }]),
  sweepId,
  projectPath: owner.projectPath ?? null,
  ...(owner.draft ? { draft: owner.draft } : {}),
});

describe('the sweeps store', () => {
  beforeEach(() => useSweeps.getState().setList('', []));

  it("keeps only the open project's sweeps, newest first, and shows the newest unless another was chosen", () => {
    const s = useSweeps.getState();
    s.setList(ownerKey(null, 'd1'), [state('20261206-010000-aaa', { draft: 'd1' })]);
    expect(useSweeps.getState().shownId).toBe('20261206-010000-aaa');
    // Another draft's and a saved project's events are not this project's.
    s.upsert(state('20261206-020000-bbb', { draft: 'd2' }));
    s.upsert(state('20261206-020000-ccc', { projectPath: '/p/a.nwproj' }));
    expect(useSweeps.getState().sweeps.map((x) => x.sweepId)).toEqual(['20261206-010000-aaa']);
    // A new sweep of this draft is listed first; the one shown stays shown.
    s.upsert(state('20261206-030000-ddd', { draft: 'd1' }));
    expect(useSweeps.getState().sweeps.map((x) => x.sweepId)).toEqual(['20261206-030000-ddd', '20261206-010000-aaa']);
    expect(useSweeps.getState().shownId).toBe('20261206-010000-aaa');
    // An update replaces the sweep's state.
    s.upsert({ ...state('20261206-010000-aaa', { draft: 'd1' }), status: 'stopped' });
    expect(useSweeps.getState().sweeps.map((x) => x.status)).toEqual(['done', 'stopped']);
    // Listing again for the same project keeps the choice; another project starts at its newest.
    s.setList(ownerKey(null, 'd1'), useSweeps.getState().sweeps);
    expect(useSweeps.getState().shownId).toBe('20261206-010000-aaa');
    s.setList(ownerKey('/p/a.nwproj', 'd1'), [state('20261206-020000-ccc', { projectPath: '/p/a.nwproj' })]);
    expect(useSweeps.getState().shownId).toBe('20261206-020000-ccc');
  });
});
