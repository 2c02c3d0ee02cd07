import { afterEach, describe, expect, it, vi } from 'vitest';
import { useUi } from './ui';

afterEach(() => {
  vi.useRealTimers();
  useUi.setState({ defaultDir: null });
});

describe('whenDefaultDir: the folder pickers start in', () => {
  it('is the back end folder at once when known', async () => {
    useUi.getState().setDefaultDir('/home/ada');
    await expect(useUi.getState().whenDefaultDir()).resolves.toBe('/home/ada');
  });

  it('waits for the back end to say it (a picker opened while the page still connects)', async () => {
    useUi.setState({ defaultDir: null });
    const asked = useUi.getState().whenDefaultDir(60_000);
    let answered: string | null | undefined;
    void asked.then((d) => (answered = d));
    await Promise.resolve();
    expect(answered).toBeUndefined();
    useUi.getState().setDefaultDir('/home/ada');
    await expect(asked).resolves.toBe('/home/ada');
  });

  it('gives up with null when the back end never says it', async () => {
    vi.useFakeTimers();
    useUi.setState({ defaultDir: null });
    const asked = useUi.getState().whenDefaultDir(5000);
    vi.advanceTimersByTime(5000);
    await expect(asked).resolves.toBeNull();
    // A later answer changes nothing for it.
    useUi.getState().setDefaultDir('/late');
    await expect(asked).resolves.toBeNull();
  });
});
