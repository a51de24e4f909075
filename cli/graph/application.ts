// The IAM Identity Center enterprise application in Entra ID, read through Graph: the service principal,
// its provisioning jobs and their schema, its claims mapping policies and who is assigned to it.
import { odataString, type GraphClient } from "./client";
import type { ClaimsMappingPolicy } from "./claims";
import type { SynchronizationJob } from "./jobs";
import type { SynchronizationSchema } from "./schema";

/**
 * The gallery application's display name starts with this: Microsoft's tutorials call it "AWS IAM Identity
 * Center", tenants that added it earlier show "AWS IAM Identity Center (successor to AWS Single Sign-On)".
 */
export const GALLERY_APP_PREFIX = "AWS IAM Identity Center";

const APP_ID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface ServicePrincipal {
  id: string;
  appId: string;
  displayName: string;
}

/** Pure: the `$filter` that finds `--app` (an appId, else a display name), or the gallery app by default. */
export function applicationFilter(app: string | undefined): string {
  if (app === undefined) return `startswith(displayName, ${odataString(GALLERY_APP_PREFIX)})`;
  return APP_ID_PATTERN.test(app)
    ? `appId eq ${odataString(app.toLowerCase())}`
    : `displayName eq ${odataString(app)}`;
}

/** The one enterprise application `--app` names; one line (exit 2) when there is none or several. */
export async function findApplication(
  graph: GraphClient,
  app: string | undefined,
): Promise<ServicePrincipal> {
  const filter = encodeURIComponent(applicationFilter(app));
  const found = await graph.listAll<ServicePrincipal>(
    `/servicePrincipals?$filter=${filter}&$select=id,appId,displayName`,
  );
  const named =
    app === undefined
      ? `named ${GALLERY_APP_PREFIX}…`
      : APP_ID_PATTERN.test(app)
        ? `with appId ${app}`
        : `named "${app}"`;
  if (found.length === 0) {
    throw new Error(`no enterprise application ${named} in this tenant: pass --app <display name or appId>`);
  }
  if (found.length > 1) {
    const listed = found.map(({ displayName, appId }) => `${displayName} (appId ${appId})`).join(", ");
    throw new Error(`${found.length} enterprise applications ${named}: ${listed}; pass --app <appId>`);
  }
  return found[0];
}

/** The application's provisioning jobs (none when provisioning was never set up). */
export async function synchronizationJobs(
  graph: GraphClient,
  app: ServicePrincipal,
): Promise<SynchronizationJob[]> {
  return graph.listAll<SynchronizationJob>(`/servicePrincipals/${app.id}/synchronization/jobs`);
}

/** The application's provisioning jobs; one line (exit 2) when it has none. */
export async function provisioningJobs(
  graph: GraphClient,
  app: ServicePrincipal,
): Promise<SynchronizationJob[]> {
  const jobs = await synchronizationJobs(graph, app);
  if (jobs.length === 0) {
    throw new Error(
      `${app.displayName} (appId ${app.appId}) has no provisioning job: set Provisioning Mode to Automatic in the Entra admin center`,
    );
  }
  return jobs;
}

export function jobSchema(
  graph: GraphClient,
  app: ServicePrincipal,
  jobId: string,
): Promise<SynchronizationSchema> {
  return graph.get(`/servicePrincipals/${app.id}/synchronization/jobs/${encodeURIComponent(jobId)}/schema`);
}

export async function claimsMappingPolicies(
  graph: GraphClient,
  app: ServicePrincipal,
): Promise<ClaimsMappingPolicy[]> {
  return graph.listAll<ClaimsMappingPolicy>(`/servicePrincipals/${app.id}/claimsMappingPolicies`);
}
