// Identity-store reads: every user, or one by user name, with the enterprise extension when the RunAs source
// lives there (the standard attributes come without asking).
import {
  DescribeUserCommand,
  GetUserIdCommand,
  IdentitystoreClient,
  ListUsersCommand,
  type User,
} from "@aws-sdk/client-identitystore";
import { ENTERPRISE_EXTENSION, readsEnterpriseExtension } from "./userAttributes";

const extensionsFor = (path: string) => (readsEnterpriseExtension(path) ? [ENTERPRISE_EXTENSION] : undefined);

export async function listUsers(
  identityStore: IdentitystoreClient,
  identityStoreId: string,
  path: string,
): Promise<User[]> {
  const users: User[] = [];
  let NextToken: string | undefined;
  do {
    const page = await identityStore.send(
      new ListUsersCommand({ IdentityStoreId: identityStoreId, Extensions: extensionsFor(path), NextToken }),
    );
    users.push(...(page.Users ?? []));
    NextToken = page.NextToken;
  } while (NextToken);
  return users;
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
