import type { Page } from '@playwright/test';

/**
 * Holds back, by `delayMs`, the answers to calls named `name` made while `setSlow(true)` (a slow
 * disk or a busy host), by wrapping the page's WebSocket: the app's own code and server are untouched.
 * Call before the page loads; with `initially`, calls are held from the page's first one on.
 */
export async function slowCalls(page: Page, name: string, delayMs = 2500, initially = false): Promise<{ setSlow: (on: boolean) => Promise<void> }> {
  await page.addInitScript(
    ({ name, delayMs, initially }) => {
      const w = window as unknown as { __slowCalls: boolean };
      w.__slowCalls = initially;
      const held = new Set<number>();
      class SlowSocket extends WebSocket {
        override send(data: Parameters<WebSocket['send']>[0]): void {
          if (typeof data === 'string' && w.__slowCalls) {
            const m = JSON.parse(data) as { name?: string; id?: number };
            if (m.name === name && typeof m.id === 'number') held.add(m.id);
          }
          super.send(data);
        }
        override set onmessage(listener: ((ev: MessageEvent) => void) | null) {
          super.onmessage = listener
            ? (ev: MessageEvent) => {
                const id = typeof ev.data === 'string' ? (JSON.parse(ev.data) as { id?: number }).id : undefined;
                if (id !== undefined && held.delete(id)) setTimeout(() => listener.call(this, ev), delayMs);
                else listener.call(this, ev);
              }
            : null;
        }
        override get onmessage(): ((ev: MessageEvent) => void) | null {
          return super.onmessage;
        }
      }
      window.WebSocket = SlowSocket;
    },
    { name, delayMs, initially },
  );
  return {
    setSlow: async (on) => {
      await page.evaluate((value) => {
        (window as unknown as { __slowCalls: boolean }).__slowCalls = value;
      }, on);
    },
  };
}
