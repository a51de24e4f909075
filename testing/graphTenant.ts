// An Entra ID tenant as the Microsoft Graph test server (./graphServer) serves it, and builders whose objects
// are shaped like the examples of Microsoft's Graph v1.0 reference: servicePrincipal, synchronizationJob
// (status, quarantine, lastExecution), synchronizationSchema (directories, synchronizationRules[].objectMappings[]
// .attributeMappings[] with attributeMappingSource), appRoleAssignment, user, claimsMappingPolicy.
import type { AttributeMapping, MappingSource as AttributeMappingSource } from "../cli/graph/schema";

export const ENTRA_DIRECTORY = "Azure Active Directory";
/** The gallery application's display name. */
export const GALLERY_APP_NAME = "AWS IAM Identity Center (successor to AWS Single Sign-On)";
// Stand-ins: the gallery app's provisioning template id and target directory name are Entra's own; the
// program never reads them (it finds the user mapping by its source directory and object).
const TEMPLATE_ID = "awsidentitycenter";
const TARGET_DIRECTORY = "AWS IAM Identity Center";
const ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";

export interface SynchronizationSchema {
  id: string;
  version: string;
  directories: {
    id: string;
    name: string;
    objects: { name: string; attributes: { name: string; type: string }[] }[];
  }[];
  synchronizationRules: {
    id: string;
    name: string;
    sourceDirectoryName: string;
    targetDirectoryName: string;
    editable: boolean;
    objectMappings: {
      enabled: boolean;
      flowTypes: string;
      name: string;
      scope: null;
      sourceObjectName: string;
      targetObjectName: string;
      attributeMappings: AttributeMapping[];
    }[];
  }[];
}

export interface SynchronizationJob {
  id: string;
  templateId: string;
  schedule: { expiration: string | null; interval: string; state: string };
  status: Record<string, unknown> & { code: string; quarantine: Record<string, unknown> | null };
}

export interface AppRoleAssignment {
  id: string;
  deletedDateTime: null;
  appRoleId: string;
  createdDateTime: string;
  principalDisplayName: string;
  principalId: string;
  principalType: "User" | "Group" | "ServicePrincipal";
  resourceDisplayName: string;
  resourceId: string;
}

export interface ClaimsMappingPolicy {
  id: string;
  deletedDateTime: null;
  definition: string[];
  displayName: string;
  isOrganizationDefault: boolean;
}

export interface TenantServicePrincipal {
  id: string;
  appId: string;
  displayName: string;
  servicePrincipalType: "Application";
  jobs: SynchronizationJob[];
  /** The schema of each job, by job id. */
  schemas: Record<string, SynchronizationSchema>;
  appRoleAssignedTo: AppRoleAssignment[];
  claimsMappingPolicies: ClaimsMappingPolicy[];
}

export type TenantUser = Record<string, unknown> & {
  id: string;
  userPrincipalName: string;
  displayName: string;
};

export interface TenantGroup {
  id: string;
  displayName: string;
  /** Ids of member users and groups. */
  members: string[];
}

export interface GraphTenant {
  servicePrincipals: TenantServicePrincipal[];
  users: TenantUser[];
  groups: TenantGroup[];
}

let sequence = 0;
/** A fresh GUID-shaped id (deterministic per process). */
export function guid(): string {
  sequence += 1;
  return `00000000-0000-4000-8000-${sequence.toString(16).padStart(12, "0")}`;
}

export const attributeSource = (name: string): AttributeMappingSource => ({
  expression: `[${name}]`,
  name,
  parameters: [],
  type: "Attribute",
});

export const constantSource = (value: string): AttributeMappingSource => ({
  expression: `"${value}"`,
  name: value,
  parameters: [],
  type: "Constant",
});

export const functionSource = (
  name: string,
  parameters: Record<string, AttributeMappingSource>,
  expression: string,
): AttributeMappingSource => ({
  expression,
  name,
  parameters: Object.entries(parameters).map(([key, value]) => ({ key, value })),
  type: "Function",
});

export function attributeMapping(
  targetAttributeName: string,
  source: AttributeMappingSource,
  overrides: Partial<AttributeMapping> = {},
): AttributeMapping {
  return {
    defaultValue: null,
    exportMissingReferences: false,
    flowBehavior: "FlowWhenChanged",
    flowType: "Always",
    matchingPriority: 0,
    source,
    targetAttributeName,
    ...overrides,
  };
}

