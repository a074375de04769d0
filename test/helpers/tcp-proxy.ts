import net from 'node:net'

export type ProxyMode = 'forward' | 'refuse' | 'stall'

export interface TcpProxy {
  readonly port: number
  /**
   * forward: pass bytes both ways; refuse: close every connection and refuse new ones (the server
   * is down); stall: keep connections open but hold every byte until forwarding resumes (the
   * server hangs, then answers late, in order).
   */
  setMode(mode: ProxyMode): void
  /** How many commands named `name` clients have sent so far (forwarded or held), from their RESP encoding. */
  commandsSent(name: string): number
  close(): Promise<void>
}

interface Link {
  sockets: [net.Socket, net.Socket]
  held: Array<[net.Socket, Buffer]>
}

/**
 * A TCP proxy on 127.0.0.1 in front of `target`, which a test can cut and restore, to stop and
 * restart a dependency (Redis) without touching the real server.
 */
export async function startTcpProxy (target: { host: string, port: number }): Promise<TcpProxy> {
  let mode: ProxyMode = 'forward'
  const links = new Set<Link>()
  // What clients sent, as text, for commandsSent(); tests send little, but it is bounded anyway.
  let sent = ''
  const SENT_MAX_CHARS = 4_000_000

  const server = net.createServer((client) => {
    if (mode === 'refuse') {
      client.destroy()
      return
    }
    const upstream = net.connect(target.port, target.host)
    const link: Link = { sockets: [client, upstream], held: [] }
    links.add(link)
    const relay = (to: net.Socket) => (chunk: Buffer): void => {
      if (mode === 'forward') to.write(chunk)
      else link.held.push([to, chunk])
    }
    const toUpstream = relay(upstream)
    client.on('data', (chunk: Buffer) => {
      if (sent.length < SENT_MAX_CHARS) sent += chunk.toString('latin1')
      toUpstream(chunk)
    })
    upstream.on('data', relay(client))
    const end = (): void => {
      client.destroy()
      upstream.destroy()
      links.delete(link)
    }
    for (const socket of link.sockets) {
      socket.on('close', end)
      socket.on('error', end)
    }
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address() as net.AddressInfo

  return {
    port: address.port,
    setMode (next) {
      mode = next
      for (const link of links) {
        if (next === 'refuse') {
          for (const socket of link.sockets) socket.destroy()
        } else if (next === 'forward') {
          for (const [to, chunk] of link.held.splice(0)) to.write(chunk)
        }
      }
    },
    commandsSent (name) {
      // A command name is a bulk string of its own: $<length>\r\n<name>\r\n.
      const pattern = new RegExp(`\\$${name.length}\\r\\n${name}\\r\\n`, 'gi')
      return sent.match(pattern)?.length ?? 0
    },
    async close () {
      for (const link of links) for (const socket of link.sockets) socket.destroy()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    }
  }
}
