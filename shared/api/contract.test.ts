import { describe, expect, it } from 'vitest';
import mnistText from '../../resources/examples/mnist-mlp.nwproj?raw';
import { ApiError, ApiErrorSchema, CALLS, CALL_NAMES, EVENTS, EVENT_NAMES, isCallName } from './contract';
import { PROJECT_VERSION } from '../graph/document';
import { ClientMessageSchema, ServerMessageSchema } from './wire';
import { DATASETS } from '../training/datasets';

const doc = JSON.parse(mnistText) as unknown;

describe('API contract', () => {
  it('isCallName accepts contract calls only, not inherited object keys', () => {
    expect(isCallName('project.open')).toBe(true);
    for (const name of ['toString', '__proto__', 'hasOwnProperty', 'project', '', 42, null]) expect(isCallName(name), String(name)).toBe(false);
  });

  it('lists every call and event', () => {
    expect(CALL_NAMES).toEqual(Object.keys(CALLS));
    expect(CALL_NAMES).toContain('training.start');
    expect(EVENT_NAMES).toEqual(Object.keys(EVENTS));
    expect(EVENT_NAMES).toEqual(expect.arrayContaining(['training.event', 'menu.command']));
  });

  it('validates params: a project to save must be a valid document', () => {
    expect(CALLS['project.save'].params.safeParse({ path: '/tmp/a.nwproj', doc }).success).toBe(true);
    expect(CALLS['project.save'].params.safeParse({ path: '', doc }).success).toBe(false);
    expect(CALLS['project.save'].params.safeParse({ path: '/tmp/a.nwproj', doc: { ...(doc as object), version: PROJECT_VERSION + 1 } }).success).toBe(false);
    expect(CALLS['training.start'].params.safeParse({}).success).toBe(false);
  });

  it('the built-in data sets satisfy the result schema of datasets.list', () => {
    expect(CALLS['datasets.list'].result.parse(DATASETS)).toEqual(DATASETS);
  });

  it('ApiError carries a code and a human message, and its data matches ApiErrorSchema', () => {
    const e = new ApiError('NOT_FOUND', 'The file was not found.');
    expect(e).toBeInstanceOf(Error);
    expect(e.name).toBe('ApiError');
    expect(ApiErrorSchema.parse({ code: e.code, message: e.message })).toEqual({ code: 'NOT_FOUND', message: 'The file was not found.' });
  });
});

describe('WebSocket wire messages', () => {
  it('accepts a call and rejects malformed ones', () => {
    expect(ClientMessageSchema.safeParse({ kind: 'call', id: 1, name: 'app.info', params: {} }).success).toBe(true);
    expect(ClientMessageSchema.safeParse({ kind: 'call', id: -1, name: 'app.info', params: {} }).success).toBe(false);
    expect(ClientMessageSchema.safeParse({ kind: 'call', id: 1.5, name: 'app.info', params: {} }).success).toBe(false);
    expect(ClientMessageSchema.safeParse({ kind: 'call', id: 1, name: 'x'.repeat(101), params: {} }).success).toBe(false);
    expect(ClientMessageSchema.safeParse({ kind: 'event', id: 1, name: 'app.info' }).success).toBe(false);
  });

  it('a failed result must carry an error, a successful one a value field', () => {
    expect(ServerMessageSchema.safeParse({ kind: 'result', id: 1, ok: true, value: 3 }).success).toBe(true);
    expect(ServerMessageSchema.safeParse({ kind: 'result', id: 1, ok: false, error: { code: 'E', message: 'm' } }).success).toBe(true);
    expect(ServerMessageSchema.safeParse({ kind: 'result', id: 1, ok: false }).success).toBe(false);
    expect(ServerMessageSchema.safeParse({ kind: 'event', name: 'training.event', payload: {} }).success).toBe(true);
  });
});
