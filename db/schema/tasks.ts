import type { Generated, Insertable, Selectable, Updateable } from 'kysely'
import type { Timestamp } from './columns.js'

export const taskStatuses = ['pending', 'in_progress', 'completed'] as const
export type TaskStatus = typeof taskStatuses[number]
export const taskPriorities = ['low', 'medium', 'high'] as const
export type TaskPriority = typeof taskPriorities[number]

export interface TasksTable {
  id: string
  tenant_id: string
  title: string
  description: string | null
  status: TaskStatus
  priority: TaskPriority
  /** Generated from priority (low 1, medium 2, high 3), for sorting. */
  priority_rank: Generated<number>
  due_date: Timestamp | null
  assignee_id: string | null
  created_by: string | null
  version: Generated<number>
  created_at: Generated<Timestamp>
  updated_at: Generated<Timestamp>
}

export type TaskRow = Selectable<TasksTable>
export type NewTask = Insertable<TasksTable>
export type TaskUpdate = Updateable<TasksTable>
