// Entra ID user attributes as the provisioning engine names them (`mailNickname`, `extensionAttribute3`,
// `extension_<appid>_<name>`) and where Microsoft Graph's user resource holds them, and reading one user.
import { odataString, type GraphClient } from "./client";

/** The per-user attributes `entra candidates` weighs as a login name, in the provisioning engine's names. */
export const CANDIDATE_ATTRIBUTES: readonly string[] = [
  "onPremisesSamAccountName",
  "employeeId",
  "mailNickname",
  ...Array.from({ length: 15 }, (_, index) => `extensionAttribute${index + 1}`),
];

/** `extension_<app id without dashes>_<name>`: a directory extension attribute. */
export const DIRECTORY_EXTENSION_PATTERN = /^extension_[0-9a-f]{32}_\w+$/;

/** A user as Graph returns it with `$select` (only the selected properties, plus `@odata` annotations). */
export type GraphUser = Record<string, unknown> & { id: string; userPrincipalName?: string; mail?: string };

/** Pure: the Graph user property a provisioning attribute reads (`$select` takes its first segment). */
export function graphPropertyOf(attribute: string): string {
  if (/^extensionAttribute([1-9]|1[0-5])$/.test(attribute)) {
    return `onPremisesExtensionAttributes.${attribute}`;
  }
  if (attribute === "objectId") return "id";
  return attribute;
}

/** Pure: the `$select` list that reads `attributes` (and who the user is). */
export function selectFor(attributes: readonly string[]): string {
  const properties = new Set(["id", "userPrincipalName", "mail", "displayName"]);
  for (const attribute of attributes) properties.add(graphPropertyOf(attribute).split(".")[0]);
  // A name can come from the provisioning schema: encoded, it stays one property of this one query.
  return [...properties].map(encodeURIComponent).join(",");
}

/** Pure: a user's value of a provisioning attribute, or undefined when it has none (null, empty, absent). */
export function userAttributeValue(user: GraphUser, attribute: string): string | undefined {
  let current: unknown = user;
  for (const segment of graphPropertyOf(attribute).split(".")) {
    current =
      current !== null && typeof current === "object"
        ? (current as Record<string, unknown>)[segment]
        : undefined;
  }
  if (typeof current === "number") return String(current);
  return typeof current === "string" && current !== "" ? current : undefined;
}

/**
 * The Entra ID user whose userPrincipalName or mail is `userNameOrEmail` (case-insensitive, as Graph compares
 * them), with `attributes` selected; undefined when there is none.
 */
export async function findUser(
  graph: GraphClient,
  userNameOrEmail: string,
  attributes: readonly string[],
): Promise<GraphUser | undefined> {
  const value = odataString(userNameOrEmail);
  const filter = encodeURIComponent(`userPrincipalName eq ${value} or mail eq ${value}`);
  const page = await graph.get<{ value: GraphUser[] }>(
    `/users?$filter=${filter}&$select=${selectFor(attributes)}`,
  );
  return page.value[0];
}

/** One user's value of one attribute, for `doctor`: the user found, and the value (undefined: none). */
export async function readUserAttribute(
  graph: GraphClient,
  userNameOrEmail: string,
  attribute: string,
): Promise<{ user: GraphUser; value: string | undefined } | undefined> {
  const user = await findUser(graph, userNameOrEmail, [attribute]);
  return user && { user, value: userAttributeValue(user, attribute) };
}
