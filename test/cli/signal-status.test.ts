import { describe, expect, it } from 'vitest';
import { signalStatus } from '../../src/util/signal-status.js';

describe('signalStatus', () => {
  it('is 128 + the signal number, as a shell reports a command killed by it', () => {
    expect(signalStatus('SIGINT')).toBe(130);
    expect(signalStatus('SIGTERM')).toBe(143);
  });
});
