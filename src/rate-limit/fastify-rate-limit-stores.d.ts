// @fastify/rate-limit ships its stores without type declarations; this is the part we use.
declare module '@fastify/rate-limit/store/LocalStore.js' {
  const LocalStore: new (continueExceeding: boolean, exponentialBackoff: boolean, cache: number) => import('./budget.js').CounterStore
  export default LocalStore
}

declare module '@fastify/rate-limit/store/RedisStore.js' {
  const RedisStore: new (continueExceeding: boolean, exponentialBackoff: boolean, redis: import('ioredis').Redis, keyPrefix: string) => import('./budget.js').CounterStore
  export default RedisStore
}
