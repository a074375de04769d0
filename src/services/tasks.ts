import { countTasks, deleteTask as deleteTaskRow, findTask, findTaskForUpdate, findTaskWriteTarget, insertTask, listTasks as listTaskRows, updateTask as updateTaskRow } from '#db/queries/tasks.js'
import type { Db, TaskUpdate } from '#db/schema/index.js'
import { uuidv7 } from '#db/ids.js'
import { constraints, isForeignKeyViolation } from '#db/postgres-errors.js'
import { errors, fieldError } from '../errors/index.js'
import { defaultTaskPriority, defaultTaskStatus, type CreateTaskBody, type ReplaceTaskBody, type Task, type TaskListQuery, type UpdateTaskBody } from '../schemas/tasks.js'
import { requireRole, scopeOf, type AuthContext } from './auth-context.js'
import { recordChanges, type Change } from './events.js'
import { fetchPage, parseSort, type Page } from './pagination.js'
import { rejectedWrite, writeGuardFor } from './writes.js'

/** A task as stored: the API shape plus the version its ETag is made from. */
export type TaskRecord = Task & { version: number }

/** The foreign key (tenant_id, assignee_id) -> memberships refused the assignee. */
function assigneeNotMember (error: unknown): never {
  if (isForeignKeyViolation(error, constraints.tasksAssigneeMembership)) throw errors.INVALID_INPUT({ details: [fieldError('/assignee_id', 'notAMember')] })
  throw error
}

export async function createTask (db: Db, auth: AuthContext, input: CreateTaskBody): Promise<TaskRecord> {
  requireRole(auth, 'member')
  return await db.transaction().execute(async (trx) => {
    const task = await insertTask(trx, scopeOf(auth), {
      id: uuidv7(),
      title: input.title,
      description: input.description ?? null,
      status: input.status ?? defaultTaskStatus,
      priority: input.priority ?? defaultTaskPriority,
      due_date: input.due_date ?? null,
      assignee_id: input.assignee_id ?? null,
      created_by: auth.userId
    }).catch(assigneeNotMember)
    await recordChanges(trx, auth, [{ type: 'task.created', resource: task }])
    return task
  })
}

export async function getTask (db: Db, auth: AuthContext, id: string): Promise<TaskRecord> {
  const task = await findTask(db, scopeOf(auth), id)
  if (task === undefined) throw errors.TASK_NOT_FOUND()
  return task
}

export async function listTasks (db: Db, auth: AuthContext, query: TaskListQuery): Promise<Page<TaskRecord>> {
  const scope = scopeOf(auth)
  const { page, page_size: pageSize, sort, ...filters } = query
  return await fetchPage({ page, page_size: pageSize },
    async (window) => await listTaskRows(db, scope, filters, parseSort(sort, '-created_at'), window),
    async () => await countTasks(db, scope, filters))
}

async function writeTask (db: Db, auth: AuthContext, id: string, changes: TaskUpdate, versions: number[] | undefined): Promise<TaskRecord> {
  const guard = writeGuardFor(auth, versions)
  const scope = scopeOf(auth)
  const updated = await db.transaction().execute(async (trx) => {
    // The row before the change, locked, so the events can say what changed.
    const before = await findTaskForUpdate(trx, scope, id)
    if (before === undefined) return undefined
    const row = await updateTaskRow(trx, scope, id, changes, guard).catch(assigneeNotMember)
    if (row === undefined) return undefined
    const recorded: Change[] = [{ type: 'task.updated', resource: row }]
    if (row.assignee_id !== null && row.assignee_id !== before.assignee_id) recorded.push({ type: 'task.assigned', resource: row })
    if (row.status === 'completed' && before.status !== 'completed') recorded.push({ type: 'task.completed', resource: row })
    await recordChanges(trx, auth, recorded)
    return row
  })
  if (updated !== undefined) return updated
  throw rejectedWrite(errors.TASK_NOT_FOUND, await findTaskWriteTarget(db, scope, id), auth, versions)
}

/** PATCH: absent keys stay as they are, null clears a nullable field. */
export async function updateTask (db: Db, auth: AuthContext, id: string, changes: UpdateTaskBody, versions?: number[]): Promise<TaskRecord> {
  return await writeTask(db, auth, id, changes, versions)
}

/** PUT: the body is the whole task; an absent description, due_date or assignee_id becomes null. */
export async function replaceTask (db: Db, auth: AuthContext, id: string, input: ReplaceTaskBody, versions?: number[]): Promise<TaskRecord> {
  return await writeTask(db, auth, id, {
    title: input.title,
    description: input.description ?? null,
    status: input.status,
    priority: input.priority,
    due_date: input.due_date ?? null,
    assignee_id: input.assignee_id ?? null
  }, versions)
}

export async function deleteTask (db: Db, auth: AuthContext, id: string, versions?: number[]): Promise<void> {
  const guard = writeGuardFor(auth, versions)
  const scope = scopeOf(auth)
  const deleted = await db.transaction().execute(async (trx) => {
    const gone = await deleteTaskRow(trx, scope, id, guard)
    if (gone) await recordChanges(trx, auth, [{ type: 'task.deleted', resource: { id } }])
    return gone
  })
  if (!deleted) throw rejectedWrite(errors.TASK_NOT_FOUND, await findTaskWriteTarget(db, scope, id), auth, versions)
}
