/** The form an email is stored and compared in: trimmed and lower-cased. */
export function normalizeEmail (email: string): string {
  return email.trim().toLowerCase()
}
