// Identity-store reads: every user, or one by user name, with the enterprise extension when the RunAs source
// lives there (the standard attributes come without asking).
import {
  DescribeUserCommand,
  GetUserIdCommand,
  IdentitystoreClient,
  paginateListUsers,
  type User,
} from "@aws-sdk/client-identitystore";
import {
  attributeValue,
  ENTERPRISE_EXTENSION,
  readsEnterpriseExtension,
  type UserValue,
} from "../userAttributes";
import { clientConfig } from "./clients";

/** The identity store's API in `region` (the Identity Center instance's; default: the SDK's). */
export function identityStoreClient(region?: string): IdentitystoreClient {
  return new IdentitystoreClient(clientConfig(region));
}

const extensionsFor = (path: string) => (readsEnterpriseExtension(path) ? [ENTERPRISE_EXTENSION] : undefined);

export async function listUsers(
  identityStore: IdentitystoreClient,
  identityStoreId: string,
  path: string,
): Promise<User[]> {
  const users: User[] = [];
  const input = { IdentityStoreId: identityStoreId, Extensions: extensionsFor(path) };
  for await (const page of paginateListUsers({ client: identityStore }, input)) {
    users.push(...(page.Users ?? []));
  }
  return users;
}

/** Every user with their value of the attribute at `path` (undefined when they have none). */
export async function readUserValues(
  identityStore: IdentitystoreClient,
  identityStoreId: string,
  path: string,
): Promise<UserValue[]> {
  const users = await listUsers(identityStore, identityStoreId, path);
  return users.map((user) => ({
    userId: user.UserId ?? "",
    userName: user.UserName ?? "",
    value: attributeValue(user, path),
  }));
}

export async function describeUserByName(
  identityStore: IdentitystoreClient,
  identityStoreId: string,
  userName: string,
  path: string,
): Promise<User> {
  const { UserId } = await identityStore.send(
    new GetUserIdCommand({
      IdentityStoreId: identityStoreId,
      AlternateIdentifier: { UniqueAttribute: { AttributePath: "userName", AttributeValue: userName } },
    }),
  );
  return identityStore.send(
    new DescribeUserCommand({ IdentityStoreId: identityStoreId, UserId, Extensions: extensionsFor(path) }),
  );
}
