// Pure reading of a provisioning job's synchronizationSchema: the user mapping that fills one SCIM attribute
// of IAM Identity Center, what its source is (a per-user attribute, a constant, an expression that may read
// group membership or app roles), and the schema with that mapping replaced, for `entra mapping`.

/** The source directory of every Entra ID provisioning job, as the schema names it. */
export const ENTRA_SOURCE_DIRECTORY = "Azure Active Directory";

export interface MappingSource {
  expression?: string;
  name?: string;
  parameters?: { key: string; value: MappingSource }[] | null;
  type?: "Attribute" | "Constant" | "Function";
}

export interface AttributeMapping {
  defaultValue?: string | null;
  exportMissingReferences?: boolean;
  flowBehavior?: string;
  flowType?: string;
  matchingPriority?: number;
  source?: MappingSource | null;
  targetAttributeName: string;
}

export interface ObjectMapping {
  enabled?: boolean;
  sourceObjectName: string;
  targetObjectName: string;
  attributeMappings: AttributeMapping[];
}

export interface SynchronizationSchema {
  directories?: { name: string; objects?: { name: string; attributes?: { name: string }[] }[] }[];
  synchronizationRules: {
    sourceDirectoryName: string;
    objectMappings: ObjectMapping[];
  }[];
  "@odata.context"?: string;
}

/** The object mapping that provisions Entra ID users as users, or undefined when the schema has none. */
export function userObjectMapping(schema: SynchronizationSchema): ObjectMapping | undefined {
  return schema.synchronizationRules
    .filter((rule) => rule.sourceDirectoryName === ENTRA_SOURCE_DIRECTORY)
    .flatMap((rule) => rule.objectMappings)
    .find((mapping) => mapping.sourceObjectName === "User" && mapping.targetObjectName === "User");
}

/** The source directory's user attributes the schema lists: what a mapping may read. */
export function sourceUserAttributes(schema: SynchronizationSchema): string[] {
  const directory = schema.directories?.find(({ name }) => name === ENTRA_SOURCE_DIRECTORY);
  const user = directory?.objects?.find(({ name }) => name === "User");
  return (user?.attributes ?? []).map(({ name }) => name);
}

// Attributes and functions whose value comes from the user's groups or app roles, not the user alone: a
// user whose groups emit different values gets several, and IdC rejects the sign-in.
const GROUP_DEPENDENT_ATTRIBUTES = new Set([
  "appRoleAssignments",
  "memberOf",
  "transitiveMemberOf",
  "groups",
]);
const GROUP_DEPENDENT_FUNCTION = /AppRoleAssignment/i;

function attributesRead(source: MappingSource): string[] {
  if ((source.type ?? "Attribute") === "Attribute") return source.name ? [source.name] : [];
  return (source.parameters ?? []).flatMap(({ value }) => attributesRead(value));
}

function groupDependentParts(source: MappingSource): string[] {
  const own =
    (source.type === "Function" && source.name && GROUP_DEPENDENT_FUNCTION.test(source.name)) ||
    ((source.type ?? "Attribute") === "Attribute" &&
      source.name &&
      GROUP_DEPENDENT_ATTRIBUTES.has(source.name))
      ? [source.name]
      : [];
  return [...own, ...(source.parameters ?? []).flatMap(({ value }) => groupDependentParts(value))];
}

export const MAPPING_KINDS = ["DIRECT", "EXPRESSION", "CONSTANT", "GROUP_DEPENDENT", "MISSING"] as const;
export type MappingKind = (typeof MAPPING_KINDS)[number];

export interface MappingVerdict {
  kind: MappingKind;
  ok: boolean;
  detail: string;
  /** The mapping found (undefined: MISSING). */
  mapping?: AttributeMapping;
  /** The per-user attributes it reads. */
  attributes: string[];
}

const expressionOf = (source: MappingSource) => source.expression ?? `[${source.name ?? ""}]`;

