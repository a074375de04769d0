declare const verified: unique symbol

/**
 * The tenant a piece of work acts on, taken from a verified access token (or from a membership the
 * service has just checked). Every query on tenant data takes one, so a query that forgets the
 * tenant does not compile, and a bare id string cannot be passed by mistake.
 */
export interface TenantScope {
  readonly tenantId: string
  readonly [verified]: true
}

export function tenantScope (tenantId: string): TenantScope {
  return { tenantId } as TenantScope
}
