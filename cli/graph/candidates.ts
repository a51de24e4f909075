// Pure weighing of Entra ID attributes as the engineers' Linux login name: coverage (how many assigned
// users have a value), validity (the project's one Linux-user rule, root refused) and uniqueness (two
// engineers must not share one), with the users behind each problem.
import { summarize } from "../report";
import { classifyUsers, USER_STATUSES, type UserRow, type UserStatus } from "../userAttributes";
import { DIRECTORY_EXTENSION_PATTERN, userAttributeValue, type GraphUser } from "./users";

export interface CandidateRow {
  attribute: string;
  ok: number;
  missing: number;
  invalid: number;
  duplicate: number;
  /** Share of the users with a valid, unique value: `97.5%`. */
  usable: string;
}

export interface CandidateReport {
  rows: CandidateRow[];
  /** Per attribute, its users with a problem, worst first (INVALID, DUPLICATE, then MISSING). */
  offenders: Record<string, UserRow[]>;
}

const PROBLEM_ORDER: Record<UserStatus, number> = { INVALID: 0, DUPLICATE: 1, MISSING: 2, OK: 3 };

const percent = (part: number, whole: number) =>
  whole === 0 ? "-" : `${((100 * part) / whole).toFixed(1)}%`;

/** Pure: a row per attribute, the most usable first; and each attribute's users with a problem. */
export function weighCandidates(users: readonly GraphUser[], attributes: readonly string[]): CandidateReport {
  const offenders: Record<string, UserRow[]> = {};
  const rows = attributes.map((attribute): CandidateRow => {
    const classified = classifyUsers(
      users.map((user) => ({
        userId: user.id,
        userName: user.userPrincipalName ?? user.id,
        value: userAttributeValue(user, attribute),
      })),
      attribute,
    );
    const count = summarize(USER_STATUSES, classified);
    offenders[attribute] = classified
      .filter(({ status }) => status !== "OK")
      .sort((a, b) => PROBLEM_ORDER[a.status] - PROBLEM_ORDER[b.status]);
    return {
      attribute,
      ok: count.OK,
      missing: count.MISSING,
      invalid: count.INVALID,
      duplicate: count.DUPLICATE,
      usable: percent(count.OK, users.length),
    };
  });
  rows.sort((a, b) => b.ok - a.ok || a.invalid + a.duplicate - (b.invalid + b.duplicate));
  return { rows, offenders };
}

/**
 * Pure: the directory extension attributes to weigh: each `--extension` by its full name
 * (`extension_<appid>_<name>`) or by `<name>` when exactly one discovered attribute ends with it; without
 * any, every discovered one.
 */
export function resolveExtensions(
  requested: readonly string[] | undefined,
  discovered: readonly string[],
): { names: string[] } | { problem: string } {
  const known = discovered.filter((name) => DIRECTORY_EXTENSION_PATTERN.test(name));
  if (!requested || requested.length === 0) return { names: known };
  const names: string[] = [];
  for (const name of requested) {
    if (DIRECTORY_EXTENSION_PATTERN.test(name)) {
      names.push(name);
      continue;
    }
    const matching = known.filter((candidate) => candidate.toLowerCase().endsWith(`_${name.toLowerCase()}`));
    if (matching.length !== 1) {
      return {
        problem:
          `option '--extension ${name}': ${matching.length === 0 ? "no" : `${matching.length}`} directory extension ` +
          `attributes named extension_<appid>_${name} in the provisioning schema` +
          `${matching.length > 1 ? ` (${matching.join(", ")})` : ""}; pass the full name extension_<appid>_${name}`,
      };
    }
    names.push(matching[0]);
  }
  return { names };
}
