import { queries, type Params, type QueryName } from './queries.js'
import { toAccount, toConnectLink, toProfile, toSession, type Row } from './rows.js'
import type { Account, ConnectLink, Profile, RecordAccountResult, Session, Store } from './types.js'

/** What a database driver provides: run one of the named queries and return its rows. */
export interface Driver {
  readonly backend: Store['backend']
  query (name: QueryName, params: Params): Promise<Row[]>
  close (): Promise<void>
}

export { queries }

/** The Store on top of either driver: all the logic lives here, once. */
export class SqlStore implements Store {
  readonly backend: Store['backend']

  constructor (private readonly driver: Driver) {
    this.backend = driver.backend
  }

  private async first (name: QueryName, params: Params): Promise<Row | undefined> {
    return (await this.driver.query(name, params))[0]
  }

  async saveProfile (userId: string, data: Record<string, unknown>, now: number): Promise<Profile> {
    return toProfile(await this.first('saveProfile', { userId, data: JSON.stringify(data), now }) as Row)
  }

  async getProfile (userId: string): Promise<Profile | null> {
    const row = await this.first('getProfile', { userId })
    return row === undefined ? null : toProfile(row)
  }

  async saveConnectLink (link: ConnectLink): Promise<void> {
    await this.driver.query('saveConnectLink', { ...link })
  }

  async getConnectLink (tokenHash: string): Promise<ConnectLink | null> {
    const row = await this.first('getConnectLink', { tokenHash })
    return row === undefined ? null : toConnectLink(row)
  }

  async recordAccount (accountId: string, userId: string, status: string, now: number): Promise<RecordAccountResult> {
    const row = await this.first('recordAccount', { accountId, userId, status, now })
    return row === undefined ? { owned: false } : { owned: true, account: toAccount(row) }
  }

  async setAccountStatus (accountId: string, status: string, now: number): Promise<Account | null> {
    const row = await this.first('setAccountStatus', { accountId, status, now })
    return row === undefined ? null : toAccount(row)
  }

  async getAccount (accountId: string): Promise<Account | null> {
    const row = await this.first('getAccount', { accountId })
    return row === undefined ? null : toAccount(row)
  }

  async listAccounts (userId: string): Promise<Account[]> {
    return (await this.driver.query('listAccounts', { userId })).map(toAccount)
  }

  async createSession (session: Session): Promise<boolean> {
    return (await this.driver.query('createSession', { ...session })).length === 1
  }

  async getSession (id: string): Promise<Session | null> {
    const row = await this.first('getSession', { id })
    return row === undefined ? null : toSession(row)
  }

  async deleteSession (id: string): Promise<Session | null> {
    const row = await this.first('deleteSession', { id })
    return row === undefined ? null : toSession(row)
  }

  async recordReplayId (id: string, expiresAt: number, now: number): Promise<boolean> {
    return (await this.driver.query('recordReplayId', { id, expiresAt, now })).length === 1
  }

  async prune (linksBefore: number, now: number): Promise<void> {
    await this.driver.query('pruneConnectLinks', { before: linksBefore })
    await this.driver.query('pruneSessions', { before: now })
    await this.driver.query('pruneReplayIds', { before: now })
  }

  async ping (): Promise<void> {
    await this.driver.query('ping', {})
  }

  async close (): Promise<void> {
    await this.driver.close()
  }
}
