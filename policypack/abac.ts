// The ABAC policy: the Identity Center configuration maps SSMSessionRunAs from one valid source.
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { isAbacConfiguration } from "./resources";
import { RUN_AS_TAG_KEY } from "./rules/names";
import { TYPES } from "./rules/types";
import { AD_SOURCE_PATTERN, MAX_ABAC_ATTRIBUTES, SCIM_SOURCE_PATTERN } from "./rules/values";

/** One attribute, whatever resource type declared it: the key and every source listed for it. */
export interface AbacAttribute {
  key: string;
  sources: string[];
}

/** `${path:…}` (an external IdP such as Entra ID) or `${attr}` (AWS Managed Microsoft AD). */
export function isValidSource(source: string): boolean {
  return SCIM_SOURCE_PATTERN.test(source) || AD_SOURCE_PATTERN.test(source);
}

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

/** Everything wrong with an attribute list for SSM RunAs, one message each. */
export function abacProblems(attributes: readonly AbacAttribute[]): string[] {
  const problems: string[] = [];
  if (attributes.length > MAX_ABAC_ATTRIBUTES) {
    problems.push(
      `${attributes.length} attributes: IAM Identity Center allows at most ${MAX_ABAC_ATTRIBUTES}.`,
    );
  }
  const seen = new Set<string>();
  const reported = new Set<string>();
  for (const { key } of attributes) {
    const folded = key.toLowerCase();
    if (seen.has(folded) && !reported.has(folded)) {
      reported.add(folded);
      problems.push(`Key "${key}" is listed more than once (session tag keys are case-insensitive).`);
    }
    seen.add(folded);
  }
  const runAs = attributes.filter(({ key }) => key === RUN_AS_TAG_KEY);
  const miscased = attributes.filter(
    ({ key }) => key !== RUN_AS_TAG_KEY && key.toLowerCase() === RUN_AS_TAG_KEY.toLowerCase(),
  );
  for (const { key } of miscased) {
    problems.push(
      `Key "${key}" must be spelled exactly ${RUN_AS_TAG_KEY}: Session Manager reads the tag with that casing.`,
    );
  }
  if (runAs.length === 0 && miscased.length === 0) {
    problems.push(
      `No ${RUN_AS_TAG_KEY} attribute: without it Session Manager never runs a session as the engineer's own user.`,
    );
  }
  if (runAs.length === 1) {
    const { sources } = runAs[0];
    if (sources.length !== 1) {
      problems.push(
        `${RUN_AS_TAG_KEY} has ${sources.length} sources: IAM Identity Center takes exactly one per attribute.`,
      );
    } else if (sources[0] === "") {
      problems.push(`${RUN_AS_TAG_KEY} has an empty source: it must name the per-user login attribute.`);
    } else if (!isValidSource(sources[0])) {
      problems.push(
        `${RUN_AS_TAG_KEY} source ${JSON.stringify(sources[0])} is not a valid source: ` +
          "use ${path:...} (external IdP such as Entra ID) or ${attribute} (AWS Managed Microsoft AD).",
      );
    }
  }
  return problems;
}

export const abacRunAsAttribute: ResourceValidationPolicy = {
  name: "ssm-runas-abac-run-as-attribute",
  description:
    "The IAM Identity Center ABAC configuration maps SSMSessionRunAs (exact casing) from exactly one non-empty " +
    "${path:...} or ${attribute} source, with unique keys and at most 50 attributes.",
  enforcementLevel: "mandatory",
  validateResource: (args, reportViolation) => {
    if (!isAbacConfiguration(args.type)) return;
    for (const problem of abacProblems(abacAttributes(args.type, args.props))) reportViolation(problem);
  },
};
