/** A user's registration fields, keyed by the auth provider's user id. */
export interface Profile {
  userId: string
  data: Record<string, unknown>
  createdAt: number
  updatedAt: number
}

/** A connected (Unipile) account and the user it belongs to. */
export interface Account {
  accountId: string
  userId: string
  status: string
  createdAt: number
  updatedAt: number
}

/** A hosted-auth link handed out to a user; its token authenticates the notification that follows. */
export interface ConnectLink {
  tokenHash: string
  userId: string
  type: 'create' | 'reconnect'
  accountId: string | null
  expiresAt: number
}

/** A signed-in app session opened by Chargebee's login. */
export interface Session {
  id: string
  customerId: string
  portalSessionId: string
  createdAt: number
  expiresAt: number
}

/** What recording a connected account did: `owned` is false when another user holds that account id. */
export type RecordAccountResult = { owned: true, account: Account } | { owned: false }

/**
 * Everything auth-hooks keeps between requests. Two implementations (SQLite, PostgreSQL) pass the
 * same test suite. Times are epoch milliseconds. Every write is committed before its promise resolves.
 */
export interface Store {
  readonly backend: 'sqlite' | 'postgres'
  /** Inserts or replaces the user's profile; createdAt is kept from the first write. */
  saveProfile (userId: string, data: Record<string, unknown>, now: number): Promise<Profile>
  getProfile (userId: string): Promise<Profile | null>

  saveConnectLink (link: ConnectLink): Promise<void>
  getConnectLink (tokenHash: string): Promise<ConnectLink | null>
  /** Upserts user ↔ account; a repeat for the same user only updates status and updatedAt. */
  recordAccount (accountId: string, userId: string, status: string, now: number): Promise<RecordAccountResult>
  /** Sets the status of a known account; null when the account is unknown. */
  setAccountStatus (accountId: string, status: string, now: number): Promise<Account | null>
  getAccount (accountId: string): Promise<Account | null>
  /** The user's accounts, oldest first. */
  listAccounts (userId: string): Promise<Account[]>

  /** Saves a new session; false (nothing saved) when that portal session was already used. */
  createSession (session: Session): Promise<boolean>
  getSession (id: string): Promise<Session | null>
  /** Removes and returns the session; null when there was none. */
  deleteSession (id: string): Promise<Session | null>

  /**
   * Records a Standard Webhooks id accepted until `expiresAt`: true when recorded (first use, or its
   * earlier use expired before `now`), false when it is a replay. One statement; the primary key decides.
   */
  recordReplayId (id: string, expiresAt: number, now: number): Promise<boolean>

  /**
   * Deletes connect links that expired before `linksBefore`, and sessions and replay ids that
   * expired before `now`.
   */
  prune (linksBefore: number, now: number): Promise<void>

  /** Resolves when the database answers a trivial query; rejects when it cannot be reached. */
  ping (): Promise<void>

  close (): Promise<void>
}
