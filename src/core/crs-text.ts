/**
 * Which CRS strings geotensor passes on (to proj4 and to GDAL): `AUTHORITY:CODE` (EPSG:4326,
 * ESRI:102100), OGC URNs and opengis.net URLs, WKT 1 or 2, PROJJSON and PROJ strings. Refused: file
 * paths (GDAL reads a CRS from a file it names), text after the CRS ("EPSG:4326 -co TILED=YES"),
 * PROJ strings that name files (`+init=`, grids with a path) and control characters.
 */

const WKT_KEYWORDS =
  /^(PROJCS|GEOGCS|GEOCCS|COMPD_CS|VERT_CS|LOCAL_CS|FITTED_CS|PROJCRS|PROJECTEDCRS|GEOGCRS|GEOGRAPHICCRS|GEODCRS|GEODETICCRS|BOUNDCRS|COMPOUNDCRS|COMPOUNDCRS|VERTCRS|VERTICALCRS|ENGCRS|ENGINEERINGCRS|DERIVEDPROJCRS|TIMECRS|BASEGEOGCRS)\s*[[(]/i;

export const MAX_CRS_CHARS = 16_384;

/** Why a CRS string is refused, or null when it has an accepted form. */
export function crsTextProblem(input: string): string | null {
  if (typeof input !== 'string') return 'expected a string';
  const s = input.trim();
  if (s === '') return 'expected EPSG:n, WKT, PROJJSON or a PROJ string, got an empty string';
  // The engine hands CRS strings to GDAL on the WebAssembly stack (64 KiB); no real definition is near this.
  if (s.length > MAX_CRS_CHARS) return `is ${s.length} characters long, more than any CRS definition (at most ${MAX_CRS_CHARS})`;
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is refused
  if (/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(s)) return 'has control characters';
  if (/^[A-Za-z][A-Za-z0-9_]*\s*:\s*[A-Za-z0-9_.-]+$/.test(s)) return null;
  if (/^urn:ogc:def:crs:[A-Za-z0-9_.:-]+$/i.test(s)) return null;
  if (/^https?:\/\/www\.opengis\.net\/def\/crs\/[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/i.test(s)) return null;
  if (WKT_KEYWORDS.test(s)) return /[\])]$/.test(s) ? null : 'WKT must end with its closing bracket (nothing after it)';
  if (s.startsWith('{')) return s.endsWith('}') ? null : 'PROJJSON must end with its closing brace';
  if (s.startsWith('+')) {
    if (/(^|\s)\+?init\s*=/i.test(s)) return '+init= reads a file of definitions; give the definition itself';
    if (/[/\\]/.test(s)) return 'names a file path (grids must be given by name)';
    return /^(\+[A-Za-z_][A-Za-z0-9_]*(=\S*)?\s*)+$/.test(s) ? null : 'is not a PROJ string (+key=value terms only)';
  }
  return 'expected EPSG:n (any AUTHORITY:CODE), an OGC URN, WKT, PROJJSON or a PROJ string (+proj=…), not a file name or other text';
}
