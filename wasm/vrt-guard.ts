/**
 * VRTs are read by geotensor before GDAL sees them: parsed strictly, checked, and written anew, so
 * GDAL opens exactly what was checked (never the original text, which GDAL's XML parser might read
 * differently). Refused: GDAL's escape hatches — raw bands (any file's bytes as pixels), Python pixel
 * functions, file names with a driver prefix (`MEM:::DATAPOINTER=…` reads WebAssembly memory), `/vsi*`
 * paths, inline XML datasets — and DOCTYPE, CDATA and unknown entities. What remains are plain file
 * names, which the sandbox resolves (see sandbox.ts).
 */
import { SourceError } from '../src/core/errors.js';

export interface XmlElement {
  name: string;
  attrs: [string, string][];
  children: (XmlElement | string)[];
}

/** A file name a VRT refers to, and where to write the name the sandbox gives it. */
export interface VrtReference {
  name: string;
  relativeToVrt: boolean;
  element: XmlElement;
}

const MAX_DEPTH = 64;
const FILE_ELEMENTS = new Set(['sourcefilename', 'sourcedataset']);

/** True when the bytes look like XML (after a byte-order mark and white space). */
export function sniffXml(head: Uint8Array): 'vrt' | 'pam' | 'xml' | 'json' | null {
  const text = new TextDecoder('latin1')
    .decode(head)
    .replace(/^\uFEFF|^\xEF\xBB\xBF/, '')
    .trimStart();
  if (text.startsWith('{') || text.startsWith('[')) return 'json';
  if (!text.startsWith('<')) return null;
  const first = /<([A-Za-z_][\w.-]*)/.exec(text.replace(/<\?[\s\S]*?\?>|<!--[\s\S]*?-->/g, ''));
  const root = first?.[1].toLowerCase();
  return root === 'vrtdataset' ? 'vrt' : root === 'pamdataset' ? 'pam' : 'xml';
}

/** Parses and checks a VRT: its root element and the file names it refers to. */
export function parseVrt(text: string, label: string): { root: XmlElement; refs: VrtReference[] } {
  const root = parseXml(text, label);
  if (root.name.toLowerCase() !== 'vrtdataset') refuse(label, `its root element is <${root.name}>, not <VRTDataset>`);
  const refs: VrtReference[] = [];
  walk(root, label, refs, 0);
  return { root, refs };
}

/** Sets a reference to the name the sandbox gave the file (absolute, so not relative to the VRT). */
export function pointReference(ref: VrtReference, path: string): void {
  ref.element.children = [path];
  ref.element.attrs = ref.element.attrs.filter(([k]) => k.toLowerCase() !== 'relativetovrt');
  ref.element.attrs.push(['relativeToVRT', '0']);
}

export function serializeXml(e: XmlElement): string {
  const attrs = e.attrs.map(([k, v]) => ` ${k}="${escapeXml(v)}"`).join('');
  if (e.children.length === 0) return `<${e.name}${attrs}/>`;
  return `<${e.name}${attrs}>${e.children.map((c) => (typeof c === 'string' ? escapeXml(c) : serializeXml(c))).join('')}</${e.name}>`;
}

function walk(e: XmlElement, label: string, refs: VrtReference[], depth: number): void {
  if (depth > MAX_DEPTH) refuse(label, `its XML is nested deeper than ${MAX_DEPTH} levels`);
  const lname = e.name.toLowerCase();
  for (const [k, v] of e.attrs) {
    const lk = k.toLowerCase();
    if (lk === 'subclass' && /raw/i.test(v)) refuse(label, `it has a raw band (${v}), which would read any file's bytes as pixels`);
    if (FILE_ELEMENTS.has(lk)) refuse(label, `it names a file in an attribute (${k})`);
    if (lk === 'pixelfunctionlanguage' && !/^c$/i.test(v)) refuse(label, `it has a ${v} pixel function`);
  }
  if (lname === 'pixelfunctioncode' || (lname === 'pixelfunctionlanguage' && !/^\s*c\s*$/i.test(textOf(e)))) refuse(label, 'it has code in it (a pixel function)');
  if (FILE_ELEMENTS.has(lname)) {
    if (e.children.some((c) => typeof c !== 'string')) refuse(label, `its <${e.name}> holds XML instead of a file name`);
    const name = textOf(e);
    checkFileName(name, label);
    const rel = e.attrs.find(([k]) => k.toLowerCase() === 'relativetovrt')?.[1].trim() === '1';
    refs.push({ name, relativeToVrt: rel, element: e });
    return;
  }
  for (const c of e.children) if (typeof c !== 'string') walk(c, label, refs, depth + 1);
}

