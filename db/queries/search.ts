/** A LIKE pattern matching `term` anywhere, with the term's own % _ and \ taken literally. */
export function containsPattern (term: string): string {
  return `%${term.toLowerCase().replace(/[\\%_]/g, (char) => `\\${char}`)}%`
}
