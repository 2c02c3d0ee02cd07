import { describe, expect, it } from 'vitest';
import { describeGoal, goalMet, reached, templateGoal } from './template-goal';

describe('template goals', () => {
  it('reads a goal from a template file and ignores a missing or malformed one', () => {
    expect(templateGoal({ goal: { metric: 'accuracy', atLeast: 0.95 } })).toEqual({ metric: 'accuracy', atLeast: 0.95 });
    expect(templateGoal({})).toBeNull();
    expect(templateGoal({ goal: { metric: 'accuracy', atLeast: 95 } })).toBeNull();
    expect(templateGoal({ goal: { metric: 'loss', atLeast: 0.1 } })).toBeNull();
    expect(templateGoal({ goal: { metric: 'loss', atMost: 0.02 } })).toEqual({ metric: 'loss', atMost: 0.02 });
    expect(templateGoal({ goal: { metric: 'loss', atMost: -1 } })).toBeNull();
  });

  it('takes accuracy from classification runs and R² from regression runs', () => {
    const test = { loss: 0.3, accuracy: 0.97 };
    const regression = { task: 'regression' as const, points: [], mae: 44, rmse: 55, r2: 0.52 };
    expect(reached({ metric: 'accuracy', atLeast: 0.95 }, test, null)).toBe(0.97);
    expect(reached({ metric: 'accuracy', atLeast: 0.95 }, { loss: 1, accuracy: 0 }, regression)).toBeNull();
    expect(reached({ metric: 'r2', atLeast: 0.4 }, { loss: 1, accuracy: 0 }, regression)).toBe(0.52);
    expect(reached({ metric: 'r2', atLeast: 0.4 }, test, null)).toBeNull();
  });

  it('holds a run to the stated number, only forgiving float rounding', () => {
    const goal = { metric: 'accuracy' as const, atLeast: 0.9 };
    expect(goalMet(goal, 27 / 30)).toBe(true);
    expect(goalMet(goal, 0.8999999)).toBe(true);
    expect(goalMet(goal, 26 / 30)).toBe(false);
    expect(goalMet(goal, 0.8999)).toBe(false);
    expect(goalMet(goal, null)).toBe(false);
    const loss = { metric: 'loss' as const, atMost: 0.02 };
    expect(goalMet(loss, 0.019)).toBe(true);
    expect(goalMet(loss, 0.0200000001)).toBe(true);
    expect(goalMet(loss, 0.021)).toBe(false);
    expect(goalMet(loss, null)).toBe(false);
  });

  it('takes the test loss of a reconstruction run', () => {
    expect(reached({ metric: 'loss', atMost: 0.02 }, { loss: 0.012, accuracy: 0, mae: 0.04 }, null)).toBe(0.012);
    expect(reached({ metric: 'loss', atMost: 0.02 }, null, null)).toBeNull();
  });

  it('says the goal in words', () => {
    expect(describeGoal({ metric: 'accuracy', atLeast: 0.95 })).toBe('≥ 95% test accuracy');
    expect(describeGoal({ metric: 'accuracy', atLeast: 0.975 })).toBe('≥ 97.5% test accuracy');
    expect(describeGoal({ metric: 'r2', atLeast: 0.4 })).toBe('R² ≥ 0.40 on the test set');
    expect(describeGoal({ metric: 'loss', atMost: 0.015 })).toBe('test loss ≤ 0.0150');
  });
});
