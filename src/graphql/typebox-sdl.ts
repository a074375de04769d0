import type { TSchema } from 'typebox'

/**
 * GraphQL type definitions rendered from the TypeBox schemas the REST API validates and
 * serializes with, so a GraphQL field has the very name and type of its JSON property and the two
 * cannot drift. Only what those schemas use is supported; anything else throws when the schema
 * is built (at start-up and in the test that keeps schema.graphql current).
 */

interface JsonSchema {
  $id?: string
  $ref?: string
  type?: string
  format?: string
  description?: string
  properties?: Record<string, JsonSchema>
  required?: string[]
  anyOf?: JsonSchema[]
  enum?: unknown[]
  items?: JsonSchema
}

const GRAPHQL_NAME = /^[_A-Za-z][_0-9A-Za-z]*$/

/** Named schemas (`$id`) that `$ref`s point at: objects become types, enums become enums. */
export class SdlRegistry {
  readonly #named = new Map<string, JsonSchema>()
  readonly #rendered = new Map<string, string>()

  constructor (schemas: readonly TSchema[]) {
    for (const schema of schemas as JsonSchema[]) {
      if (schema.$id === undefined) throw new Error('a schema given to SdlRegistry needs an $id')
      this.#named.set(schema.$id, schema)
    }
  }

  /** Adds `type Name { ... }` for an object schema (its $id is the name), and the types it refers to. */
  objectType (schema: TSchema): void {
    const { $id } = schema as JsonSchema
    if ($id === undefined) throw new Error('an object type needs an $id')
    this.#named$ref($id, 'output')
  }

  /**
   * Adds `input Name { ... }` for a request body: every field is optional in GraphQL (absent and
   * null are told apart as in JSON), and the TypeBox schema itself validates the value, with the
   * same rules and field errors as REST (./inputs.ts).
   */
  inputType (schema: TSchema, name: string): void {
    if (this.#rendered.has(`input:${name}`)) return
    this.#rendered.set(`input:${name}`, '')
    this.#rendered.set(`input:${name}`, this.#object('input', name, schema as JsonSchema, (field) => this.#inputTypeOf(field)))
  }

  /** Arguments `(a: Int, b: String)` from an object schema's properties, all optional (see inputType). */
  argumentsOf (schema: TSchema, omit: readonly string[] = []): string {
    const { properties = {} } = schema as JsonSchema
    const args = Object.entries(properties).filter(([key]) => !omit.includes(key)).map(([key, field]) => `${key}: ${this.#inputTypeOf(field)}`)
    return args.length === 0 ? '' : `(${args.join(', ')})`
  }

  /** Every type added so far, and those they refer to, once each, in the order they were met. */
  definitions (): string[] {
    return [...this.#rendered.values()]
  }

  #object (kind: 'type' | 'input', name: string, schema: JsonSchema, typeOf: (field: JsonSchema) => string): string {
    if (schema.type !== 'object' || schema.properties === undefined) throw new Error(`${name}: not an object schema`)
    const required = new Set(schema.required ?? [])
    const fields = Object.entries(schema.properties).map(([key, field]) => {
      if (!GRAPHQL_NAME.test(key)) throw new Error(`${name}.${key}: not a GraphQL name`)
      const type = typeOf(field)
      return `  ${key}: ${kind === 'type' && required.has(key) ? type : stripNonNull(type)}`
    })
    return `${kind} ${name} {\n${fields.join('\n')}\n}`
  }

  /** The GraphQL type of a response field: non-null unless the schema allows null. */
  #outputType (field: JsonSchema): string {
    const inner = nullableInner(field)
    if (inner !== undefined) return stripNonNull(this.#outputType(inner))
    if (field.$ref !== undefined) return `${this.#named$ref(field.$ref, 'output')}!`
    // A union of resources (an event's data): JSON, whose shape the event's type names.
    if (field.anyOf !== undefined) return 'JSON!'
    if (field.type === 'array' && field.items !== undefined) return `[${this.#outputType(field.items)}]!`
    return `${scalarOf(field)}!`
  }

  #inputTypeOf (field: JsonSchema): string {
    const inner = nullableInner(field)
    if (inner !== undefined) return this.#inputTypeOf(inner)
    if (field.$ref !== undefined) return this.#named$ref(field.$ref, 'input')
    if (field.type === 'array' && field.items !== undefined) return `[${stripNonNull(this.#inputTypeOf(field.items))}!]`
    return scalarOf(field)
  }

  #named$ref (id: string, use: 'output' | 'input'): string {
    const schema = this.#named.get(id)
    if (schema === undefined) throw new Error(`$ref ${id}: not given to SdlRegistry`)
    if (schema.enum !== undefined) {
      const name = enumNameOf(id, schema.enum)
      if (name !== 'String' && !this.#rendered.has(id)) this.#rendered.set(id, enumType(id, schema.enum))
      return name
    }
    if (use === 'output') {
      if (!this.#rendered.has(id)) {
        // Set before rendering, so a type that refers back to itself ends.
        this.#rendered.set(id, '')
        this.#rendered.set(id, this.#object('type', id, schema, (field) => this.#outputType(field)))
      }
      return id
    }
    const inputName = `${id}Input`
    this.inputType(schema as TSchema, inputName)
    return inputName
  }
}

/** `T` of `T | null` (TypeBox's `anyOf: [T, { type: 'null' }]`), or undefined for any other schema. */
function nullableInner (field: JsonSchema): JsonSchema | undefined {
  if (field.anyOf?.length !== 2) return undefined
  const [first, second] = field.anyOf
  if (second?.type === 'null' && first !== undefined) return first
  if (first?.type === 'null' && second !== undefined) return second
  return undefined
}

function stripNonNull (type: string): string {
  return type.endsWith('!') ? type.slice(0, -1) : type
}

function scalarOf (field: JsonSchema): string {
  if (field.enum !== undefined) return 'String'
  switch (field.type) {
    case 'string': return field.format === 'uuid' ? 'ID' : 'String'
    case 'integer': return 'Int'
    case 'number': return 'Float'
    case 'boolean': return 'Boolean'
    default: throw new Error(`no GraphQL scalar for ${JSON.stringify(field)}`)
  }
}

/** Enums whose values are GraphQL names become GraphQL enums; others (`-created_at`) stay String, checked by the schema. */
function enumNameOf (id: string, values: unknown[]): string {
  return values.every((value) => typeof value === 'string' && GRAPHQL_NAME.test(value)) ? id : 'String'
}

function enumType (id: string, values: unknown[]): string {
  return `enum ${id} {\n${values.map((value) => `  ${String(value)}`).join('\n')}\n}`
}
