/**
 * Makes thrown errors cross the worker boundary with their class, code and details intact
 * (Comlink's default keeps only name, message and stack).
 */
import * as Comlink from 'comlink';
import { deserializeError, isSerializedError, serializeError, type SerializedError } from '../errors/index.js';

let installed = false;

export function installErrorTransfer(): void {
  if (installed) return;
  installed = true;
  const builtin = Comlink.transferHandlers.get('throw');
  if (!builtin) return;
  Comlink.transferHandlers.set('throw', {
    canHandle: builtin.canHandle,
    serialize(v: { value: unknown }) {
      return [serializeError(v.value), []];
    },
    deserialize(s: SerializedError): never {
      throw isSerializedError(s) ? deserializeError(s) : s;
    },
  } as Comlink.TransferHandler<unknown, unknown>);
}
