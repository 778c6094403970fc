// The part of markdown-it (a dependency of @vscode/vsce, shipped without types) that
// test/unit/attack.test.ts uses to render hover markdown as a client would.
declare module 'markdown-it' {
  export default class MarkdownIt {
    constructor(options?: { linkify?: boolean });
    render(source: string): string;
  }
}
