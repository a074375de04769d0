const BEARER = /^Bearer +(\S+)\s*$/i

/** The token of an `Authorization: Bearer <token>` header, or undefined for anything else. */
export function bearerToken (header: string | undefined): string | undefined {
  return header === undefined ? undefined : BEARER.exec(header)?.[1]
}
