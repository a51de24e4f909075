// Pure checks of the identity-store attribute that ABAC turns into SSMSessionRunAs: resolve a `${path:…}`
// source on a user, and find the users whose value cannot be their Linux user.
import type { User } from "@aws-sdk/client-identitystore";
import { sessionUserProblem } from "../policypack/rules/values";

export const ENTERPRISE_EXTENSION = "aws:identitystore:enterprise";

export const USER_STATUSES = ["OK", "MISSING", "INVALID", "DUPLICATE"] as const;
export type UserStatus = (typeof USER_STATUSES)[number];

/** One user of `audit users`; the field order is the JSON shape. */
export interface UserRow {
  userId: string;
  userName: string;
  status: UserStatus;
  value: string | null;
  detail: string;
}

/** `${path:name.givenName}` → `name.givenName`. */
export function sourcePath(source: string): string {
  const path = /^\$\{path:(.+)\}$/.exec(source)?.[1];
  if (path === undefined) throw new Error(`${source} is not an identity-store attribute path (\${path:...})`);
  return path;
}

export function readsEnterpriseExtension(path: string): boolean {
  return path.startsWith("enterprise.");
}

/** The SCIM enterprise user extension: Entra's provisioning names its attributes `<urn>:<attribute>`. */
export const SCIM_ENTERPRISE_URN = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";

/**
 * The SCIM attribute an Entra ID provisioning job writes to fill `path`, as its mappings name their target:
 * `enterprise.employeeNumber` → `urn:…:enterprise:2.0:User:employeeNumber` (`enterprise.manager.value` → `…:manager`,
 * a reference); the primary email IdC reads is the one Entra sends as `emails[type eq "work"].value` (marked
 * primary); every other documented path is its own target (`userName`, `name.givenName`, `addresses[type eq
 * "work"].locality`).
 */
export function scimTargetAttribute(path: string): string {
  if (readsEnterpriseExtension(path)) {
    return `${SCIM_ENTERPRISE_URN}:${path.slice("enterprise.".length).replace(/\.value$/, "")}`;
  }
  if (/^emails\[\s*primary eq true\s*\]\.value$/.test(path)) return 'emails[type eq "work"].value';
  return path;
}

interface Step {
  attribute: string;
  filter?: { attribute: string; value: string | boolean };
}

// SCIM paths as IdC documents them: `emails[primary eq true].value`, `addresses[type eq "work"].locality`.
function parseSteps(path: string): Step[] {
  return (path.match(/[^.[\]]+(\[[^\]]*\])?/g) ?? []).map((segment) => {
    const filter = /^([^[]+)\[\s*(\w+)\s+eq\s+(?:"([^"]*)"|(true|false))\s*\]$/.exec(segment);
    if (!filter) return { attribute: segment };
    const value = filter[3] ?? filter[4] === "true";
    return { attribute: filter[1], filter: { attribute: filter[2], value } };
  });
}

const capitalize = (name: string) => name.charAt(0).toUpperCase() + name.slice(1);

function field(object: unknown, name: string): unknown {
  return object !== null && typeof object === "object"
    ? (object as Record<string, unknown>)[name]
    : undefined;
}

function matchesFilter(item: unknown, filter: Step["filter"] & object, name: (s: string) => string): boolean {
  const actual = field(item, name(filter.attribute));
  // SCIM `eq` on strings is case-insensitive for these attributes (type, primary).
  return typeof actual === "string" && typeof filter.value === "string"
    ? actual.toLowerCase() === filter.value.toLowerCase()
    : actual === filter.value;
}

/**
 * The value IdC would put in the session tag, or undefined when the user has none. Standard attributes are
 * the SDK's capitalized fields (`name.givenName` → `Name.GivenName`); `enterprise.*` are read, as SCIM names
 * them, from the `aws:identitystore:enterprise` extension.
 */
export function attributeValue(user: User, path: string): string | undefined {
  const enterprise = readsEnterpriseExtension(path);
  const name = enterprise ? (s: string) => s : capitalize;
  let current: unknown = enterprise ? user.Extensions?.[ENTERPRISE_EXTENSION] : user;
  for (const step of parseSteps(enterprise ? path.slice("enterprise.".length) : path)) {
    current = field(current, name(step.attribute));
    if (step.filter) {
      const filter = step.filter;
      current = Array.isArray(current)
        ? current.find((item) => matchesFilter(item, filter, name))
        : undefined;
    }
  }
  if (typeof current === "number") return String(current);
  return typeof current === "string" && current !== "" ? current : undefined;
}

export interface UserValue {
  userId: string;
  userName: string;
  value: string | undefined;
}

/** Every user with a status; users sharing one valid value are all DUPLICATE (they would share a Linux user). */
export function classifyUsers(users: UserValue[], attribute: string): UserRow[] {
  const holders = new Map<string, string[]>();
  for (const { userName, value } of users) {
    if (value !== undefined && !sessionUserProblem(value))
      holders.set(value, [...(holders.get(value) ?? []), userName]);
  }
  const rows = users.map(({ userId, userName, value }): UserRow => {
    if (value === undefined) {
      return {
        userId,
        userName,
        status: "MISSING",
        value: null,
        detail: `no ${attribute}: sessions fall back to the default user`,
      };
    }
    const problem = sessionUserProblem(value);
    if (problem) return { userId, userName, status: "INVALID", value, detail: problem };
    const others = holders.get(value)!.filter((other) => other !== userName);
    if (others.length > 0) {
      return {
        userId,
        userName,
        status: "DUPLICATE",
        value,
        detail: `also the value of ${others.join(", ")}`,
      };
    }
    return { userId, userName, status: "OK", value, detail: "" };
  });
  return rows.sort((a, b) => a.userName.localeCompare(b.userName) || a.userId.localeCompare(b.userId));
}
