/**
 * Which of the user groups named in the permissions a Slack user belongs to
 * (usergroups.users.list, cached for a few minutes). Only looked up for
 * guarded actions, and only for groups the config names. A failed lookup
 * counts as "not a member": permissions fail closed.
 */
import type { Config } from '../config/load-config.ts';
import type { Logger } from '../logger.ts';
import type { SlackApi } from './slack-api.ts';

export class UserGroupResolver {
  readonly #api: SlackApi;
  readonly #groups: string[];
  readonly #ttlMs: number;
  readonly #log: Logger;
  #cache = new Map<string, { at: number; members: Promise<Set<string>> }>();

  constructor(api: SlackApi, config: Pick<Config, 'permissions'>, logger: Logger, ttlMs = 5 * 60_000) {
    this.#api = api;
    this.#groups = [
      ...new Set(
        Object.values(config.permissions)
          .flat()
          .filter((id) => id.startsWith('S')),
      ),
    ];
    this.#ttlMs = ttlMs;
    this.#log = logger.child({ component: 'slack-usergroups' });
  }

  /** True when the config names any user group at all. */
  get needed(): boolean {
    return this.#groups.length > 0;
  }

  async groupsOf(userId: string): Promise<string[]> {
    const out: string[] = [];
    await Promise.all(
      this.#groups.map(async (group) => {
        if ((await this.#members(group)).has(userId)) out.push(group);
      }),
    );
    return out;
  }

  #members(group: string): Promise<Set<string>> {
    const hit = this.#cache.get(group);
    if (hit && Date.now() - hit.at < this.#ttlMs) return hit.members;
    const members = this.#api.usergroupUsers(group).then(
      (users) => new Set(users),
      (err: unknown) => {
        this.#log.warn({ err, group }, 'could not read the user group; its members are refused until it can be read');
        this.#cache.delete(group);
        return new Set<string>();
      },
    );
    this.#cache.set(group, { at: Date.now(), members });
    return members;
  }
}
