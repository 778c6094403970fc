// esbuild embeds the compiled scanner in the bundle (its `binary` loader, see scripts/build.mjs).
declare module '*.wasm' {
  const bytes: Uint8Array;
  export default bytes;
}

// The part of the WebAssembly API byteScanner.ts uses: Node has it, but the ES2022 library does
// not declare it, and the DOM library would declare far more than Node offers.
declare namespace WebAssembly {
  class Module {
    constructor(bytes: Uint8Array);
  }
  class Instance {
    constructor(module: Module, imports: object);
    readonly exports: Record<string, unknown>;
  }
  interface Memory {
    readonly buffer: ArrayBuffer;
  }
}
