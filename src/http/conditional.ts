import type { FastifyReply, FastifyRequest } from 'fastify'

/** The strong ETag of a versioned resource. */
export function etagOf (version: number): string {
  return `"${version}"`
}

function entityTags (header: string): string[] {
  return header.split(',').map((tag) => tag.trim()).filter((tag) => tag !== '')
}

/**
 * Sets the ETag and answers 304 when If-None-Match already has it (weak comparison, as RFC 9110
 * asks for If-None-Match). Returns true when the 304 was sent and the handler should stop.
 */
export function notModified (request: FastifyRequest, reply: FastifyReply, version: number): boolean {
  const etag = etagOf(version)
  reply.header('etag', etag)
  const matches = ifNoneMatchHolds(request, etag)
  if (matches) reply.code(304)
  return matches
}

/** Does If-None-Match already name `etag` (weak comparison, `*` matches anything)? */
export function ifNoneMatchHolds (request: FastifyRequest, etag: string): boolean {
  const header = request.headers['if-none-match']
  return header !== undefined && entityTags(header).some((tag) => tag === '*' || tag.replace(/^W\//, '') === etag)
}

/**
 * The versions an If-Match header allows: undefined when absent or `*` (any version of an existing
 * resource). A tag this API cannot have issued can never match, so it yields no versions and the
 * write answers 412.
 */
export function ifMatchVersions (request: FastifyRequest): number[] | undefined {
  const header = request.headers['if-match']
  if (header === undefined) return undefined
  const tags = entityTags(header)
  if (tags.includes('*')) return undefined
  const versions: number[] = []
  for (const tag of tags) {
    const match = /^"(\d{1,9})"$/.exec(tag)
    if (match !== null) versions.push(Number(match[1]))
  }
  return versions
}
