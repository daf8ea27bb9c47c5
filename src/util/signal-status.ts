/**
 * The exit status of a command that stops because of `signal`, as a shell reports one killed by
 * it: 128 + the signal's number (130 for SIGINT, 143 for SIGTERM). `run` and `sweep` stop
 * cleanly on SIGINT and SIGTERM and exit with it, so scripts see the usual status.
 */
import { constants } from 'node:os';

export function signalStatus(signal: NodeJS.Signals): number {
  return 128 + constants.signals[signal];
}
