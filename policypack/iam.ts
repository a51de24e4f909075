// Pure helpers over IAM policy documents (SCPs): parse, match actions and ARNs the way IAM does, and tell
// which principals a Deny statement exempts through aws:PrincipalArn.

export interface Statement {
  sid?: string;
  effect: string;
  actions?: string[];
  notActions?: string[];
  resources?: string[];
  notResources?: string[];
  /** operator → condition key → values, as written. */
  conditions: Record<string, Record<string, string[]>>;
}

export interface Exemption {
  /** The aws:PrincipalArn value as written. */
  pattern: string;
  /** Like-operators take `*`/`?` wildcards; Equals-operators compare literally. */
  wildcard: boolean;
  operator: string;
}

function asList(value: unknown): string[] | undefined {
  if (value === undefined) return undefined;
  const items = Array.isArray(value) ? value : [value];
  return items.map((item) => String(item));
}

/** Parses an SCP's `content` (a JSON string, or an already-parsed object). Throws on anything else. */
export function parsePolicyDocument(content: unknown): Statement[] {
  const document = typeof content === "string" ? JSON.parse(content) : content;
  if (document === null || typeof document !== "object") throw new Error("not a JSON object");
  const raw = (document as Record<string, unknown>).Statement;
  if (raw === undefined) throw new Error("has no Statement");
  const statements = Array.isArray(raw) ? raw : [raw];
  return statements.map((entry) => {
    const s = (entry ?? {}) as Record<string, unknown>;
    const conditions: Statement["conditions"] = {};
    const condition = (s.Condition ?? {}) as Record<string, Record<string, unknown>>;
    for (const [operator, keys] of Object.entries(condition)) {
      conditions[operator] = {};
      for (const [key, values] of Object.entries(keys ?? {})) {
        conditions[operator][key] = asList(values) ?? [];
      }
    }
    return {
      sid: typeof s.Sid === "string" ? s.Sid : undefined,
      effect: String(s.Effect),
      actions: asList(s.Action),
      notActions: asList(s.NotAction),
      resources: asList(s.Resource),
      notResources: asList(s.NotResource),
      conditions,
    };
  });
}

function escapeRegExp(text: string): string {
  return text.replace(/[.+^${}()|[\]\\]/g, "\\$&");
}

/** IAM glob: `*` any run of characters, `?` one character. */
export function globMatches(pattern: string, value: string, caseInsensitive = false): boolean {
  const source = pattern
    .split("")
    .map((ch) => (ch === "*" ? ".*" : ch === "?" ? "." : escapeRegExp(ch)))
    .join("");
  return new RegExp(`^${source}$`, caseInsensitive ? "is" : "s").test(value);
}

/** Action names are case-insensitive; `*` and `?` wildcards as in IAM. */
export function actionMatches(pattern: string, action: string): boolean {
  return globMatches(pattern, action, true);
}

function splitArn(arn: string): string[] | undefined {
  const parts = arn.split(":");
  if (parts.length < 6) return undefined;
  return [...parts.slice(0, 5), parts.slice(5).join(":")];
}

/** ArnLike: the six ARN components are matched one by one, wildcards never cross a `:` between them. */
export function arnMatches(pattern: string, arn: string): boolean {
  if (pattern === "*") return true;
  const p = splitArn(pattern);
  const a = splitArn(arn);
  if (!p || !a) return false;
  return p.every((part, index) => globMatches(part, a[index]));
}

export function statementCoversAction(statement: Statement, action: string): boolean {
  if (statement.actions) return statement.actions.some((pattern) => actionMatches(pattern, action));
  if (statement.notActions) return !statement.notActions.some((pattern) => actionMatches(pattern, action));
  return false;
}

export function statementCoversArn(statement: Statement, arn: string): boolean {
  if (statement.resources) return statement.resources.some((pattern) => arnMatches(pattern, arn));
  if (statement.notResources) return !statement.notResources.some((pattern) => arnMatches(pattern, arn));
  return false;
}

// What a `*` in an ARN pattern may stand for when we check that one pattern covers another. Matching is by
// glob, so the fillers only need to differ in shape: a word, an account id, a region, a path.
const WILDCARD_FILLERS = ["x", "111122223333", "eu-west-1", "a/b-c_d.e"];

/** Concrete ARNs that match `pattern`, one per filler (`*` and `?` replaced). */
export function instancesOf(pattern: string): string[] {
  return WILDCARD_FILLERS.map((filler) => pattern.replace(/\*/g, filler).replace(/\?/g, "x"));
}

/** True when every ARN `pattern` describes (as sampled by instancesOf) is matched by `matches`. */
export function coversPattern(matches: (arn: string) => boolean, pattern: string): boolean {
  return instancesOf(pattern).every(matches);
}

const PRINCIPAL_ARN_KEY = "aws:principalarn";
/** Negated operators on aws:PrincipalArn: the statement applies to everyone except the listed principals. */
const EXEMPTING_OPERATORS: Record<string, boolean> = {
  arnnotlike: true,
  stringnotlike: true,
  arnnotequals: false,
  stringnotequals: false,
};

function baseOperator(operator: string): string {
  return operator.toLowerCase().replace(/ifexists$/, "");
}

/** The principals a statement's conditions exempt (the union over its aws:PrincipalArn exemptions). */
export function exemptionsOf(statement: Statement): Exemption[] {
  const found: Exemption[] = [];
  for (const [operator, keys] of Object.entries(statement.conditions)) {
    const wildcard = EXEMPTING_OPERATORS[baseOperator(operator)];
    if (wildcard === undefined) continue;
    for (const [key, values] of Object.entries(keys)) {
      if (key.toLowerCase() !== PRINCIPAL_ARN_KEY) continue;
      for (const pattern of values) found.push({ pattern, wildcard, operator });
    }
  }
  return found;
}

