// IAM Identity Center reads: which instance and identity store, and the live ABAC configuration.
import {
  DescribeInstanceAccessControlAttributeConfigurationCommand,
  paginateListInstances,
  SSOAdminClient,
  type InstanceMetadata,
} from "@aws-sdk/client-sso-admin";
import type { AccessControlAttribute } from "../../config/schema";
import { clientConfig } from "./clients";

/** IAM Identity Center's admin API in `region` (default: the SDK's). */
export function ssoAdminClient(region?: string): SSOAdminClient {
  return new SSOAdminClient(clientConfig(region));
}

export interface IdentityCenter {
  instanceArn: string;
  identityStoreId: string;
}

async function listInstances(ssoAdmin: SSOAdminClient): Promise<InstanceMetadata[]> {
  const instances: InstanceMetadata[] = [];
  for await (const page of paginateListInstances({ client: ssoAdmin }, {})) {
    instances.push(...(page.Instances ?? []));
  }
  return instances;
}

/** Completes whichever of instance ARN / identity store id is missing from ListInstances. */
export async function resolveIdentityCenter(
  ssoAdmin: SSOAdminClient,
  known: { instanceArn?: string; identityStoreId?: string },
): Promise<IdentityCenter> {
  if (known.instanceArn && known.identityStoreId) {
    return { instanceArn: known.instanceArn, identityStoreId: known.identityStoreId };
  }
  const instances = await listInstances(ssoAdmin);
  const matches = instances.filter(
    (instance) =>
      (!known.instanceArn || instance.InstanceArn === known.instanceArn) &&
      (!known.identityStoreId || instance.IdentityStoreId === known.identityStoreId),
  );
  if (matches.length !== 1 || !matches[0].InstanceArn || !matches[0].IdentityStoreId) {
    const wanted = known.instanceArn ?? known.identityStoreId;
    throw new Error(
      wanted
        ? `no IAM Identity Center instance ${wanted} in this account and region (ListInstances)`
        : `${matches.length} IAM Identity Center instances here: name one with --instance-arn`,
    );
  }
  return { instanceArn: matches[0].InstanceArn, identityStoreId: matches[0].IdentityStoreId };
}

export type AbacState =
  { enabled: true; attributes: AccessControlAttribute[] } | { enabled: false; reason: string };

/** The live ABAC singleton; "not enabled" is an answer, not an error. */
export async function describeAbac(ssoAdmin: SSOAdminClient, instanceArn: string): Promise<AbacState> {
  let response;
  try {
    response = await ssoAdmin.send(
      new DescribeInstanceAccessControlAttributeConfigurationCommand({ InstanceArn: instanceArn }),
    );
  } catch (err) {
    if ((err as Error).name === "ResourceNotFoundException") {
      return {
        enabled: false,
        reason: `attributes for access control (ABAC) are not enabled on ${instanceArn}`,
      };
    }
    throw err;
  }
  if (response.Status !== "ENABLED") {
    const why = response.StatusReason ? `: ${response.StatusReason}` : "";
    return {
      enabled: false,
      reason: `attributes for access control (ABAC) on ${instanceArn} are ${response.Status ?? "in no known state"}${why}`,
    };
  }
  const attributes = (
    response.InstanceAccessControlAttributeConfiguration?.AccessControlAttributes ?? []
  ).map(({ Key, Value }) => {
    const sources = Value?.Source ?? [];
    if (sources.length !== 1) {
      throw new Error(`ABAC attribute ${Key} has ${sources.length} sources; IdC takes exactly one`);
    }
    return { key: Key ?? "", source: sources[0] };
  });
  return { enabled: true, attributes };
}
