/**
 * A lazy `import()` of one of this package's own modules. tsc's rewriteRelativeImportExtensions turns
 * `.ts` into `.js` in static imports only, never in a dynamic `import('./x.ts')`, which then fails from
 * dist/; this takes the extension of the calling module (`.ts` from the sources, `.js` from dist).
 */
export function importOwn<T>(relative: string, from: string): Promise<T> {
  const ext = from.endsWith('.ts') ? '.ts' : '.js';
  return import(new URL(relative.replace(/\.ts$/, ext), from).href) as Promise<T>;
}
