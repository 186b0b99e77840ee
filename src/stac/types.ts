/** The parts of STAC (items, collections, catalogs, search pages) geotensor reads, and its options. */
import type { RemoteOptions } from '../remote/types.js';

export interface StacLink {
  rel: string;
  href: string;
  type?: string;
  method?: string;
  body?: unknown;
  merge?: boolean;
  headers?: Record<string, string>;
}

/** One band of an asset's `raster:bands` (the raster extension): what applyScale uses. */
export interface StacRasterBand {
  nodata?: number | string;
  scale?: number;
  offset?: number;
  data_type?: string;
}

export interface StacAsset {
  href: string;
  type?: string;
  roles?: string[];
  'raster:bands'?: StacRasterBand[];
  [key: string]: unknown;
}

export interface StacItem {
  type: 'Feature';
  stac_version?: string;
  id: string;
  bbox?: number[];
  geometry?: unknown;
  properties: { datetime?: string | null; start_datetime?: string; end_datetime?: string; [key: string]: unknown };
  assets: Record<string, StacAsset>;
  links?: StacLink[];
  collection?: string;
}

export interface StacItemCollection {
  type: 'FeatureCollection';
  features: StacItem[];
  links?: StacLink[];
  [key: string]: unknown;
}

/** What STAC input geotensor takes: an item or item collection (object or URL), a catalog or collection URL. */
export type StacInput = StacItem | StacItemCollection | string | URL;

/** An item as read: its own document's URL (for relative hrefs) and its date. */
export interface ReadItem {
  item: StacItem;
  /** The URL the item's relative hrefs resolve against (its self link, else where it was read), or null. */
  base: string | null;
  /** Milliseconds since 1970 (datetime, else start_datetime), for ordering. */
  time: number;
}

export interface StacReadOptions {
  /** Headers, retries, timeout, fetch... for STAC documents and the assets' COGs alike. */
  remote?: RemoteOptions;
  /** Most items read (default 10,000): a catalog or search with more is refused, not truncated. */
  maxItems?: number;
  /** Most documents fetched while walking a catalog or paging a search (default 1,000). */
  maxDocuments?: number;
  /** Largest document, in bytes (default 16 MiB). */
  maxDocumentBytes?: number;
  signal?: AbortSignal;
}
