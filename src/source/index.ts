export type { ByteSource, ByteSourceStats, RemoteOptions } from './types.js';
export { RemoteFile, isRemoteUrl } from './remote.js';
export { BlockCache } from './block-cache.js';
