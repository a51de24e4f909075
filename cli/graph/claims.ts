// Pure verdict on a SAML claim for SSMSessionRunAs. While the ABAC configuration maps SSMSessionRunAs (the stack
// always does), IAM Identity Center sends its identity store's value and ignores the claim's (AWS, IAM Identity
// Center user guide, "Enable and configure attributes for access control"); the claim takes over only if that
// mapping goes. A claim filled from groups or roles can still carry several values, which rejects the sign-in.
// Graph v1.0 exposes claims mapping policies assigned to the service principal; the claims the Entra admin
// center edits (Single sign-on > Attributes & Claims) are not in v1.0, so those are left for a person.
import { RUN_AS_TAG_KEY } from "../../policypack/rules/names";
import { check, fail, pass, type StepResult } from "../verifySteps";

export const RUN_AS_SAML_CLAIM = `https://aws.amazon.com/SAML/Attributes/AccessControl:${RUN_AS_TAG_KEY}`;

export interface ClaimsMappingPolicy {
  displayName?: string;
  definition?: string[];
}

interface ClaimSchemaEntry {
  Source?: string;
  ID?: string;
  Value?: string;
  SamlClaimType?: string;
  TransformationId?: string;
}

const TITLE = `SAML claim ${RUN_AS_TAG_KEY}`;
// Claims whose value comes from groups or roles: several values reject the sign-in.
const IGNORED = `ignored while the ABAC configuration maps ${RUN_AS_TAG_KEY}: IAM Identity Center sends its identity store's value`;
const GROUP_CLAIM_IDS = new Set(["groups", "roles", "assignedroles", "memberof"]);

/** What to look at by hand, in the admin center, where Graph v1.0 cannot. */
export const CLAIMS_BY_HAND =
  "also check by hand in the Entra admin center (Enterprise applications > the app > Single sign-on > " +
  `Attributes & Claims): no claim ${RUN_AS_SAML_CLAIM}, or one with a single per-user source and no claim ` +
  "conditions (IAM Identity Center ignores its value while ABAC maps the key, but several values reject the sign-in)";

function claimEntries(policy: ClaimsMappingPolicy): ClaimSchemaEntry[] {
  return (policy.definition ?? []).flatMap((text) => {
    try {
      const parsed = JSON.parse(text) as { ClaimsMappingPolicy?: { ClaimsSchema?: ClaimSchemaEntry[] } };
      return parsed.ClaimsMappingPolicy?.ClaimsSchema ?? [];
    } catch {
      return [];
    }
  });
}

/** Pure: the claim step from the service principal's claims mapping policies. */
export function claimStep(policies: readonly ClaimsMappingPolicy[]): StepResult {
  const claims = policies.flatMap((policy) =>
    claimEntries(policy)
      .filter(({ SamlClaimType }) => SamlClaimType?.toLowerCase() === RUN_AS_SAML_CLAIM.toLowerCase())
      .map((entry) => ({ policy: policy.displayName ?? "unnamed policy", entry })),
  );
  if (claims.length === 0) {
    return check(TITLE, `no claims mapping policy sets it; ${CLAIMS_BY_HAND}`);
  }
  if (claims.length > 1) {
    return fail(
      TITLE,
      `${claims.length} claims mapping policies set it (${claims.map(({ policy }) => policy).join(", ")}): several values reject the sign-in`,
    );
  }
  const [{ policy, entry }] = claims;
  if (entry.Value !== undefined) {
    return check(
      TITLE,
      `policy ${policy} sets the constant "${entry.Value}", ${IGNORED}; remove it: without that mapping every user would get the same Linux user`,
    );
  }
  if (GROUP_CLAIM_IDS.has((entry.ID ?? "").toLowerCase())) {
    return fail(
      TITLE,
      `policy ${policy} fills it from ${entry.ID}: users whose groups give different values are rejected at sign-in`,
    );
  }
  if (entry.TransformationId) {
    return check(
      TITLE,
      `policy ${policy} fills it with transformation ${entry.TransformationId}, ${IGNORED}; check that it reads only per-user attributes (several values reject the sign-in)`,
    );
  }
  return pass(
    TITLE,
    `policy ${policy} fills it from the ${entry.Source ?? "user"} attribute ${entry.ID}, one value per user; ${IGNORED}`,
  );
}

/** The claim step when the policies cannot be read (the credential lacks Policy.Read.All). */
export function unreadableClaimStep(reason: string): StepResult {
  return check(TITLE, `claims mapping policies not read (${reason}); ${CLAIMS_BY_HAND}`);
}
