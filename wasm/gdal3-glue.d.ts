declare module 'gdal3.js/build/package/gdal3WebAssembly.js' {
  const CModule: (moduleArg: Record<string, unknown>) => Promise<Record<string, any>>;
  export default CModule;
}
