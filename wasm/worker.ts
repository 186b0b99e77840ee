/**
 * The engine worker: one GDAL (WebAssembly) per worker, exposed with Comlink. Runs as a Node
 * worker_threads worker, a Deno Web Worker or a browser module Web Worker.
 */
import * as Comlink from 'comlink';
import { installErrorTransfer } from '../src/engine/protocol.js';
import { createEngineApi } from './api.js';
import { hostEndpoint } from './runtime.js';

installErrorTransfer();
// No top-level await: bundlers build workers as classic scripts by default (Vite: iife).
const api = createEngineApi();
void hostEndpoint().then((endpoint) => Comlink.expose(api, endpoint));
