/** Instants as geotensor takes them: ISO 8601 text, a Date or milliseconds since 1970. Imports nothing. */

/** Milliseconds of an instant (NaN when it is none). */
export function instant(v: unknown): number {
  if (v instanceof Date) return v.getTime();
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && v.trim()) return Date.parse(v);
  return Number.NaN;
}
