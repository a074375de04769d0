import { Type, type Static } from 'typebox'
import { taskPriorities, taskStatuses } from '#db/schema/tasks.js'
import { dataEnvelope, pageEnvelope } from './envelope.js'
import { DateTimeInput, dateTimeInput, nullable, Timestamp, Uuid } from './fields.js'
import { PageQuery } from './params.js'
import { ref } from './ref.js'

export const TaskStatus = Type.Enum(taskStatuses, { $id: 'TaskStatus' })
export const TaskPriority = Type.Enum(taskPriorities, { $id: 'TaskPriority', description: 'Sorted high > medium > low.' })

export const defaultTaskStatus = 'pending' satisfies Static<typeof TaskStatus>
export const defaultTaskPriority = 'medium' satisfies Static<typeof TaskPriority>

const Title = Type.String({ minLength: 1, maxLength: 200 })
const Description = Type.String({ maxLength: 5000 })
const Assignee = Type.String({ format: 'uuid', maxLength: 36, description: 'A member of the tenant (user id); null for nobody.' })

export const Task = Type.Object({
  id: Uuid,
  title: Type.String(),
  description: nullable(Type.String()),
  status: ref(TaskStatus),
  priority: ref(TaskPriority),
  due_date: nullable(Timestamp),
  assignee_id: nullable(Uuid),
  created_by: nullable(Uuid),
  created_at: Timestamp,
  updated_at: Timestamp
}, { $id: 'Task', additionalProperties: false })
export type Task = Static<typeof Task>

export const CreateTaskBody = Type.Object({
  title: Title,
  description: Type.Optional(nullable(Description)),
  status: Type.Optional(ref(TaskStatus)),
  priority: Type.Optional(ref(TaskPriority)),
  due_date: Type.Optional(nullable(DateTimeInput)),
  assignee_id: Type.Optional(nullable(Assignee))
}, { $id: 'CreateTaskRequest', additionalProperties: false, description: `status defaults to ${defaultTaskStatus}, priority to ${defaultTaskPriority}; the others to null.` })
export type CreateTaskBody = Static<typeof CreateTaskBody>

export const ReplaceTaskBody = Type.Object({
  title: Title,
  description: Type.Optional(nullable(Description)),
  status: ref(TaskStatus),
  priority: ref(TaskPriority),
  due_date: Type.Optional(nullable(DateTimeInput)),
  assignee_id: Type.Optional(nullable(Assignee))
}, { $id: 'ReplaceTaskRequest', additionalProperties: false, description: 'The whole task: title, status and priority are required; description, due_date and assignee_id are null when absent.' })
export type ReplaceTaskBody = Static<typeof ReplaceTaskBody>

export const UpdateTaskBody = Type.Object({
  title: Type.Optional(Title),
  description: Type.Optional(nullable(Description)),
  status: Type.Optional(ref(TaskStatus)),
  priority: Type.Optional(ref(TaskPriority)),
  due_date: Type.Optional(nullable(DateTimeInput)),
  assignee_id: Type.Optional(nullable(Assignee))
}, { $id: 'UpdateTaskRequest', additionalProperties: false, minProperties: 1, description: 'Absent keys are left alone; null clears a nullable field.' })
export type UpdateTaskBody = Static<typeof UpdateTaskBody>

export const taskSorts = ['due_date', '-due_date', 'priority', '-priority', 'created_at', '-created_at'] as const

export const TaskListQuery = Type.Object({
  status: Type.Optional(ref(TaskStatus)),
  priority: Type.Optional(ref(TaskPriority)),
  assignee_id: Type.Optional(Uuid),
  due_before: Type.Optional(Type.String({ ...dateTimeInput, description: 'Tasks due before this instant (exclusive).' })),
  due_after: Type.Optional(Type.String({ ...dateTimeInput, description: 'Tasks due at or after this instant (inclusive).' })),
  overdue: Type.Optional(Type.Boolean({ description: 'true: due_date has passed and status is not completed. false: every other task, including those without a due date.' })),
  sort: Type.Optional(Type.Enum(taskSorts, { description: 'A field, descending with a leading "-". Default -created_at. priority sorts low < medium < high. Tasks without a due date come last in both directions of due_date.' })),
  ...PageQuery
}, { additionalProperties: false })
export type TaskListQuery = Static<typeof TaskListQuery>

export const TaskResponse = dataEnvelope('TaskResponse', ref(Task))
export const TaskListResponse = pageEnvelope('TaskListResponse', ref(Task))

export const taskSchemas = [TaskStatus, TaskPriority, Task, CreateTaskBody, ReplaceTaskBody, UpdateTaskBody, TaskResponse, TaskListResponse]