function checkFileName(name: string, label: string): void {
  const shown = JSON.stringify(name.length > 80 ? `${name.slice(0, 80)}…` : name);
  if (name === '' || name !== name.trim()) refuse(label, `it names a file ${shown} with leading or trailing white space, or none`);
  if (/^\/vsi/i.test(name)) refuse(label, `it names ${shown}: /vsi* paths are not opened from VRTs`);
  // Driver prefixes (MEM:::, GTIFF_DIR:, NETCDF:…), inline XML, URLs, control characters.
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is refused
  if (/[:<>"|?*\\\u0000-\u001f\u007f]/.test(name)) refuse(label, `it names ${shown}, which is not a plain file name (no driver prefixes, URLs or XML)`);
}

function textOf(e: XmlElement): string {
  return e.children.filter((c): c is string => typeof c === 'string').join('');
}

function refuse(label: string, why: string): never {
  throw new SourceError('SOURCE_UNSAFE', `${label}: a VRT geotensor does not open: ${why}`, { input: label });
}

function escapeXml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

const ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

function decode(s: string, label: string): string {
  return s.replace(/&([^;&\s]{0,12});/g, (m, name: string) => {
    if (name in ENTITIES) return ENTITIES[name];
    const num = /^#(x[0-9a-f]{1,6}|[0-9]{1,7})$/i.exec(name);
    if (num) {
      const code = num[1][0].toLowerCase() === 'x' ? Number.parseInt(num[1].slice(1), 16) : Number(num[1]);
      if (code > 0 && code <= 0x10ffff) return String.fromCodePoint(code);
    }
    refuse(label, `its XML has an unknown entity ${m}`);
  });
}

/** A strict parser for the XML GDAL writes: elements, attributes, text, comments, one declaration. */
function parseXml(text: string, label: string): XmlElement {
  let i = 0;
  const fail = (what: string): never => refuse(label, `its XML is malformed (${what} at character ${i})`);
  const skipMisc = () => {
    for (;;) {
      while (i < text.length && /\s/.test(text[i])) i++;
      if (text.startsWith('<?', i)) i = end('?>');
      else if (text.startsWith('<!--', i)) i = end('-->');
      else return;
    }
  };
  const end = (close: string): number => {
    const j = text.indexOf(close, i);
    if (j < 0) fail(`unterminated ${close}`);
    return j + close.length;
  };
  const name = (): string => {
    const m = /^[A-Za-z_][\w.:-]*/.exec(text.slice(i, i + 256));
    if (!m) fail('a name expected');
    i += m![0].length;
    return m![0];
  };
  const element = (depth: number): XmlElement => {
    if (depth > MAX_DEPTH) refuse(label, `its XML is nested deeper than ${MAX_DEPTH} levels`);
    i++; // '<'
    const e: XmlElement = { name: name(), attrs: [], children: [] };
    for (;;) {
      while (/\s/.test(text[i] ?? '')) i++;
      if (text.startsWith('/>', i)) {
        i += 2;
        return e;
      }
      if (text[i] === '>') {
        i++;
        break;
      }
      const k = name();
      while (/\s/.test(text[i] ?? '')) i++;
      if (text[i] !== '=') fail('= expected');
      i++;
      while (/\s/.test(text[i] ?? '')) i++;
      const q = text[i];
      if (q !== '"' && q !== "'") fail('a quoted attribute value expected');
      const j = text.indexOf(q, i + 1);
      if (j < 0) fail('unterminated attribute');
      const raw = text.slice(i + 1, j);
      if (raw.includes('<')) fail('< in an attribute');
      if (e.attrs.some(([a]) => a.toLowerCase() === k.toLowerCase())) fail(`attribute ${k} twice`);
      e.attrs.push([k, decode(raw, label)]);
      i = j + 1;
    }
    for (;;) {
      if (i >= text.length) fail(`</${e.name}> missing`);
      if (text.startsWith('<!--', i)) i = end('-->');
      else if (text.startsWith('</', i)) {
        i += 2;
        if (name() !== e.name) fail(`</${e.name}> expected`);
        while (/\s/.test(text[i] ?? '')) i++;
        if (text[i] !== '>') fail('> expected');
        i++;
        return e;
      } else if (text.startsWith('<!', i) || text.startsWith('<?', i)) refuse(label, 'its XML has a DOCTYPE, CDATA section or processing instruction inside it');
      else if (text[i] === '<') e.children.push(element(depth + 1));
      else {
        const j = text.indexOf('<', i);
        const raw = text.slice(i, j < 0 ? text.length : j);
        e.children.push(decode(raw, label));
        i += raw.length;
      }
    }
  };
  if (text.charCodeAt(0) === 0xfeff) i = 1;
  skipMisc();
  if (text.startsWith('<!', i)) refuse(label, 'its XML has a DOCTYPE or CDATA section');
  if (text[i] !== '<') fail('< expected');
  const root = element(0);
  skipMisc();
  if (i < text.length) fail('text after the root element');
  return root;
}
