import { sql } from 'kysely'
import type { Db, NewTask, TaskPriority, TaskStatus, TaskUpdate, Trx } from '../schema/index.js'
import type { TenantScope } from '../tenant-scope.js'
import type { SortOrder } from './search.js'
import { guardCondition, nextVersion, type WriteGuard, type WriteTarget } from './write-guard.js'

export const taskColumns = [
  'id', 'title', 'description', 'status', 'priority', 'due_date', 'assignee_id',
  'created_by', 'created_at', 'updated_at', 'version'
] as const

export interface TaskFilters {
  status?: TaskStatus | undefined
  priority?: TaskPriority | undefined
  assignee_id?: string | undefined
  /** Exclusive. */
  due_before?: string | undefined
  /** Inclusive. */
  due_after?: string | undefined
  /** true: past due and not completed; false: every other task, with or without a due date. */
  overdue?: boolean | undefined
}

export type TaskSort = SortOrder<'due_date' | 'priority' | 'created_at'>

/** priority sorts on the generated rank (low 1, medium 2, high 3), which its index covers. */
const sortColumns = { due_date: 'due_date', priority: 'priority_rank', created_at: 'created_at' } as const

function scoped (db: Db, scope: TenantScope) {
  return db.selectFrom('tasks').where('tenant_id', '=', scope.tenantId)
}

function filtered (db: Db, scope: TenantScope, filters: TaskFilters) {
  let query = scoped(db, scope)
  if (filters.status !== undefined) query = query.where('status', '=', filters.status)
  if (filters.priority !== undefined) query = query.where('priority', '=', filters.priority)
  if (filters.assignee_id !== undefined) query = query.where('assignee_id', '=', filters.assignee_id)
  if (filters.due_before !== undefined) query = query.where('due_date', '<', filters.due_before)
  if (filters.due_after !== undefined) query = query.where('due_date', '>=', filters.due_after)
  if (filters.overdue === true) query = query.where('due_date', '<', sql<string>`now()`).where('status', '!=', 'completed')
  if (filters.overdue === false) {
    query = query.where((eb) => eb.or([eb('due_date', 'is', null), eb('due_date', '>=', sql<string>`now()`), eb('status', '=', 'completed')]))
  }
  return query
}

export async function insertTask (db: Db, scope: TenantScope, task: Omit<NewTask, 'tenant_id'>) {
  return await db.insertInto('tasks').values({ ...task, tenant_id: scope.tenantId }).returning(taskColumns).executeTakeFirstOrThrow()
}

export async function findTask (db: Db, scope: TenantScope, id: string) {
  return await scoped(db, scope).select(taskColumns).where('id', '=', id).executeTakeFirst()
}

/** The task's assignee and status, its row locked until the transaction ends. */
export async function findTaskForUpdate (trx: Trx, scope: TenantScope, id: string) {
  return await scoped(trx, scope).select(['assignee_id', 'status']).where('id', '=', id).forUpdate().executeTakeFirst()
}

export async function findTaskWriteTarget (db: Db, scope: TenantScope, id: string): Promise<WriteTarget | undefined> {
  return await scoped(db, scope).select(['created_by', 'version']).where('id', '=', id).executeTakeFirst()
}

/**
 * Tasks without a due date sort last in both directions, so `nulls last` is explicit; the indexes
 * (tenant_id, due_date, id) and (tenant_id, due_date desc nulls last, id desc) serve each direction.
 */
export async function listTasks (db: Db, scope: TenantScope, filters: TaskFilters, sort: TaskSort, window: { limit: number, offset: number }) {
  const column = sortColumns[sort.field]
  return await filtered(db, scope, filters)
    .select(taskColumns)
    .orderBy(column, (order) => {
      const directed = sort.direction === 'asc' ? order.asc() : order.desc()
      return column === 'due_date' ? directed.nullsLast() : directed
    })
    .orderBy('id', sort.direction)
    .limit(window.limit).offset(window.offset)
    .execute()
}

export async function countTasks (db: Db, scope: TenantScope, filters: TaskFilters): Promise<number> {
  const row = await filtered(db, scope, filters).select((eb) => eb.fn.countAll<number>().as('count')).executeTakeFirstOrThrow()
  return row.count
}

/** Applies `changes` when the guard holds; undefined when no row matched (missing, or guard failed). */
export async function updateTask (db: Db, scope: TenantScope, id: string, changes: TaskUpdate, guard: WriteGuard) {
  return await db.updateTable('tasks')
    .set({ ...changes, ...nextVersion })
    .where('tenant_id', '=', scope.tenantId).where('id', '=', id).where(guardCondition(guard))
    .returning(taskColumns)
    .executeTakeFirst()
}

export async function deleteTask (db: Db, scope: TenantScope, id: string, guard: WriteGuard): Promise<boolean> {
  const result = await db.deleteFrom('tasks')
    .where('tenant_id', '=', scope.tenantId).where('id', '=', id).where(guardCondition(guard))
    .executeTakeFirst()
  return result.numDeletedRows > 0n
}
