// The ABAC policy: the Identity Center configuration maps SSMSessionRunAs from one valid source.
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { isAbacConfiguration } from "./resources";
import { attributeListProblems, type AbacAttribute, type SourceRule } from "./rules/abacAttributes";
import { TYPES } from "./rules/types";
import { AD_SOURCE_PATTERN, SCIM_SOURCE_PATTERN } from "./rules/values";

function list(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

function strings(value: unknown): string[] {
  return list(value).map((item) => (typeof item === "string" ? item : JSON.stringify(item)));
}

/**
 * The attributes of an ABAC resource:
 * - aws-native `accessControlAttributes: [{key, value: {source: [...]}}]` (or the deprecated
 *   `instanceAccessControlAttributeConfiguration.accessControlAttributes`, same shape);
 * - classic aws `attributes: [{key, values: [{sources: [...]}]}]`.
 */
export function abacAttributes(type: string, props: Record<string, unknown>): AbacAttribute[] {
  if (type === TYPES.nativeAbac) {
    const deprecated = props.instanceAccessControlAttributeConfiguration as
      { accessControlAttributes?: unknown } | undefined;
    const items = props.accessControlAttributes ?? deprecated?.accessControlAttributes;
    return list(items).map((item) => {
      const attribute = (item ?? {}) as { key?: unknown; value?: { source?: unknown } };
      return { key: String(attribute.key ?? ""), sources: strings(attribute.value?.source) };
    });
  }
  return list(props.attributes).map((item) => {
    const attribute = (item ?? {}) as { key?: unknown; values?: unknown };
    const sources = list(attribute.values).reduce<string[]>(
      (all, value) => all.concat(strings((value as { sources?: unknown } | null)?.sources)),
      [],
    );
    return { key: String(attribute.key ?? ""), sources };
  });
}

/** The pack does not know the stack's identity source: either syntax is valid. */
const EITHER_SOURCE: SourceRule = {
  pattern: new RegExp(`${SCIM_SOURCE_PATTERN.source}|${AD_SOURCE_PATTERN.source}`),
  rule: "use ${path:...} (external IdP such as Entra ID) or ${attribute} (AWS Managed Microsoft AD)",
};

/** Everything wrong with an ABAC resource's attribute list, one sentence each, naming the property at fault. */
export function abacProblems(type: string, props: Record<string, unknown>): string[] {
  const property = type === TYPES.nativeAbac ? "accessControlAttributes" : "attributes";
  return attributeListProblems(abacAttributes(type, props), EITHER_SOURCE).map(
    ({ index, field, value, message }) =>
      index === undefined
        ? `${property}: ${message}.`
        : `${property}[${index}].${field} ${JSON.stringify(value)}: ${message}.`,
  );
}

export const abacRunAsAttribute: ResourceValidationPolicy = {
  name: "ssm-runas-abac-run-as-attribute",
  description:
    "The IAM Identity Center ABAC configuration maps SSMSessionRunAs (exact casing) from exactly one non-empty " +
    "${path:...} or ${attribute} source, with unique keys and at most 50 attributes.",
  enforcementLevel: "mandatory",
  validateResource: (args, reportViolation) => {
    if (!isAbacConfiguration(args.type)) return;
    for (const problem of abacProblems(args.type, args.props)) reportViolation(problem);
  },
};
