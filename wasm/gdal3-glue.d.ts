declare module 'gdal3.js/build/package/gdal3WebAssembly.js' {
  // biome-ignore lint/suspicious/noExplicitAny: the Emscripten module has no type declarations
  const CModule: (moduleArg: Record<string, unknown>) => Promise<Record<string, any>>;
  export default CModule;
}
