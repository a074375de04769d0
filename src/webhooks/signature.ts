import { createHmac, randomBytes } from 'node:crypto'

/** A new signing secret: `whsec_` and 32 random bytes, base64url. */
export function newWebhookSecret (): string {
  return `whsec_${randomBytes(32).toString('base64url')}`
}

/** Hex HMAC-SHA256 of `<timestamp>.<body>`, keyed with the whole secret string (as UTF-8). */
export function signaturePart (secret: string, timestamp: number, body: string): string {
  return createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')
}

/**
 * `Webhook-Signature: t=<unix seconds>,v1=<hex>[,v1=<hex>]`: one v1 per secret in use (the
 * current one first, then the previous one while a rotation overlaps), as Stripe signs.
 */
export function signatureHeader (secrets: readonly string[], timestamp: number, body: string): string {
  return [`t=${timestamp}`, ...secrets.map((secret) => `v1=${signaturePart(secret, timestamp, body)}`)].join(',')
}
