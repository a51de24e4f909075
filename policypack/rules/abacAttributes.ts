// The rules an IAM Identity Center ABAC attribute list must follow for SSM RunAs: the stack config applies them
// to what it will deploy, the policy pack to what the engine is asked to deploy.
import { RUN_AS_TAG_KEY } from "./names";
import { MAX_ABAC_ATTRIBUTES } from "./values";

/** One attribute, whatever shape declared it: the key and every source listed for it. */
export interface AbacAttribute {
  key: string;
  sources: readonly string[];
}

export interface AttributeProblem {
  /** The attribute at fault; none for a problem of the whole list. */
  index?: number;
  field?: "key" | "source";
  /** The value at fault. */
  value: unknown;
  message: string;
}

/** How a non-empty source must be written, and the rule to name when it is not. */
export interface SourceRule {
  pattern: RegExp;
  rule: string;
}

/** Every problem of an attribute list, in list order; sources are checked against `sourceRule`. */
export function attributeListProblems(
  attributes: readonly AbacAttribute[],
  sourceRule: SourceRule,
): AttributeProblem[] {
  const problems: AttributeProblem[] = [];
  if (attributes.length > MAX_ABAC_ATTRIBUTES) {
    problems.push({
      value: attributes.length,
      message: `${attributes.length} attributes: IAM Identity Center allows at most ${MAX_ABAC_ATTRIBUTES}`,
    });
  }
  const firstIndexOf = new Map<string, number>();
  attributes.forEach(({ key, sources }, index) => {
    // Session tag keys are case-insensitive in STS, so keys differing only in case collide.
    const folded = key.toLowerCase();
    const first = firstIndexOf.get(folded);
    if (first === undefined) firstIndexOf.set(folded, index);
    else {
      problems.push({
        index,
        field: "key",
        value: key,
        message: `duplicate key (also at index ${first}; keys are compared case-insensitively)`,
      });
    }
    if (folded === RUN_AS_TAG_KEY.toLowerCase() && key !== RUN_AS_TAG_KEY) {
      problems.push({
        index,
        field: "key",
        value: key,
        message: `must be spelled exactly ${RUN_AS_TAG_KEY}: Session Manager reads the tag with that casing`,
      });
    }
    if (sources.length !== 1) {
      problems.push({
        index,
        field: "source",
        value: sources,
        message: `${sources.length} sources: IAM Identity Center takes exactly one per attribute`,
      });
      return;
    }
    const [source] = sources;
    if (key === RUN_AS_TAG_KEY && source === "") {
      problems.push({
        index,
        field: "source",
        value: source,
        message: `${RUN_AS_TAG_KEY} needs a non-empty source naming the per-user login attribute`,
      });
    } else if (source !== "" && !sourceRule.pattern.test(source)) {
      problems.push({ index, field: "source", value: source, message: sourceRule.rule });
    }
  });
  const miscased = attributes.some(
    ({ key }) => key !== RUN_AS_TAG_KEY && key.toLowerCase() === RUN_AS_TAG_KEY.toLowerCase(),
  );
  if (!miscased && !attributes.some(({ key }) => key === RUN_AS_TAG_KEY)) {
    problems.push({
      value: attributes.map(({ key }) => key),
      message: `must hold exactly one key ${RUN_AS_TAG_KEY} (exact casing); without it sessions never run as the engineer's own user`,
    });
  }
  return problems;
}
