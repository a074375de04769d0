/** A route's hooks of one kind as a list: Fastify takes one, a list, or none. */
export function hooksOf<T> (value: T | T[] | undefined): T[] {
  return value === undefined ? [] : Array.isArray(value) ? value : [value]
}
