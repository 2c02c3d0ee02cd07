import type { ApiErrorData, CallName, CallParams, CallResult, EventPayload } from './contract';

/** What a call returns across the Electron bridge: errors travel as data, not exceptions. */
export type Envelope<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: ApiErrorData };

/**
 * `window.api` in the Electron renderer: one named function per contract call
 * (keyed by the call's name) and one subscription function per event stream.
 * The preload builds it from `CALL_NAMES`; no raw channel is exposed.
 */
export type PreloadApi = {
  readonly [C in CallName]: (params: CallParams<C>) => Promise<Envelope<CallResult<C>>>;
} & {
  readonly onTrainingEvent: (listener: (event: EventPayload<'training.event'>) => void) => () => void;
  readonly onSweepEvent: (listener: (event: EventPayload<'sweep.event'>) => void) => () => void;
  readonly onMenuCommand: (listener: (event: EventPayload<'menu.command'>) => void) => () => void;
};
