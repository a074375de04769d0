import { GraphQLError, Kind, NoSchemaIntrospectionCustomRule, type ASTNode, type FieldNode, type FragmentDefinitionNode, type SelectionSetNode, type ValidationContext, type ValidationRule } from 'graphql'
import { errors, type ErrorParams } from '../errors/index.js'

export interface QueryLimits {
  /** Fields nested in fields, counted from the operation (introspection's __ fields not counted). */
  maxDepth: number
  /** Aliased fields in the whole document: the cheap way to ask for one field many times. */
  maxAliases: number
  /** Each field costs 1, times the page size of every list field above it (page_size or limit, else REST's default). */
  maxCost: number
  introspection: boolean
}

const MAX_PAGE_SIZE = 100
/**
 * Fields that return a page: their children are paid for once per item, the argument that sizes
 * the page, and REST's default size. An order's lines are not multiplied: at most 100 per order,
 * loaded for the whole page in one query.
 */
const PAGED_FIELDS = new Map([
  ['members', { argument: 'page_size', fallback: 25 }],
  ['products', { argument: 'page_size', fallback: 25 }],
  ['locations', { argument: 'page_size', fallback: 25 }],
  ['tasks', { argument: 'page_size', fallback: 25 }],
  ['orders', { argument: 'limit', fallback: 50 }]
])

type Reason = 'tooDeep' | 'tooManyAliases' | 'tooComplex'

/** A validation error that carries its AppError, so the error formatter gives the catalogue's code and message. */
function limitError (reason: Reason, params: ErrorParams, node: ASTNode): GraphQLError {
  const appError = errors.GRAPHQL_INVALID({ reason, params })
  return new GraphQLError(appError.message, { nodes: [node], originalError: appError })
}

/** Depth and cost of a selection set, following fragments (each fragment at most once per path, so cycles end). */
function measure (selectionSet: SelectionSetNode, fragments: Map<string, FragmentDefinitionNode>, seen: ReadonlySet<string>): { depth: number, cost: number } {
  let depth = 0
  let cost = 0
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.FIELD) {
      if (selection.name.value.startsWith('__')) continue
      const inner = selection.selectionSet === undefined ? { depth: 0, cost: 0 } : measure(selection.selectionSet, fragments, seen)
      depth = Math.max(depth, 1 + inner.depth)
      cost += 1 + inner.cost * multiplierOf(selection)
    } else {
      const fragment = selection.kind === Kind.FRAGMENT_SPREAD ? fragments.get(selection.name.value) : selection
      if (fragment === undefined) continue
      const name = selection.kind === Kind.FRAGMENT_SPREAD ? selection.name.value : undefined
      if (name !== undefined && seen.has(name)) continue
      const inner = measure(fragment.selectionSet, fragments, name === undefined ? seen : new Set([...seen, name]))
      depth = Math.max(depth, inner.depth)
      cost += inner.cost
    }
  }
  return { depth, cost }
}

function multiplierOf (field: FieldNode): number {
  const paged = PAGED_FIELDS.get(field.name.value)
  if (paged === undefined) return 1
  const argument = field.arguments?.find((arg) => arg.name.value === paged.argument)?.value
  if (argument?.kind === Kind.INT) return Number(argument.value)
  // A variable's value is not known while validating (the result is cached per query text): the most a page may hold.
  if (argument?.kind === Kind.VARIABLE) return MAX_PAGE_SIZE
  return paged.fallback
}

function countAliases (context: ValidationContext): number {
  let aliases = 0
  const visit = (selectionSet: SelectionSetNode | undefined): void => {
    for (const selection of selectionSet?.selections ?? []) {
      if (selection.kind === Kind.FIELD && selection.alias !== undefined) aliases++
      if (selection.kind !== Kind.FRAGMENT_SPREAD) visit(selection.selectionSet)
    }
  }
  for (const definition of context.getDocument().definitions) {
    if (definition.kind === Kind.OPERATION_DEFINITION || definition.kind === Kind.FRAGMENT_DEFINITION) visit(definition.selectionSet)
  }
  return aliases
}

/**
 * Validation rules run before anything executes (and cached by mercurius per query text): a
 * document over any limit is refused with GRAPHQL_INVALID and the reason, and no resolver runs.
 */
export function limitRules (limits: QueryLimits): ValidationRule[] {
  const bounded: ValidationRule = (context) => {
    const document = context.getDocument()
    const fragments = new Map<string, FragmentDefinitionNode>()
    for (const definition of document.definitions) {
      if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition)
    }
    const aliases = countAliases(context)
    if (aliases > limits.maxAliases) context.reportError(limitError('tooManyAliases', { count: aliases, max: limits.maxAliases }, document))
    for (const definition of document.definitions) {
      if (definition.kind !== Kind.OPERATION_DEFINITION) continue
      const { depth, cost } = measure(definition.selectionSet, fragments, new Set())
      if (depth > limits.maxDepth) context.reportError(limitError('tooDeep', { depth, max: limits.maxDepth }, definition))
      else if (cost > limits.maxCost) context.reportError(limitError('tooComplex', { cost, max: limits.maxCost }, definition))
    }
    return {}
  }
  return limits.introspection ? [bounded] : [bounded, NoSchemaIntrospectionCustomRule]
}
