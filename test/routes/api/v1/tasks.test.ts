import { randomUUID } from 'node:crypto'
import { before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import type { Task } from '#src/schemas/tasks.js'
import { useTestApp } from '#test/helpers/app.js'
import { bearer, registerUser, tenantWithRoles, type TestSession } from '#test/helpers/identity.js'
import { errorFields, requester } from '#test/helpers/requests.js'

const DAY = 86_400_000

describe('/api/v1/tenants/{tenant_id}/tasks', () => {
  const context = useTestApp()
  const call = requester(() => context.app)
  const tasksUrl = (session: TestSession) => `/api/v1/tenants/${session.tenant.id}/tasks`
  const row = async (id: string) => await context.app.db.selectFrom('tasks').selectAll().where('id', '=', id).executeTakeFirst()
  const countIn = async (tenantId: string) => (await context.app.db.selectFrom('tasks').select('id').where('tenant_id', '=', tenantId).execute()).length

  async function create (session: TestSession, payload: Record<string, unknown> = {}): Promise<Task> {
    const response = await call('POST', tasksUrl(session), session, { payload: { title: 'Count the till', ...payload } })
    assert.equal(response.statusCode, 201, response.body)
    return response.json().data
  }

  /** Adds a newly registered user to `owner`'s tenant with `role`; returns the user's id. */
  async function addMember (owner: TestSession, role = 'member'): Promise<string> {
    const user = await registerUser(context.app)
    const added = await context.app.inject({ method: 'POST', url: `/api/v1/tenants/${owner.tenant.id}/members`, headers: bearer(owner), payload: { email: user.user.email, role } })
    assert.equal(added.statusCode, 201, added.body)
    return user.user.id
  }

  let roles: Awaited<ReturnType<typeof tenantWithRoles>>
  before(async () => { roles = await tenantWithRoles(context.app) })

  test('POST creates: 201 with Location and ETag; defaults; due dates come back in UTC', async () => {
    const created = await call('POST', tasksUrl(roles.member), roles.member, {
      payload: { title: 'Restock shelves', description: 'Aisle 4', status: 'in_progress', priority: 'high', due_date: '2026-12-01T10:00:00.5+02:00', assignee_id: roles.guest.user.id }
    })
    assert.equal(created.statusCode, 201)
    const task = created.json().data
    assert.equal(created.headers.location, `${tasksUrl(roles.member)}/${task.id}`)
    assert.equal(created.headers.etag, '"1"')
    assert.deepEqual(
      [task.title, task.description, task.status, task.priority, task.due_date, task.assignee_id, task.created_by],
      ['Restock shelves', 'Aisle 4', 'in_progress', 'high', '2026-12-01T08:00:00.500Z', roles.guest.user.id, roles.member.user.id]
    )
    assert.equal(task.priority_rank, undefined)
    assert.equal(task.version, undefined)

    const read = await call('GET', created.headers.location as string, roles.guest)
    assert.equal(read.statusCode, 200)
    assert.equal(read.headers.etag, '"1"')
    assert.deepEqual(read.json(), { data: task, error: null })

    const minimal = await create(roles.member)
    assert.deepEqual([minimal.status, minimal.priority, minimal.description, minimal.due_date, minimal.assignee_id], ['pending', 'medium', null, null, null])
  })

  test('bad input is 422 with a detail per field, and nothing is stored', async () => {
    const owner = await registerUser(context.app)
    const cases: Array<[Record<string, unknown>, string[]]> = [
      [{}, ['/title']],
      [{ title: '', description: 'd'.repeat(5001), status: 'done', priority: 'urgent', assignee_id: 'bob', created_by: owner.user.id },
        ['/assignee_id', '/created_by', '/description', '/priority', '/status', '/title']],
      [{ title: 't'.repeat(201), status: null, priority: 3, description: 7 }, ['/description', '/priority', '/status', '/title']],
      [{ title: 'x', due_date: 'tomorrow' }, ['/due_date']],
      [{ title: 'x', due_date: '2026-12-01T10:00:00' }, ['/due_date']],
      [{ title: 'x', due_date: '2026-02-30T10:00:00Z' }, ['/due_date']],
      [{ title: 'x', due_date: '0000-01-01T00:00:00Z' }, ['/due_date']],
      [{ title: 'x', due_date: '9999-12-31T23:59:59.9999Z' }, ['/due_date']],
      [{ title: 'x', due_date: '2026-12-01T10:00:00+16:00' }, ['/due_date']],
      [{ title: 'x', due_date: 1764583200000 }, ['/due_date']]
    ]
    for (const [payload, fields] of cases) {
      const response = await call('POST', tasksUrl(owner), owner, { payload })
      assert.equal(response.statusCode, 422, JSON.stringify(payload))
      assert.equal(response.json().error.code, 'INVALID_INPUT')
      assert.deepEqual(errorFields(response), fields, JSON.stringify(payload))
    }
    assert.equal(await countIn(owner.tenant.id), 0)
    for (const method of ['GET', 'PUT', 'PATCH', 'DELETE'] as const) {
      const response = await call(method, `${tasksUrl(owner)}/nope`, owner, method === 'PATCH' || method === 'PUT' ? { payload: { title: 'x', status: 'pending', priority: 'low' } } : {})
      assert.equal(response.statusCode, 422, method)
      assert.deepEqual(errorFields(response), ['/task_id'])
    }
  })

  test('the assignee must be a member of the tenant: 422 on create, PATCH and PUT, nothing changed', async () => {
    const outsider = await registerUser(context.app)
    for (const assignee of [randomUUID(), outsider.user.id]) {
      const response = await call('POST', tasksUrl(roles.member), roles.member, { payload: { title: 'Nobody', assignee_id: assignee } })
      assert.equal(response.statusCode, 422)
      assert.deepEqual(response.json().error.details, [{ field: '/assignee_id', message: 'is not a member of this tenant' }])
    }
    assert.equal((await context.app.db.selectFrom('tasks').select('id').where('title', '=', 'Nobody').execute()).length, 0)

    const task = await create(roles.member, { assignee_id: roles.admin.user.id })
    const url = `${tasksUrl(roles.member)}/${task.id}`
    const patched = await call('PATCH', url, roles.member, { payload: { assignee_id: outsider.user.id, title: 'Changed' } })
    assert.equal(patched.statusCode, 422)
    assert.deepEqual(errorFields(patched), ['/assignee_id'])
    const put = await call('PUT', url, roles.member, { payload: { title: 'Changed', status: 'pending', priority: 'low', assignee_id: randomUUID() } })
    assert.equal(put.statusCode, 422)
    assert.deepEqual(errorFields(put), ['/assignee_id'])
    const stored = await row(task.id)
    assert.deepEqual([stored?.title, stored?.assignee_id, stored?.version], ['Count the till', roles.admin.user.id, 1])

    const reassigned = await call('PATCH', url, roles.member, { payload: { assignee_id: roles.owner.user.id } })
    assert.equal(reassigned.json().data.assignee_id, roles.owner.user.id)
  })

  test('removing a member unassigns their tasks and changes their ETags', async () => {
    const leaverId = await addMember(roles.owner)
    const assigned = await create(roles.member, { assignee_id: leaverId, title: 'Assigned to a leaver' })
    const other = await create(roles.member, { assignee_id: roles.admin.user.id })
    const url = `${tasksUrl(roles.member)}/${assigned.id}`

    assert.equal((await call('DELETE', `/api/v1/tenants/${roles.owner.tenant.id}/members/${leaverId}`, roles.admin)).statusCode, 204)
    const stored = await row(assigned.id)
    assert.deepEqual([stored?.assignee_id, stored?.version, stored?.title], [null, 2, 'Assigned to a leaver'])
    assert.equal((await row(other.id))?.assignee_id, roles.admin.user.id)
    const reread = await call('GET', url, roles.member, { headers: { 'if-none-match': '"1"' } })
    assert.equal(reread.statusCode, 200)
    assert.equal(reread.headers.etag, '"2"')
    assert.equal(reread.json().data.assignee_id, null)
    // The former member can no longer be assigned.
    assert.equal((await call('PATCH', url, roles.member, { payload: { assignee_id: leaverId } })).statusCode, 422)
  })

  describe('lists', () => {
    let owner: TestSession
    let assigneeId: string
    let now: number
    const tasks: Record<string, Task> = {}
    const titles = async (query: string) => {
      const response = await call('GET', `${tasksUrl(owner)}?${query}`, owner)
      assert.equal(response.statusCode, 200, `${query}: ${response.body}`)
      return response.json().data.map((task: Task) => task.title)
    }
    /** Titles in groups; inside a group (equal sort keys) the id breaks the tie in the same direction. */
    const tied = (direction: 'asc' | 'desc', ...groups: string[][]) => groups.flatMap((group) => group
      .map((title) => tasks[title] as Task)
      .sort((a, b) => direction === 'asc' ? a.id.localeCompare(b.id) : b.id.localeCompare(a.id))
      .map((task) => task.title))
    const iso = (offset: number) => new Date(now + offset).toISOString()

    before(async () => {
      owner = await registerUser(context.app)
      assigneeId = await addMember(owner)
      now = Date.now()
      const seed: Array<Record<string, unknown>> = [
        { title: 'A past pending', priority: 'high', due_date: iso(-2 * DAY) },
        { title: 'B past completed', status: 'completed', priority: 'low', due_date: iso(-DAY) },
        { title: 'C soon', status: 'in_progress', due_date: iso(DAY), assignee_id: assigneeId },
        { title: 'D undated high', priority: 'high', assignee_id: assigneeId },
        { title: 'E undated done', status: 'completed', priority: 'low' },
        { title: 'F later', due_date: iso(10 * DAY) }
      ]
      const start = Date.parse('2026-01-01T00:00:00.000Z')
      for (const [index, payload] of seed.entries()) {
        const task = await create(owner, payload)
        tasks[task.title] = task
        await context.app.db.updateTable('tasks').set({ created_at: new Date(start + index * 60_000).toISOString() }).where('id', '=', task.id).execute()
      }
    })

    test('an empty tenant lists [] with total 0', async () => {
      const empty = await registerUser(context.app)
      assert.deepEqual((await call('GET', tasksUrl(empty), empty)).json(), { data: [], meta: { page: 1, page_size: 25, total: 0, total_pages: 0 }, error: null })
    })

    test('sort by created_at (default descending) and by priority, high > medium > low', async () => {
      const oldestFirst = ['A past pending', 'B past completed', 'C soon', 'D undated high', 'E undated done', 'F later']
      assert.deepEqual(await titles(''), [...oldestFirst].reverse())
      assert.deepEqual(await titles('sort=-created_at'), [...oldestFirst].reverse())
      assert.deepEqual(await titles('sort=created_at'), oldestFirst)
      const low = ['B past completed', 'E undated done']
      const medium = ['C soon', 'F later']
      const high = ['A past pending', 'D undated high']
      assert.deepEqual(await titles('sort=priority'), tied('asc', low, medium, high))
      assert.deepEqual(await titles('sort=-priority'), tied('desc', high, medium, low))
    })

    test('sort by due_date: tasks without a due date come last in both directions', async () => {
      const undated = ['D undated high', 'E undated done']
      assert.deepEqual(await titles('sort=due_date'), ['A past pending', 'B past completed', 'C soon', 'F later', ...tied('asc', undated)])
      assert.deepEqual(await titles('sort=-due_date'), ['F later', 'C soon', 'B past completed', 'A past pending', ...tied('desc', undated)])
      assert.deepEqual(await titles('status=pending&sort=due_date'), ['A past pending', 'F later', 'D undated high'])
    })

    test('filters: status, priority, assignee_id, due_before (exclusive), due_after (inclusive)', async () => {
      assert.deepEqual(await titles('status=pending'), ['F later', 'D undated high', 'A past pending'])
      assert.deepEqual(await titles('status=in_progress'), ['C soon'])
      assert.deepEqual(await titles('status=completed&sort=created_at'), ['B past completed', 'E undated done'])
      assert.deepEqual(await titles('priority=high'), ['D undated high', 'A past pending'])
      assert.deepEqual(await titles('priority=medium&status=pending'), ['F later'])
      assert.deepEqual(await titles(`assignee_id=${assigneeId}`), ['D undated high', 'C soon'])
      assert.deepEqual(await titles(`assignee_id=${randomUUID()}`), [])
      assert.deepEqual(await titles(`due_before=${iso(0)}&sort=due_date`), ['A past pending', 'B past completed'])
      assert.deepEqual(await titles(`due_after=${iso(0)}&sort=due_date`), ['C soon', 'F later'])
      const b = tasks['B past completed']?.due_date as string
      const c = tasks['C soon']?.due_date as string
      assert.deepEqual(await titles(`due_after=${b}&due_before=${c}`), ['B past completed'])
      assert.deepEqual(await titles(`due_after=${encodeURIComponent(new Date(Date.parse(b) + 3_600_000).toISOString().replace('Z', '+01:00'))}&due_before=${c}`), ['B past completed'])
    })

    test('overdue=true: past due and not completed; overdue=false: every other task', async () => {
      assert.deepEqual(await titles('overdue=true'), ['A past pending'])
      assert.deepEqual(await titles('overdue=false'), ['F later', 'E undated done', 'D undated high', 'C soon', 'B past completed'])
      assert.deepEqual(await titles('overdue=false&status=pending'), ['F later', 'D undated high'])
      const total = async (query: string) => (await call('GET', `${tasksUrl(owner)}?${query}`, owner)).json().meta.total
      assert.equal(await total('overdue=true') + await total('overdue=false'), await total(''))
    })

    test('pagination: the last page and past the end', async () => {
      const page = async (query: string) => (await call('GET', `${tasksUrl(owner)}?sort=created_at&${query}`, owner)).json()
      const last = await page('page=2&page_size=4')
      assert.deepEqual(last.meta, { page: 2, page_size: 4, total: 6, total_pages: 2 })
      assert.deepEqual(last.data.map((t: Task) => t.title), ['E undated done', 'F later'])
      assert.deepEqual(await page('page=3&page_size=4'), { data: [], meta: { page: 3, page_size: 4, total: 6, total_pages: 2 }, error: null })
      assert.deepEqual((await page('status=completed&page_size=1')).meta, { page: 1, page_size: 1, total: 2, total_pages: 2 })
    })

    test('unknown parameters, sorts, filter values and page sizes are 422', async () => {
      const cases: Array<[string, string]> = [
        ['status=done', '/status'], ['status=pending&status=completed', '/status'], ['priority=urgent', '/priority'], ['priority=3', '/priority'],
        ['assignee_id=bob', '/assignee_id'], ['due_before=yesterday', '/due_before'], ['due_after=2026-01-01', '/due_after'],
        ['due_before=0000-01-01T00:00:00Z', '/due_before'], ['overdue=maybe', '/overdue'], ['overdue=', '/overdue'],
        ['sort=title', '/sort'], ['sort=priority_rank', '/sort'], ['sort=due', '/sort'], ['page_size=101', '/page_size'],
        ['page=0', '/page'], ['title=x', '/title'], ['tenant_id=x', '/tenant_id']
      ]
      for (const [query, field] of cases) {
        const response = await call('GET', `${tasksUrl(owner)}?${query}`, owner)
        assert.equal(response.statusCode, 422, query)
        assert.deepEqual(errorFields(response), [field], query)
      }
    })
  })

  test('PATCH is partial: absent keys untouched, null clears, an empty body or a null required field is 422', async () => {
    const task = await create(roles.member, { description: 'Both tills', due_date: '2026-12-24T16:00:00Z', assignee_id: roles.admin.user.id, priority: 'low' })
    const url = `${tasksUrl(roles.member)}/${task.id}`

    const started = await call('PATCH', url, roles.member, { payload: { status: 'in_progress' } })
    assert.equal(started.statusCode, 200)
    assert.equal(started.headers.etag, '"2"')
    assert.deepEqual(started.json().data, { ...task, status: 'in_progress', updated_at: started.json().data.updated_at })

    const cleared = (await call('PATCH', url, roles.member, { payload: { description: null, due_date: null, assignee_id: null } })).json().data
    assert.deepEqual([cleared.description, cleared.due_date, cleared.assignee_id, cleared.status, cleared.priority, cleared.title], [null, null, null, 'in_progress', 'low', 'Count the till'])

    const before = await row(task.id)
    const cases: Array<[object, string[]]> = [
      [{}, ['/']], [{ title: null }, ['/title']], [{ status: null }, ['/status']], [{ priority: null }, ['/priority']],
      [{ status: 'archived' }, ['/status']], [{ due_date: 'soon' }, ['/due_date']], [{ id: randomUUID() }, ['/id']], [{ priority_rank: 3 }, ['/priority_rank']]
    ]
    for (const [payload, fields] of cases) {
      const response = await call('PATCH', url, roles.member, { payload })
      assert.equal(response.statusCode, 422, JSON.stringify(payload))
      assert.deepEqual(errorFields(response), fields, JSON.stringify(payload))
    }
    assert.deepEqual(await row(task.id), before)
  })

  test('PUT replaces the whole task: title, status and priority required; absent nullable fields become null', async () => {
    const task = await create(roles.member, { description: 'Old', due_date: '2026-12-24T16:00:00Z', assignee_id: roles.admin.user.id })
    const url = `${tasksUrl(roles.member)}/${task.id}`

    const incomplete = await call('PUT', url, roles.member, { payload: { title: 'Only a title' } })
    assert.equal(incomplete.statusCode, 422)
    assert.deepEqual(errorFields(incomplete), ['/priority', '/status'])
    assert.deepEqual(errorFields(await call('PUT', url, roles.member, { payload: {} })), ['/priority', '/status', '/title'])
    assert.equal((await row(task.id))?.version, 1)

    const replaced = await call('PUT', url, roles.member, { payload: { title: 'Replaced', status: 'completed', priority: 'high' } })
    assert.equal(replaced.statusCode, 200)
    assert.equal(replaced.headers.etag, '"2"')
    assert.deepEqual(replaced.json().data, {
      ...task, title: 'Replaced', status: 'completed', priority: 'high', description: null, due_date: null, assignee_id: null, updated_at: replaced.json().data.updated_at
    })
    const full = await call('PUT', url, roles.member, {
      payload: { title: 'Again', status: 'pending', priority: 'low', description: 'New', due_date: '2027-01-01T00:00:00Z', assignee_id: roles.guest.user.id },
      headers: { 'if-match': '"2"' }
    })
    assert.equal(full.statusCode, 200)
    assert.deepEqual([full.json().data.description, full.json().data.due_date, full.json().data.assignee_id], ['New', '2027-01-01T00:00:00.000Z', roles.guest.user.id])

    const stale = await call('PUT', url, roles.member, { payload: { title: 'Stale', status: 'pending', priority: 'low' }, headers: { 'if-match': '"2"' } })
    assert.equal(stale.statusCode, 412)
    assert.equal(stale.json().error.code, 'PRECONDITION_FAILED')
    const stored = await row(task.id)
    assert.deepEqual([stored?.title, stored?.description, stored?.version], ['Again', 'New', 3])

    const missing = await call('PUT', `${tasksUrl(roles.member)}/${randomUUID()}`, roles.member, { payload: { title: 'x', status: 'pending', priority: 'low' } })
    assert.equal(missing.statusCode, 404)
    assert.equal(missing.json().error.code, 'TASK_NOT_FOUND')
  })

  test('ETag: If-None-Match gives 304; a stale If-Match on PATCH, PUT or DELETE gives 412 and changes nothing', async () => {
    const task = await create(roles.member)
    const url = `${tasksUrl(roles.member)}/${task.id}`
    const notModified = await call('GET', url, roles.member, { headers: { 'if-none-match': '"1"' } })
    assert.equal(notModified.statusCode, 304)
    assert.equal(notModified.body, '')
    assert.equal((await call('PATCH', url, roles.member, { payload: { priority: 'high' }, headers: { 'if-match': '"1"' } })).statusCode, 200)
    assert.equal((await call('GET', url, roles.member, { headers: { 'if-none-match': '"1"' } })).statusCode, 200)
    assert.equal((await call('GET', url, roles.member, { headers: { 'if-none-match': '"2"' } })).statusCode, 304)

    const stale = { 'if-match': '"1"' }
    assert.equal((await call('PATCH', url, roles.member, { payload: { title: 'Lost' }, headers: stale })).statusCode, 412)
    assert.equal((await call('PUT', url, roles.member, { payload: { title: 'Lost', status: 'pending', priority: 'low' }, headers: stale })).statusCode, 412)
    assert.equal((await call('DELETE', url, roles.member, { headers: stale })).statusCode, 412)
    const stored = await row(task.id)
    assert.deepEqual([stored?.title, stored?.priority, stored?.version], ['Count the till', 'high', 2])

    assert.equal((await call('DELETE', url, roles.member, { headers: { 'if-match': '"2"' } })).statusCode, 204)
    const gone = await call('GET', url, roles.member)
    assert.equal(gone.statusCode, 404)
    assert.equal(gone.json().error.code, 'TASK_NOT_FOUND')
    assert.equal(await row(task.id), undefined)
  })

  test('two replacements from the same ETag: one wins, the other gets 412', async () => {
    const task = await create(roles.member)
    const url = `${tasksUrl(roles.member)}/${task.id}`
    const results = await Promise.all(['First', 'Second'].map(async (title) =>
      await call('PUT', url, roles.member, { payload: { title, status: 'pending', priority: 'low' }, headers: { 'if-match': '"1"' } })))
    assert.deepEqual(results.map((r) => r.statusCode).sort(), [200, 412])
    const stored = await row(task.id)
    assert.equal(stored?.title, results.find((r) => r.statusCode === 200)?.json().data.title)
    assert.equal(stored?.version, 2)
  })

  test('roles: guests read only; members change only their own; admins and owners change any', async () => {
    const url = tasksUrl(roles.owner)
    const byAdmin = await create(roles.admin, { title: 'Admin made', assignee_id: roles.member.user.id })
    const byMember = await create(roles.member, { title: 'Member made' })
    const count = await countIn(roles.owner.tenant.id)
    const replacement = { title: 'Taken over', status: 'pending', priority: 'low' }

    assert.equal((await call('GET', url, roles.guest)).statusCode, 200)
    assert.equal((await call('GET', `${url}/${byAdmin.id}`, roles.guest)).statusCode, 200)
    const forbidden: Array<[TestSession, 'POST' | 'PUT' | 'PATCH' | 'DELETE', string, object?]> = [
      [roles.guest, 'POST', url, { title: 'Guest made' }], [roles.guest, 'PUT', `${url}/${byMember.id}`, replacement],
      [roles.guest, 'PATCH', `${url}/${byMember.id}`, { status: 'completed' }], [roles.guest, 'DELETE', `${url}/${byMember.id}`],
      // Being the assignee does not make a member the task's owner.
      [roles.member, 'PATCH', `${url}/${byAdmin.id}`, { status: 'completed' }], [roles.member, 'PUT', `${url}/${byAdmin.id}`, replacement],
      [roles.member, 'DELETE', `${url}/${byAdmin.id}`]
    ]
    for (const [session, method, target, payload] of forbidden) {
      const response = await call(method, target, session, payload === undefined ? {} : { payload })
      assert.equal(response.statusCode, 403, `${session.role} ${method} ${target}`)
      assert.equal(response.json().error.code, 'FORBIDDEN')
    }
    assert.equal(await countIn(roles.owner.tenant.id), count)
    assert.equal((await row(byAdmin.id))?.version, 1)
    assert.equal((await row(byMember.id))?.version, 1)

    assert.equal((await call('PATCH', `${url}/${byMember.id}`, roles.member, { payload: { status: 'in_progress' } })).statusCode, 200)
    assert.equal((await call('PUT', `${url}/${byMember.id}`, roles.admin, { payload: replacement })).statusCode, 200)
    assert.equal((await call('PATCH', `${url}/${byAdmin.id}`, roles.owner, { payload: { priority: 'high' } })).statusCode, 200)
    assert.equal((await call('DELETE', `${url}/${byMember.id}`, roles.admin)).statusCode, 204)
    assert.equal((await call('DELETE', `${url}/${byAdmin.id}`, roles.owner)).statusCode, 204)
    assert.equal(await countIn(roles.owner.tenant.id), count - 2)
  })

  test("another tenant's tasks: 404 under your tenant, 403 TENANT_MISMATCH under theirs, never changed", async () => {
    const mine = await registerUser(context.app)
    const theirs = await registerUser(context.app)
    const their = await create(theirs, { title: 'Their secret task', assignee_id: theirs.user.id })
    const before = await row(their.id)

    const missing = await call('GET', `${tasksUrl(mine)}/${randomUUID()}`, mine)
    assert.equal(missing.json().error.code, 'TASK_NOT_FOUND')
    const writes = [
      ['GET', {}], ['PUT', { payload: { title: 'x', status: 'pending', priority: 'low' } }], ['PATCH', { payload: { status: 'completed' } }], ['DELETE', {}]
    ] as const
    for (const [method, options] of writes) {
      const response = await call(method, `${tasksUrl(mine)}/${their.id}`, mine, options)
      assert.equal(response.statusCode, 404, method)
      assert.deepEqual({ ...response.json().error, request_id: null }, { ...missing.json().error, request_id: null })
    }
    assert.deepEqual((await call('GET', `${tasksUrl(mine)}?assignee_id=${theirs.user.id}`, mine)).json().data, [])
    // Their user is not a member here, so cannot be assigned here.
    assert.equal((await call('POST', tasksUrl(mine), mine, { payload: { title: 'x', assignee_id: theirs.user.id } })).statusCode, 422)

    const attempts: Array<['GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', string, object?]> = [
      ['GET', tasksUrl(theirs)], ['POST', tasksUrl(theirs), { title: 'x' }], ['GET', `${tasksUrl(theirs)}/${their.id}`],
      ['PUT', `${tasksUrl(theirs)}/${their.id}`, { title: 'x', status: 'pending', priority: 'low' }],
      ['PATCH', `${tasksUrl(theirs)}/${their.id}`, { status: 'completed' }], ['DELETE', `${tasksUrl(theirs)}/${their.id}`]
    ]
    for (const [method, url, payload] of attempts) {
      const response = await call(method, url, mine, payload === undefined ? {} : { payload })
      assert.equal(response.statusCode, 403, `${method} ${url}`)
      assert.equal(response.json().error.code, 'TENANT_MISMATCH')
      assert.doesNotMatch(response.body, /secret/)
    }
    assert.deepEqual(await row(their.id), before)
    assert.equal(await countIn(theirs.tenant.id), 1)
  })
})
