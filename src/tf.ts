/**
 * `geotensor/tf`: the TensorFlow.js adapters (`toTensor`, `toDataset`), apart from the core so that
 * `import 'geotensor'` loads no ML framework. Needs `@tensorflow/tfjs` installed (an optional peer
 * dependency).
 */
export { toTensor, toDataset, tf, type DatasetOptions, type FlowLike } from './tf/index.js';
