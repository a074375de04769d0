/** A failure to start or stop the embedded server. The message is one sentence meant for people. */
export class EmbeddedPostgresError extends Error {
  override name = 'EmbeddedPostgresError'
  /** Server or initdb output that explains the failure, when there is any. */
  readonly details: string | undefined

  constructor (message: string, options: { cause?: unknown, details?: string } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause })
    this.details = options.details
  }
}

/** The `code` of a Node system error (ENOENT, EEXIST, ...), if any. */
export function codeOf (error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : undefined
}

export function errorText (error: unknown): string {
  if (error instanceof Error) return error.message
  return String(error)
}
