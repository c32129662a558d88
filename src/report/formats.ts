// Owns the names of the output formats a saved result renders to (html, md, json, junit, sarif, itf); the
// rendering itself is ./render (loaded only when a format is asked for).

export const FORMATS = ['html', 'md', 'json', 'junit', 'sarif', 'itf'] as const;
export type Format = (typeof FORMATS)[number];

export function isFormat(s: string): s is Format {
  return (FORMATS as readonly string[]).includes(s);
}
