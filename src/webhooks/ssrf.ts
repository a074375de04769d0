import { lookup as dnsLookup, type LookupAddress } from 'node:dns'
import { isIP, type LookupFunction } from 'node:net'
import { nonPublicRange } from './addresses.js'

/** What a webhook URL may point at: the operator's settings. */
export interface TargetPolicy {
  /** NODE_ENV=production: https only. */
  httpsOnly: boolean
  /** WEBHOOK_ALLOW_PRIVATE_NETWORKS: loopback, private and link-local addresses are allowed too. */
  allowPrivateNetworks: boolean
}

/** A URL or an address the policy refuses; the message says why and names no secret. */
export class TargetRefused extends Error {
  override name = 'TargetRefused'
}

function bareHost (hostname: string): string {
  return hostname.startsWith('[') ? hostname.slice(1, -1) : hostname
}

/**
 * Checks a webhook URL without resolving it (creation, update, and again before each delivery):
 * http(s) only (https only in production), no credentials, and a host that is not an IP literal
 * of a non-public range. Returns the parsed URL. Host names (`localhost` included) are resolved
 * and their addresses checked at delivery time, by `guardedLookup`: a name's addresses can change
 * after creation, so checking them here would prove nothing.
 */
export function checkWebhookUrl (text: string, policy: TargetPolicy): URL {
  let url: URL
  try {
    url = new URL(text)
  } catch {
    throw new TargetRefused('is not a valid absolute URL')
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new TargetRefused('must be an https:// URL')
  if (policy.httpsOnly && url.protocol !== 'https:') throw new TargetRefused('must use https')
  if (url.username !== '' || url.password !== '') throw new TargetRefused('must not contain credentials')
  if (url.hash !== '') throw new TargetRefused('must not have a fragment')
  if (policy.allowPrivateNetworks) return url
  // The WHATWG parser has already turned 0x7f.1, 2130706433 and friends into dotted quads.
  const host = bareHost(url.hostname)
  if (isIP(host) !== 0) {
    const range = nonPublicRange(host)
    if (range !== null) throw new TargetRefused(`must not point at a ${range} address`)
  }
  return url
}

/**
 * A `lookup` for http(s).request that resolves the host and refuses it when any of its addresses
 * is not public (unless the policy allows private networks). The connection then goes to an
 * address this function returned, so a DNS answer cannot change between the check and the
 * connection (DNS rebinding).
 */
export function guardedLookup (policy: TargetPolicy): LookupFunction {
  return (hostname, options, callback) => {
    dnsLookup(hostname, { family: options.family ?? 0, hints: options.hints ?? 0, all: true }, (error, addresses: LookupAddress[]) => {
      if (error !== null) {
        callback(error, '', 0)
        return
      }
      const refused = policy.allowPrivateNetworks ? undefined : addresses.find((entry) => nonPublicRange(entry.address) !== null)
      if (refused !== undefined) {
        callback(new TargetRefused(`${hostname} resolves to ${refused.address}, a ${nonPublicRange(refused.address) ?? ''} address, which webhooks may not reach`), '', 0)
        return
      }
      const first = addresses[0]
      if (first === undefined) {
        callback(Object.assign(new Error(`${hostname} has no address`), { code: 'ENOTFOUND' }), '', 0)
        return
      }
      if (options.all === true) callback(null, addresses)
      else callback(null, first.address, first.family)
    })
  }
}
