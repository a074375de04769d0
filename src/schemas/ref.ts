import { Type, type Static, type TSchema } from 'typebox'

/**
 * A `$ref` to a named shared schema that keeps the referenced schema's static type. Route schemas
 * use it so the OpenAPI document shows one named component instead of an inline copy.
 */
export function ref<T extends TSchema> (schema: T) {
  const id = (schema as { $id?: unknown }).$id
  if (typeof id !== 'string') throw new Error('ref() needs a schema with an $id')
  return Type.Unsafe<Static<T>>(Type.Ref(id))
}
