// What every account's document should say: RunAs on (or off, in break-glass), and the fallback user — the
// stack's default, or the override of its nearest OU.
import type { StackConfig } from "../config/schema";

export interface UserExpectation {
  defaultUser: string;
  /** OU id → user, as `organizationalUnitOverrides` in the stack config. */
  overrides: Record<string, string>;
  /** false: break-glass, RunAs is meant to be off everywhere (the stack's `runAsEnabled`). */
  runAsEnabled: boolean;
}

export function expectationFromStack(config: StackConfig): UserExpectation {
  return {
    defaultUser: config.runAsDefaultUser,
    overrides: config.organizationalUnitOverrides,
    runAsEnabled: config.runAsEnabled,
  };
}

/** `ouPath` lists the account's ancestors from the root down; the nearest overridden OU wins. */
export function expectedUserFor(expectation: UserExpectation, ouPath: readonly string[]): string {
  for (let index = ouPath.length - 1; index >= 0; index--) {
    const user = expectation.overrides[ouPath[index]];
    if (user !== undefined) return user;
  }
  return expectation.defaultUser;
}
