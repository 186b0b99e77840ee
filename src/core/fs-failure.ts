/**
 * Why a file operation failed, in words, from the runtime's error (Node's codes, Deno's error names):
 * missing, permission denied (with the flag Deno's or Node's permission model wants), or the code.
 * The host's file access (src/runtime/local-fs.ts) and the worker's sandbox and lazy files say it alike.
 */
export function fsFailure(e: unknown, access: 'read' | 'write'): { missing: boolean; why: string } {
  const { code, name } = e as { code?: string; name?: string };
  if (code === 'ENOENT' || name === 'NotFound') return { missing: true, why: 'no such file' };
  if (name === 'NotCapable' || name === 'PermissionDenied') return { missing: false, why: `permission denied (Deno: run with --allow-${access})` };
  if (code === 'EACCES' || code === 'EPERM') return { missing: false, why: 'permission denied' };
  if (code === 'ERR_ACCESS_DENIED') return { missing: false, why: `permission denied (Node's permission model: run with --allow-fs-${access})` };
  return { missing: false, why: `cannot be ${access === 'read' ? 'read' : 'written'} (${code ?? name ?? 'error'})` };
}
