import { describe, expect, it } from 'vitest';
import { describeChange, formatRate, parseControlCommand } from './control';

/** The live-control commands of `train --control <file>|-` (README: "Steering a run while it trains"). */
describe('control commands', () => {
  it('reads every command the README lists', () => {
    expect(parseControlCommand('lr 0.001 cosine')).toEqual({ kind: 'learningRate', learningRate: 0.001, schedule: { kind: 'cosine', minLearningRate: 0 } });
    expect(parseControlCommand('  learning-rate 5e-4  ')).toEqual({ kind: 'learningRate', learningRate: 0.0005 });
    expect(parseControlCommand('lr 0.01 step')).toEqual({ kind: 'learningRate', learningRate: 0.01, schedule: { kind: 'step', everyEpochs: 10, factor: 0.5 } });
    expect(parseControlCommand('epochs 20')).toEqual({ kind: 'epochs', epochs: 20 });
    expect(parseControlCommand('stop-after-epoch')).toEqual({ kind: 'stopAfterEpoch', enabled: true });
    expect(parseControlCommand('stop-after-epoch off')).toEqual({ kind: 'stopAfterEpoch', enabled: false });
    expect(parseControlCommand('early-stopping off')).toEqual({ kind: 'earlyStopping', enabled: false });
    expect(parseControlCommand('EARLY-STOPPING on')).toEqual({ kind: 'earlyStopping', enabled: true });
    expect(parseControlCommand('checkpoint')).toEqual({ kind: 'checkpoint' });
    expect(parseControlCommand('{"kind":"learningRate","learningRate":0.001}')).toEqual({ kind: 'learningRate', learningRate: 0.001 });
    expect(parseControlCommand('{"kind":"earlyStopping","enabled":true}')).toEqual({ kind: 'earlyStopping', enabled: true });
  });

  it('skips blank lines and comments', () => {
    expect(parseControlCommand('')).toBeNull();
    expect(parseControlCommand('   ')).toBeNull();
    expect(parseControlCommand('# slow down')).toBeNull();
  });

  it('refuses what it cannot use with a message that says what to write', () => {
    expect(() => parseControlCommand('bogus')).toThrow(/^unknown command "bogus"; use lr <rate>/);
    expect(() => parseControlCommand('lr')).toThrow('"lr": give the new learning rate, e.g. "lr 0.001".');
    expect(() => parseControlCommand('lr fast')).toThrow(/give the new learning rate/);
    expect(() => parseControlCommand('lr 0.01 warmup')).toThrow(/unknown schedule "warmup"; use constant, step, exponential, cosine, reduceOnPlateau/);
    expect(() => parseControlCommand('lr 0')).toThrow(/^"lr 0": /);
    expect(() => parseControlCommand('lr 50')).toThrow(/^"lr 50": /);
    expect(() => parseControlCommand('epochs 2.5')).toThrow(/give the total number of epochs/);
    expect(() => parseControlCommand('epochs 0')).toThrow(/^"epochs 0": /);
    expect(() => parseControlCommand('early-stopping')).toThrow(/say on or off/);
    expect(() => parseControlCommand('early-stopping maybe')).toThrow(/say on or off/);
    expect(() => parseControlCommand('{"kind":')).toThrow(/is not valid JSON/);
    expect(() => parseControlCommand('{"kind":"learningRate","learningRate":-1}')).toThrow(/is not a run change \(learningRate: /);
    expect(() => parseControlCommand('{"kind":"pause"}')).toThrow(/is not a run change/);
  });

  it('describes each change in one line, rates short', () => {
    expect(describeChange({ kind: 'learningRate', learningRate: 0.0005, schedule: { kind: 'constant' } })).toBe('learning rate → 5e-4 (constant)');
    expect(describeChange({ kind: 'learningRate', learningRate: 0.2, schedule: { kind: 'cosine', minLearningRate: 0 } })).toBe('learning rate → 0.2 (cosine decay)');
    expect(describeChange({ kind: 'learningRate', learningRate: 0.01 })).toBe('learning rate → 0.01');
    expect(describeChange({ kind: 'epochs', epochs: 12 })).toBe('epochs → 12');
    expect(describeChange({ kind: 'stopAfterEpoch', enabled: true })).toBe('stop after this epoch');
    expect(describeChange({ kind: 'earlyStopping', enabled: false })).toBe('early stopping off');
    expect(describeChange({ kind: 'checkpoint' })).toBe('checkpoint saved');
    expect(formatRate(0.001)).toBe('0.001');
    expect(formatRate(0.00012345)).toBe('1.23e-4');
    expect(formatRate(0.123456)).toBe('0.1235');
  });
});
