/**
 * Loads a Node built-in (`node:fs`…) at run time, invisibly to bundlers: a browser bundle made by
 * Vite, webpack or Rollup must not try to resolve or polyfill modules that only Node and Deno have
 * (the code paths that use them never run in a browser).
 */
export function nodeModule<T>(name: string): Promise<T> {
  return import(/* webpackIgnore: true */ /* @vite-ignore */ name) as Promise<T>;
}
