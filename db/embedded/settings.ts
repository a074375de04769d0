/** The embedded server listens on loopback only, as the superuser below. */
export const HOST = '127.0.0.1'
export const USER = 'postgres'
// A fixed password for a server that only listens on 127.0.0.1; scram-sha-256 keeps pg and psql happy.
export const PASSWORD = 'postgres'
/** How long a start may take, and how long a fast, then an immediate shutdown may take before escalating. */
export const START_TIMEOUT_MS = 60_000
export const STOP_GRACE_MS = 15_000
export const STOP_FORCE_MS = 10_000
/** A port found free can be taken before the server binds it: try another this many times. */
export const PORT_ATTEMPTS = 3