/** The user mappings of the gallery application, as its provisioning tutorial lists them. */
export function galleryUserMappings(): AttributeMapping[] {
  return [
    attributeMapping("userName", attributeSource("userPrincipalName"), { matchingPriority: 1 }),
    attributeMapping(
      "active",
      functionSource(
        "Switch",
        { source: attributeSource("IsSoftDeleted") },
        'Switch([IsSoftDeleted], , "False", "True", "True", "False")',
      ),
    ),
    attributeMapping("displayName", attributeSource("displayName")),
    attributeMapping("title", attributeSource("jobTitle")),
    attributeMapping('emails[type eq "work"].value', attributeSource("mail")),
    attributeMapping("preferredLanguage", attributeSource("preferredLanguage")),
    attributeMapping("name.givenName", attributeSource("givenName")),
    attributeMapping("name.familyName", attributeSource("surname")),
    attributeMapping(
      "name.formatted",
      functionSource(
        "Join",
        {
          separator: constantSource(" "),
          source1: attributeSource("givenName"),
          source2: attributeSource("surname"),
        },
        'Join(" ", [givenName], [surname])',
      ),
    ),
    attributeMapping('addresses[type eq "work"].locality', attributeSource("city")),
    attributeMapping('addresses[type eq "work"].country', attributeSource("country")),
    attributeMapping('phoneNumbers[type eq "work"].value', attributeSource("telephoneNumber")),
    attributeMapping("externalId", attributeSource("objectId")),
    attributeMapping(`${ENTERPRISE}:department`, attributeSource("department")),
  ];
}

/** The source directory's user attributes the schema lists (the attributes a mapping may read). */
export function entraUserAttributes(extensions: readonly string[] = []): { name: string; type: string }[] {
  const names = [
    "accountEnabled",
    "city",
    "country",
    "department",
    "displayName",
    "employeeId",
    ...Array.from({ length: 15 }, (_, index) => `extensionAttribute${index + 1}`),
    "givenName",
    "IsSoftDeleted",
    "jobTitle",
    "mail",
    "mailNickname",
    "objectId",
    "onPremisesSamAccountName",
    "preferredLanguage",
    "surname",
    "telephoneNumber",
    "userPrincipalName",
    ...extensions,
  ];
  return names.map((name) => ({
    name,
    type: name === "accountEnabled" || name === "IsSoftDeleted" ? "Boolean" : "String",
  }));
}

/** The job's schema: the gallery user mappings, changed by `userMappings` (a target → mapping, or null to drop it). */
export function identityCenterSchema(
  userMappings: Record<string, AttributeMapping | null> = {},
  extensions: readonly string[] = [],
): SynchronizationSchema {
  const mappings = galleryUserMappings().filter(
    ({ targetAttributeName }) => !(targetAttributeName in userMappings),
  );
  for (const mapping of Object.values(userMappings)) if (mapping) mappings.push(mapping);
  return {
    id: `${TEMPLATE_ID}`,
    version: "Date:2026-11-02T09:14:03Z~###~Version:1",
    directories: [
      {
        id: "AzureActiveDirectory",
        name: ENTRA_DIRECTORY,
        objects: [{ name: "User", attributes: entraUserAttributes(extensions) }],
      },
      { id: "AwsIdentityCenter", name: TARGET_DIRECTORY, objects: [{ name: "User", attributes: [] }] },
    ],
    synchronizationRules: [
      {
        id: "6c409270-f78a-4bc6-af23-7cf3ab6482fe",
        name: "USER_OUTBOUND_USER",
        sourceDirectoryName: ENTRA_DIRECTORY,
        targetDirectoryName: TARGET_DIRECTORY,
        editable: true,
        objectMappings: [
          {
            enabled: true,
            flowTypes: "Add, Update, Delete",
            name: `Provision ${ENTRA_DIRECTORY} Users`,
            scope: null,
            sourceObjectName: "User",
            targetObjectName: "User",
            attributeMappings: mappings,
          },
          {
            enabled: true,
            flowTypes: "Add, Update, Delete",
            name: `Provision ${ENTRA_DIRECTORY} Groups`,
            scope: null,
            sourceObjectName: "Group",
            targetObjectName: "Group",
            attributeMappings: [
              attributeMapping("displayName", attributeSource("displayName"), { matchingPriority: 1 }),
            ],
          },
        ],
      },
    ],
  };
}

