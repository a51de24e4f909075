// The AWS edge shared by every subcommand: client settings, the caller's identity, assuming a role in a
// member account, and turning SDK errors into one readable line. Endpoint, region and credentials come from
// the SDK's standard chain (AWS_ENDPOINT_URL, AWS_REGION, profiles), which is how tests reach the emulator.
import * as http from "node:http";
import * as https from "node:https";
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { withBackoff, type BackoffPolicy } from "../concurrency";
import { describeError } from "../errors";

export interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  expiration?: Date;
}

// One keep-alive pool for every client: an audit creates a client per account × region, and without a shared
// agent each would open its own connections. Never call destroy() on these clients: it would close the pool
// for all of them (idle keep-alive sockets do not hold the process open).
const agentOptions = { keepAlive: true, maxSockets: 256 };
const sharedRequestHandler = {
  httpAgent: new http.Agent(agentOptions),
  httpsAgent: new https.Agent(agentOptions),
  connectionTimeout: 5_000,
  requestTimeout: 20_000,
};

/**
 * The region for the management side's clients (STS, Organizations): the SDK's own (AWS_REGION, the profile's)
 * when it has one, else `fallback`, the command's own region (`--region`, the stack's aws:region), so that
 * no AWS_REGION is needed besides it.
 */
export async function managementRegion(fallback: string | undefined): Promise<string | undefined> {
  const configured = await new STSClient({}).config.region().catch(() => undefined);
  return configured ?? fallback;
}

/** Settings for every client: the SDK's standard retry strategy (throttling, 5xx, timeouts) with more attempts. */
export function clientConfig(region?: string, credentials?: Credentials) {
  return {
    ...(region ? { region } : {}),
    ...(credentials ? { credentials } : {}),
    maxAttempts: 5,
    retryMode: "standard" as const,
    requestHandler: sharedRequestHandler,
    // Resolve each operation's middleware once per client, not on every call (the SDK's own option for this).
    cacheMiddleware: true,
  };
}

type ClientClass<Client> = new (config: ReturnType<typeof clientConfig>) => Client;
const clientsOf = new WeakMap<Credentials, Map<ClientClass<unknown>, Map<string, unknown>>>();

/**
 * The client of `Client`'s service in `region` for an assumed role's `credentials`, built once for them and
 * shared by every read of that account × region: building a client resolves its whole configuration
 * (environment, profile files, endpoint rules), which was a fifth of a many-account audit's CPU. The clients
 * live as long as the credentials (one account's audit); the caller's own credentials get a new client each time.
 */
export function clientFor<Client>(
  Client: ClientClass<Client>,
  region: string,
  credentials?: Credentials,
): Client {
  if (!credentials) return new Client(clientConfig(region));
  let byService = clientsOf.get(credentials);
  if (!byService) clientsOf.set(credentials, (byService = new Map()));
  let byRegion = byService.get(Client);
  if (!byRegion) byService.set(Client, (byRegion = new Map()));
  let client = byRegion.get(region) as Client | undefined;
  if (!client) byRegion.set(region, (client = new Client(clientConfig(region, credentials))));
  return client;
}

const RETRYABLE_ERROR_NAMES = new Set([
  "Throttling",
  "ThrottlingException",
  "RequestLimitExceeded",
  "TooManyRequestsException",
  "RequestThrottled",
  "ServiceUnavailable",
  "InternalFailure",
  "IDPCommunicationError",
]);

function isRetryableError(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  const status = (err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  return RETRYABLE_ERROR_NAMES.has(err.name) || (status !== undefined && status >= 500);
}

export interface Caller {
  accountId: string;
  partition: string;
  arn: string;
}

export async function whoAmI(sts: STSClient): Promise<Caller> {
  const identity = await sts.send(new GetCallerIdentityCommand({}));
  if (!identity.Account || !identity.Arn) throw new Error("GetCallerIdentity returned no account");
  return { accountId: identity.Account, arn: identity.Arn, partition: identity.Arn.split(":")[1] };
}

export function roleArn(caller: Caller, accountId: string, roleName: string): string {
  return `arn:${caller.partition}:iam::${accountId}:role/${roleName}`;
}

// STS throttles AssumeRole per calling account, shared with every other automation there; the SDK's own
// retries give up within seconds, so a bulk audit backs off longer before calling an account an ERROR.
const ASSUME_ROLE_BACKOFF: BackoffPolicy = { attempts: 4, baseDelayMs: 500, maxDelayMs: 8_000 };

async function assumeRole(
  sts: STSClient,
  arn: string,
  backoff: BackoffPolicy = ASSUME_ROLE_BACKOFF,
): Promise<Credentials> {
  const response = await withBackoff(
    () => sts.send(new AssumeRoleCommand({ RoleArn: arn, RoleSessionName: "ssm-runas-readonly" })),
    isRetryableError,
    backoff,
  );
  const credentials = response.Credentials;
  if (!credentials?.AccessKeyId || !credentials.SecretAccessKey) {
    throw new Error("AssumeRole returned no credentials");
  }
  return {
    accessKeyId: credentials.AccessKeyId,
    secretAccessKey: credentials.SecretAccessKey,
    sessionToken: credentials.SessionToken,
    expiration: credentials.Expiration,
  };
}

/** The caller's own account is read with the caller's credentials; every other account through `roleName`. */
export async function credentialsFor(
  sts: STSClient,
  caller: Caller,
  accountId: string,
  roleName: string,
  backoff?: BackoffPolicy,
): Promise<Credentials | undefined> {
  if (accountId === caller.accountId) return undefined;
  const arn = roleArn(caller, accountId, roleName);
  try {
    return await assumeRole(sts, arn, backoff);
  } catch (err) {
    throw new Error(`AssumeRole ${arn}: ${describeError(err)}`);
  }
}