/**
 * Conditions other than aws:PrincipalArn exemptions, as `Operator aws:Key` strings. A Deny with any of them
 * applies only sometimes (a tag, a region, a time an account admin may control), so it does not count as
 * a guard.
 */
export function otherConditions(statement: Statement): string[] {
  const other: string[] = [];
  for (const [operator, keys] of Object.entries(statement.conditions)) {
    const exempting = EXEMPTING_OPERATORS[baseOperator(operator)] !== undefined;
    for (const key of Object.keys(keys)) {
      if (!exempting || key.toLowerCase() !== PRINCIPAL_ARN_KEY) other.push(`${operator} ${key}`);
    }
  }
  return other;
}

export function exemptionMatches(exemption: Exemption, principalArn: string): boolean {
  if (!exemption.wildcard) return exemption.pattern === principalArn;
  return exemption.operator.toLowerCase().startsWith("arn")
    ? arnMatches(exemption.pattern, principalArn)
    : globMatches(exemption.pattern, principalArn);
}

/** True when the exemptions together exempt every principal `pattern` describes. */
export function exemptsPattern(exemptions: readonly Exemption[], pattern: string): boolean {
  return coversPattern((arn) => exemptions.some((e) => exemptionMatches(e, arn)), pattern);
}

// Principals no exemption may match: an arbitrary role (with and without a path) and an arbitrary user.
const ARBITRARY_PRINCIPALS = [
  "arn:aws:iam::111122223333:role/zq-any-role-7f3a",
  "arn:aws:iam::111122223333:role/zq/any/path/zq-any-role-7f3a",
  "arn:aws:iam::111122223333:user/zq-any-user-7f3a",
];

/** True when an exemption matches principals with arbitrary names: it exempts everyone. */
export function exemptsEveryone(exemption: Exemption): boolean {
  return ARBITRARY_PRINCIPALS.some((arn) => exemptionMatches(exemption, arn));
}

// A role-name prefix: a fixed partition and service, an account id or `*`, an optional literal path and a
// literal name that may end in one `*`.
const ROLE_PREFIX_PATTERN = /^arn:aws(-[a-z]+)*:iam::(\d{12}|\*):role\/([\w+=,.@-]+\/)*[\w+=,.@-]+\*?$/;

/** True when a pattern is no broader than a role-name prefix (wildcards only at the end of the name). */
export function isRoleNamePrefix(pattern: string): boolean {
  return ROLE_PREFIX_PATTERN.test(pattern);
}

/** One condition of a statement: `ForAnyValue:StringEqualsIgnoreCase` → set `foranyvalue`, base `stringequalsignorecase`. */
export interface ConditionEntry {
  /** The operator as written. */
  operator: string;
  /** `foranyvalue`, `forallvalues` or undefined. */
  set?: string;
  /** The operator lower-cased, without its set qualifier and `IfExists`. */
  base: string;
  key: string;
  values: string[];
}

export function conditionEntries(statement: Statement): ConditionEntry[] {
  const entries: ConditionEntry[] = [];
  for (const [operator, keys] of Object.entries(statement.conditions)) {
    const [qualifier, name] = operator.includes(":") ? operator.split(":", 2) : [undefined, operator];
    for (const [key, values] of Object.entries(keys)) {
      entries.push({
        operator,
        set: qualifier?.toLowerCase(),
        base: baseOperator(name),
        key,
        values,
      });
    }
  }
  return entries;
}

/** True when the condition is one of the statement's aws:PrincipalArn exemptions. */
export function isExemptionCondition(entry: ConditionEntry): boolean {
  return (
    entry.set === undefined &&
    EXEMPTING_OPERATORS[entry.base] !== undefined &&
    entry.key.toLowerCase() === PRINCIPAL_ARN_KEY
  );
}

/** True when every principal `pattern` describes matches the ArnLike `within` (e.g. a pattern under a path). */
export function patternWithin(pattern: string, within: string): boolean {
  return coversPattern((arn) => arnMatches(within, arn), pattern);
}

/** Deny statements that cover `action` on every ARN `arnPattern` describes. */
export function denies(statements: readonly Statement[], action: string, arnPattern: string): Statement[] {
  return statements.filter(
    (s) =>
      s.effect === "Deny" &&
      statementCoversAction(s, action) &&
      coversPattern((arn) => statementCoversArn(s, arn), arnPattern),
  );
}

/** A Deny that holds: no condition but aws:PrincipalArn exemptions, and no exemption that matches everyone. */
export function guards(statement: Statement): boolean {
  return otherConditions(statement).length === 0 && !exemptionsOf(statement).some((e) => exemptsEveryone(e));
}

/** The actions of `actions` that no Deny satisfying `holds` (by default: a guard) covers on `arnPattern`. */
export function unguarded(
  statements: readonly Statement[],
  actions: readonly string[],
  arnPattern: string,
  holds: (statement: Statement) => boolean = guards,
): string[] {
  return actions.filter((action) => !denies(statements, action, arnPattern).some(holds));
}

/** Why a Deny does not hold (see guards), or undefined when it does. */
export function whyNotGuarding(statement: Statement): string | undefined {
  const other = otherConditions(statement);
  if (other.length > 0) return `applies only under ${other.join(" and ")}`;
  const everyone = exemptionsOf(statement).filter((e) => exemptsEveryone(e));
  if (everyone.length > 0) return `exempts everyone (${everyone.map((e) => e.pattern).join(", ")})`;
  return undefined;
}
