import path from 'node:path'

/** A path as people should read it in a message: relative to the working directory when inside it. */
export function displayPath (absolute: string): string {
  const relative = path.relative(process.cwd(), absolute)
  return relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative) ? relative : absolute
}
