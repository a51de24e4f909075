// Identity-store reads: every user, or one by user name or email, with the enterprise extension when the RunAs source
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

/**
 * The user whose userName, else whose email, is `userNameOrEmail` (the identity store's two unique attributes,
 * `userName` and `emails.value`); undefined when neither finds one.
 */
export async function findUser(
  identityStore: IdentitystoreClient,
  identityStoreId: string,
  userNameOrEmail: string,
  path: string,
): Promise<User | undefined> {
  for (const attributePath of ["userName", "emails.value"]) {
    let userId: string | undefined;
    try {
      ({ UserId: userId } = await identityStore.send(
        new GetUserIdCommand({
          IdentityStoreId: identityStoreId,
          AlternateIdentifier: {
            UniqueAttribute: { AttributePath: attributePath, AttributeValue: userNameOrEmail },
          },
        }),
      ));
    } catch (err) {
      if ((err as Error).name === "ResourceNotFoundException") continue;
      throw err;
    }
    return identityStore.send(
      new DescribeUserCommand({
        IdentityStoreId: identityStoreId,
        UserId: userId,
        Extensions: extensionsFor(path),
      }),
    );
  }
  return undefined;
}