/** Pure: what the mapping whose target is `target` gives each user. */
export function classifyMapping(schema: SynchronizationSchema, target: string): MappingVerdict {
  const objectMapping = userObjectMapping(schema);
  if (!objectMapping) {
    return {
      kind: "MISSING",
      ok: false,
      attributes: [],
      detail: `the schema has no mapping of ${ENTRA_SOURCE_DIRECTORY} users: users are not provisioned at all`,
    };
  }
  const mapping = objectMapping.attributeMappings.find(
    ({ targetAttributeName }) => targetAttributeName.toLowerCase() === target.toLowerCase(),
  );
  if (!mapping || !mapping.source) {
    return {
      kind: "MISSING",
      ok: false,
      attributes: [],
      detail:
        `no mapping targets ${target}: IAM Identity Center gets no value, so sessions fall back to the default ` +
        "user; add one (ssm-runas entra mapping --source <attribute>)",
    };
  }
  const source = mapping.source;
  const expression = expressionOf(source);
  const attributes = attributesRead(source);
  const disabled =
    objectMapping.enabled === false ? "; but the user mapping is disabled, so nothing is provisioned" : "";
  const fallback =
    mapping.defaultValue && attributes.length > 0
      ? `; users without a value get the default value "${mapping.defaultValue}", all the same Linux user`
      : "";
  const verdict = (kind: MappingKind, ok: boolean, detail: string): MappingVerdict => ({
    kind,
    ok: ok && !disabled && !fallback,
    detail: `${detail}${disabled}${fallback}`,
    mapping,
    attributes,
  });
  const groupParts = groupDependentParts(source);
  if (groupParts.length > 0) {
    return verdict(
      "GROUP_DEPENDENT",
      false,
      `expression ${expression} reads group membership or app roles (${[...new Set(groupParts)].join(", ")}): ` +
        "users whose groups give different values are rejected at sign-in; map a per-user attribute",
    );
  }
  if (attributes.length === 0) {
    return verdict(
      "CONSTANT",
      false,
      `constant ${expression}: every user gets the same value, so everyone would share one Linux user; map a per-user attribute`,
    );
  }
  if ((source.type ?? "Attribute") === "Attribute") {
    return verdict("DIRECT", true, `${expression}, a direct per-user attribute`);
  }
  return verdict(
    "EXPRESSION",
    true,
    `expression ${expression} reads only per-user attributes (${attributes.join(", ")})`,
  );
}

/** Pure: the flow type verdict; Always (the default) keeps IdC's value in step with Entra ID's. */
export function flowTypeVerdict(mapping: AttributeMapping): { ok: boolean; detail: string } {
  const flowType = mapping.flowType ?? "Always";
  return flowType === "Always"
    ? { ok: true, detail: "Always: every change in Entra ID reaches IAM Identity Center" }
    : {
        ok: false,
        detail: `${flowType}: a changed value never reaches IAM Identity Center (set Apply this mapping: Always)`,
      };
}

/** The mapping `entra mapping` adds: a direct attribute, flowing always. */
export function directMapping(attribute: string, target: string, matchingPriority = 0): AttributeMapping {
  return {
    defaultValue: null,
    exportMissingReferences: false,
    flowBehavior: "FlowWhenChanged",
    flowType: "Always",
    matchingPriority,
    source: { expression: `[${attribute}]`, name: attribute, parameters: [], type: "Attribute" },
    targetAttributeName: target,
  };
}

/**
 * Pure: the schema with the user mapping of `target` replaced by a direct mapping from `attribute` (added
 * when there is none; an existing mapping's matching priority kept), and that mapping.
 */
export function withDirectMapping(
  schema: SynchronizationSchema,
  attribute: string,
  target: string,
): { schema: SynchronizationSchema; mapping: AttributeMapping } {
  const updated = structuredClone(schema);
  delete updated["@odata.context"];
  const objectMapping = userObjectMapping(updated);
  if (!objectMapping) {
    throw new Error(`the schema has no mapping of ${ENTRA_SOURCE_DIRECTORY} users to add ${target} to`);
  }
  const index = objectMapping.attributeMappings.findIndex(
    ({ targetAttributeName }) => targetAttributeName.toLowerCase() === target.toLowerCase(),
  );
  const existing = objectMapping.attributeMappings[index];
  const mapping = directMapping(
    attribute,
    existing?.targetAttributeName ?? target,
    existing?.matchingPriority ?? 0,
  );
  if (existing) objectMapping.attributeMappings[index] = mapping;
  else objectMapping.attributeMappings.push(mapping);
  return { schema: updated, mapping };
}
