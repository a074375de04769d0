import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { etagOf, ifMatchVersions, notModified } from '#src/http/conditional.js'
import { codes } from '#src/errors/index.js'
import { withHeaders } from '#src/schemas/response-headers.js'
import { errorResponses, ref, TENANT_ERRORS, BODY_ERRORS } from '#src/schemas/index.js'
import { IfMatchHeaders, IfNoneMatchHeaders, NoContent, NotModified, resourceParams, TenantParams } from '#src/schemas/params.js'
import { CreateTaskBody, ReplaceTaskBody, TaskListQuery, TaskListResponse, TaskResponse, UpdateTaskBody } from '#src/schemas/tasks.js'
import { createTask, deleteTask, getTask, listTasks, replaceTask, updateTask } from '#src/services/tasks.js'

const tags = ['tasks']
const TaskParams = resourceParams('task_id')

const tasks: FastifyPluginAsyncTypebox = async (app) => {
  app.get('', {
    schema: {
      operationId: 'listTasks',
      summary: 'Tasks of the tenant, filtered, sorted and paginated',
      description: 'Filter by status, assignee and due date; sort by due date, priority or creation time; pages of up to 100 with the total.',
      tags,
      params: TenantParams,
      querystring: TaskListQuery,
      response: { 200: ref(TaskListResponse), ...errorResponses(...TENANT_ERRORS) }
    }
  }, async (request) => {
    const page = await listTasks(app.db, request.auth, request.query)
    return { data: page.items, meta: page.meta, error: null }
  })

  app.post('', {
    schema: {
      operationId: 'createTask',
      summary: 'Create a task (members and above); the assignee must be a member of the tenant',
      description: 'Creates a task, optionally assigned to a member of the tenant and due at an instant. Members and above.',
      tags,
      params: TenantParams,
      body: ref(CreateTaskBody),
      response: { 201: withHeaders(ref(TaskResponse), 'Location', 'ETag'), ...errorResponses(...TENANT_ERRORS, ...BODY_ERRORS, codes.FORBIDDEN) }
    }
  }, async (request, reply) => {
    const task = await createTask(app.db, request.auth, request.body)
    reply.code(201)
      .header('location', `/api/v1/tenants/${request.params.tenant_id}/tasks/${task.id}`)
      .header('etag', etagOf(task.version))
    return { data: task, error: null }
  })

  app.get('/:task_id', {
    schema: {
      operationId: 'getTask',
      summary: 'One task, with a strong ETag',
      description: 'One task. Send its ETag as If-None-Match to get 304 when it has not changed.',
      tags,
      params: TaskParams,
      headers: IfNoneMatchHeaders,
      response: { 200: withHeaders(ref(TaskResponse), 'ETag'), 304: withHeaders(NotModified, 'ETag'), ...errorResponses(...TENANT_ERRORS, codes.TASK_NOT_FOUND) }
    }
  }, async (request, reply) => {
    const task = await getTask(app.db, request.auth, request.params.task_id)
    if (notModified(request, reply, task.version)) return reply.send()
    return { data: task, error: null }
  })

  app.put('/:task_id', {
    schema: {
      operationId: 'replaceTask',
      summary: 'Replace a task: absent nullable fields become null (its creator, or an admin)',
      description: 'Replaces every field: those left out are reset (nullable ones to null). With If-Match, only at that version (else 412). Its creator, or an admin.',
      tags,
      params: TaskParams,
      headers: IfMatchHeaders,
      body: ref(ReplaceTaskBody),
      response: { 200: withHeaders(ref(TaskResponse), 'ETag'), ...errorResponses(...TENANT_ERRORS, ...BODY_ERRORS, codes.FORBIDDEN, codes.TASK_NOT_FOUND, codes.PRECONDITION_FAILED) }
    }
  }, async (request, reply) => {
    const task = await replaceTask(app.db, request.auth, request.params.task_id, request.body, ifMatchVersions(request))
    reply.header('etag', etagOf(task.version))
    return { data: task, error: null }
  })

  app.patch('/:task_id', {
    schema: {
      operationId: 'updateTask',
      summary: 'Change some fields of a task (its creator, or an admin)',
      description: 'Changes the fields sent and keeps the others. With If-Match, only at that version (else 412). Its creator, or an admin.',
      tags,
      params: TaskParams,
      headers: IfMatchHeaders,
      body: ref(UpdateTaskBody),
      response: { 200: withHeaders(ref(TaskResponse), 'ETag'), ...errorResponses(...TENANT_ERRORS, ...BODY_ERRORS, codes.FORBIDDEN, codes.TASK_NOT_FOUND, codes.PRECONDITION_FAILED) }
    }
  }, async (request, reply) => {
    const task = await updateTask(app.db, request.auth, request.params.task_id, request.body, ifMatchVersions(request))
    reply.header('etag', etagOf(task.version))
    return { data: task, error: null }
  })

  app.delete('/:task_id', {
    schema: {
      operationId: 'deleteTask',
      summary: 'Delete a task (its creator, or an admin)',
      description: 'Deletes the task. With If-Match, only at that version (else 412). Its creator, or an admin.',
      tags,
      params: TaskParams,
      headers: IfMatchHeaders,
      response: { 204: NoContent, ...errorResponses(...TENANT_ERRORS, codes.FORBIDDEN, codes.TASK_NOT_FOUND, codes.PRECONDITION_FAILED) }
    }
  }, async (request, reply) => {
    await deleteTask(app.db, request.auth, request.params.task_id, ifMatchVersions(request))
    return await reply.code(204).send(null)
  })
}

export default tasks