/** A provisioning job: running (`Active`) with a successful last cycle, unless `status` says otherwise. */
export function provisioningJob(
  servicePrincipalId: string,
  status: Partial<SynchronizationJob["status"]> = {},
): SynchronizationJob {
  const lastExecution = {
    activityIdentifier: guid(),
    countEntitled: 3,
    countEntitledForProvisioning: 3,
    countEscrowed: 0,
    countEscrowedRaw: 0,
    countExported: 0,
    countExports: 0,
    countImported: 3,
    countImportedDeltas: 0,
    countImportedReferenceDeltas: 0,
    error: null,
    state: "Succeeded",
    timeBegan: "2026-12-02T11:20:01.1234567Z",
    timeEnded: "2026-12-02T11:20:39.7654321Z",
  };
  return {
    id: `${TEMPLATE_ID}.6b1e2bca1f5a4e8c9d7f0e6a2c4b8d10.${servicePrincipalId.replace(/-/g, "")}`,
    templateId: TEMPLATE_ID,
    schedule: { expiration: null, interval: "PT40M", state: "Active" },
    status: {
      countSuccessiveCompleteFailures: 0,
      escrowsPruned: false,
      synchronizedEntryCountByType: [],
      code: "Active",
      lastExecution,
      lastSuccessfulExecution: lastExecution,
      lastSuccessfulExecutionWithExports: null,
      steadyStateFirstAchievedTime: "2026-11-02T09:30:00Z",
      steadyStateLastAchievedTime: "2026-12-02T11:20:39Z",
      quarantine: null,
      ...status,
    },
  };
}

/** A quarantined job's status, as synchronizationQuarantine describes it. */
export function quarantinedStatus(
  reason = "EncounteredQuarantineException",
): Partial<SynchronizationJob["status"]> {
  return {
    code: "Quarantine",
    quarantine: {
      currentBegan: "2026-12-02T08:00:00Z",
      nextAttempt: "2026-12-02T20:00:00Z",
      reason,
      seriesBegan: "2026-12-01T20:00:00Z",
      seriesCount: 3,
      error: {
        code: "SystemForCrossDomainIdentityManagementCredentialValidationUnavailable",
        message: "The credentials supplied to the target application are invalid.",
        tenantActionable: true,
      },
    },
  };
}

/** The IAM Identity Center enterprise application with one running provisioning job and the gallery schema. */
export function identityCenterApp(
  options: {
    displayName?: string;
    schema?: SynchronizationSchema;
    jobStatus?: Partial<SynchronizationJob["status"]>;
    withJob?: boolean;
  } = {},
): TenantServicePrincipal {
  const id = guid();
  const job = provisioningJob(id, options.jobStatus);
  const withJob = options.withJob ?? true;
  return {
    id,
    appId: guid(),
    displayName: options.displayName ?? GALLERY_APP_NAME,
    servicePrincipalType: "Application",
    jobs: withJob ? [job] : [],
    schemas: withJob ? { [job.id]: options.schema ?? identityCenterSchema() } : {},
    appRoleAssignedTo: [],
    claimsMappingPolicies: [],
  };
}

export function tenantUser(userPrincipalName: string, properties: Record<string, unknown> = {}): TenantUser {
  const [local] = userPrincipalName.split("@");
  return {
    id: guid(),
    userPrincipalName,
    displayName: local,
    mail: userPrincipalName,
    ...properties,
  };
}

/** Assigns users and groups to the application (its default access role). */
export function assign(app: TenantServicePrincipal, principals: (TenantUser | TenantGroup)[]): void {
  for (const principal of principals) {
    app.appRoleAssignedTo.push({
      id: guid(),
      deletedDateTime: null,
      appRoleId: "00000000-0000-0000-0000-000000000000",
      createdDateTime: "2026-11-02T09:14:03.0000000Z",
      principalDisplayName: principal.displayName,
      principalId: principal.id,
      principalType: "userPrincipalName" in principal ? "User" : "Group",
      resourceDisplayName: app.displayName,
      resourceId: app.id,
    });
  }
}

/** A claims mapping policy whose SAML claim `samlClaimType` reads `source` (`{Source, ID}` or `{Value}`). */
export function claimsMappingPolicy(
  samlClaimType: string,
  claim: Record<string, string>,
): ClaimsMappingPolicy {
  const definition = {
    ClaimsMappingPolicy: {
      Version: 1,
      IncludeBasicClaimSet: "true",
      ClaimsSchema: [{ ...claim, SamlClaimType: samlClaimType }],
    },
  };
  return {
    id: guid(),
    deletedDateTime: null,
    definition: [JSON.stringify(definition)],
    displayName: "AWS session tags",
    isOrganizationDefault: false,
  };
}

export function emptyTenant(): GraphTenant {
  return { servicePrincipals: [], users: [], groups: [] };
}
