import fs from 'node:fs/promises'
import net from 'node:net'
import { EmbeddedPostgresError } from './errors.js'
import { HOST } from './settings.js'

/** The port recorded for this data directory when it is still free, else a free one. */
export async function choosePort (statePath: string, shown: string, log: (message: string) => void): Promise<number> {
  const recorded = await readState(statePath)
  if (recorded !== undefined) {
    if (await isPortFree(recorded)) return recorded
    const port = await freePort()
    log(`Port ${recorded}, used before by the embedded database in ${shown}, is taken; using port ${port}.`)
    return port
  }
  return await freePort()
}

async function readState (statePath: string): Promise<number | undefined> {
  try {
    const state = JSON.parse(await fs.readFile(statePath, 'utf8')) as { port?: unknown }
    const port = state.port
    return typeof port === 'number' && Number.isInteger(port) && port > 0 && port < 65536 ? port : undefined
  } catch {
    return undefined
  }
}

export async function writeState (statePath: string, state: { port: number }): Promise<void> {
  const temporary = `${statePath}.${process.pid}.tmp`
  await fs.writeFile(temporary, JSON.stringify(state, null, 2) + '\n')
  await fs.rename(temporary, statePath)
}

async function isPortFree (port: number): Promise<boolean> {
  return await new Promise((resolve) => {
    const server = net.createServer()
    server.unref()
    server.once('error', () => resolve(false))
    server.listen({ port, host: HOST, exclusive: true }, () => server.close(() => resolve(true)))
  })
}

export async function freePort (): Promise<number> {
  return await new Promise((resolve, reject) => {
    const server = net.createServer()
    server.unref()
    server.once('error', reject)
    server.listen({ port: 0, host: HOST, exclusive: true }, () => {
      const address = server.address()
      server.close(() => {
        if (address !== null && typeof address === 'object') resolve(address.port)
        else reject(new EmbeddedPostgresError('Could not find a free TCP port for the embedded PostgreSQL server.'))
      })
    })
  })
}
