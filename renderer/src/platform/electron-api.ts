import {
  ApiError,
  type CallName,
  type CallParams,
  type CallResult,
  type EventName,
  type EventPayload,
  type NetwrightApi,
} from '../../../shared/api/contract';
import type { Envelope, PreloadApi } from '../../../shared/api/preload-api';

/** The contract over Electron's preload bridge: unwraps envelopes into values or `ApiError`s. */
export function createElectronApi(preload: PreloadApi): NetwrightApi {
  return {
    async call<C extends CallName>(name: C, params: CallParams<C>): Promise<CallResult<C>> {
      const fn = preload[name] as unknown as (p: CallParams<C>) => Promise<Envelope<CallResult<C>>>;
      if (typeof fn !== 'function') throw new ApiError('UNKNOWN_CALL', `The app does not offer ${name}.`);
      const envelope = await fn(params);
      if (!envelope.ok) throw new ApiError(envelope.error.code, envelope.error.message);
      return envelope.value;
    },
    on<E extends EventName>(name: E, listener: (payload: EventPayload<E>) => void): () => void {
      switch (name) {
        case 'training.event':
          return preload.onTrainingEvent(listener as (p: EventPayload<'training.event'>) => void);
        case 'sweep.event':
          return preload.onSweepEvent(listener as (p: EventPayload<'sweep.event'>) => void);
        case 'menu.command':
          return preload.onMenuCommand(listener as (p: EventPayload<'menu.command'>) => void);
        default:
          return () => undefined;
      }
    },
  };
}
