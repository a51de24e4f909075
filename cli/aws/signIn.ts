// `verify --sign-in`: a real IAM Identity Center sign-in, as `aws sso login` does it (the OAuth device
// authorization grant of SSO OIDC, then the access portal's role credentials), and a GetCallerIdentity with
// them. It proves that the SCPs, which deny the SSMSessionRunAs tag to everyone but Identity Center's roles,
// leave the SAML federation into the account working. A human approves the sign-in in a browser.
import {
  CreateTokenCommand,
  RegisterClientCommand,
  SSOOIDCClient,
  StartDeviceAuthorizationCommand,
} from "@aws-sdk/client-sso-oidc";
import { GetRoleCredentialsCommand, paginateListAccountRoles, SSOClient } from "@aws-sdk/client-sso";
import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { describeError } from "../errors";
import { chooseRole, fail, nextPoll, signInVerdict, type StepResult } from "../verifySteps";
import { clientConfig } from "./clients";

export interface SignInInput {
  accountId: string;
  /** The region STS is called in with the role's credentials. */
  region: string;
  startUrl: string;
  /** The Identity Center instance's region: where SSO OIDC and the access portal answer. */
  identityCenterRegion: string;
  permissionSet?: string;
}

export interface SignInDeps {
  /** Where the verification URL and the user code go (one line each). */
  prompt: (line: string) => void;
  sleep: (ms: number) => Promise<void>;
  now: () => number;
}

const defaultDeps: SignInDeps = {
  prompt: (line) => process.stderr.write(`${line}\n`),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  now: () => Date.now(),
};

/** A problem with the options that shows only after signing in (the permission set): exit 2, not a FAIL. */
export class SignInUsageError extends Error {}

export const signInTitle = (input: SignInInput) =>
  `Identity Center sign-in to ${input.accountId} works with the SCPs attached`;

const DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code";

async function deviceToken(
  oidc: SSOOIDCClient,
  startUrl: string,
  deps: SignInDeps,
): Promise<{ accessToken: string } | { problem: string }> {
  const client = await oidc.send(
    new RegisterClientCommand({ clientName: "ssm-runas-verify", clientType: "public" }),
  );
  if (!client.clientId || !client.clientSecret) return { problem: "RegisterClient returned no client" };
  const device = await oidc.send(
    new StartDeviceAuthorizationCommand({
      clientId: client.clientId,
      clientSecret: client.clientSecret,
      startUrl,
    }),
  );
  if (!device.deviceCode || !device.userCode || !device.expiresIn) {
    return { problem: "StartDeviceAuthorization returned no device code" };
  }
  const started = deps.now();
  const expiresAtMs = started + device.expiresIn * 1000;
  deps.prompt(`Open ${device.verificationUriComplete ?? device.verificationUri} and sign in,`);
  deps.prompt(`then confirm the code ${device.userCode} (expires in ${device.expiresIn} s).`);
  let intervalSeconds = Math.max(device.interval ?? 5, 1);
  for (;;) {
    try {
      const token = await oidc.send(
        new CreateTokenCommand({
          clientId: client.clientId,
          clientSecret: client.clientSecret,
          grantType: DEVICE_GRANT,
          deviceCode: device.deviceCode,
        }),
      );
      if (!token.accessToken) return { problem: "CreateToken returned no access token" };
      return { accessToken: token.accessToken };
    } catch (err) {
      const decision = nextPoll(err, intervalSeconds, deps.now(), expiresAtMs);
      if (!decision.wait) return { problem: decision.detail };
      intervalSeconds = decision.intervalSeconds;
      await deps.sleep(intervalSeconds * 1000);
    }
  }
}

/** The sign-in step; a permission set that is not there throws SignInUsageError. */
export async function signIn(input: SignInInput, deps: Partial<SignInDeps> = {}): Promise<StepResult> {
  const use = { ...defaultDeps, ...deps };
  const title = signInTitle(input);
  const oidc = new SSOOIDCClient(clientConfig(input.identityCenterRegion));
  const portal = new SSOClient(clientConfig(input.identityCenterRegion));
  let token;
  try {
    token = await deviceToken(oidc, input.startUrl, use);
  } catch (err) {
    return fail(title, `sign-in: ${describeError(err)}`);
  }
  if ("problem" in token) return fail(title, token.problem);
  const { accessToken } = token;

  let roles: string[];
  try {
    roles = [];
    for await (const page of paginateListAccountRoles(
      { client: portal },
      { accessToken, accountId: input.accountId },
    )) {
      roles.push(...(page.roleList ?? []).flatMap(({ roleName }) => (roleName ? [roleName] : [])));
    }
  } catch (err) {
    return fail(title, `ListAccountRoles ${input.accountId}: ${describeError(err)}`);
  }
  const chosen = chooseRole(roles, input.accountId, input.permissionSet);
  if ("problem" in chosen) throw new SignInUsageError(chosen.problem);

  let roleCredentials;
  try {
    ({ roleCredentials } = await portal.send(
      new GetRoleCredentialsCommand({ accessToken, accountId: input.accountId, roleName: chosen.role }),
    ));
  } catch (err) {
    return fail(title, `GetRoleCredentials ${chosen.role} in ${input.accountId}: ${describeError(err)}`);
  }
  if (!roleCredentials?.accessKeyId || !roleCredentials.secretAccessKey) {
    return fail(title, `GetRoleCredentials ${chosen.role} returned no credentials`);
  }
  try {
    const sts = new STSClient(
      clientConfig(input.region, {
        accessKeyId: roleCredentials.accessKeyId,
        secretAccessKey: roleCredentials.secretAccessKey,
        sessionToken: roleCredentials.sessionToken,
      }),
    );
    const identity = await sts.send(new GetCallerIdentityCommand({}));
    const { ok, detail } = signInVerdict(identity.Arn ?? "", input.accountId, chosen.role);
    return { ok, title, detail };
  } catch (err) {
    return fail(title, `GetCallerIdentity with ${chosen.role}'s credentials: ${describeError(err)}`);
  }
}
