// Pure verdict on the SAML claim that would override the SCIM value of SSMSessionRunAs. Graph v1.0 exposes
// claims mapping policies assigned to the service principal; the claims the Entra admin center edits
// (Single sign-on > Attributes & Claims) are not in v1.0, so those are left for a person to look at.
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
const GROUP_CLAIM_IDS = new Set(["groups", "roles", "assignedroles", "memberof"]);

/** What to look at by hand, in the admin center, where Graph v1.0 cannot. */
export const CLAIMS_BY_HAND =
  "also check by hand in the Entra admin center (Enterprise applications > the app > Single sign-on > " +
  `Attributes & Claims): no claim ${RUN_AS_SAML_CLAIM}, or one with a single per-user source and no claim ` +
  "conditions, since it overrides the SCIM value";

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
    return fail(
      TITLE,
      `policy ${policy} sets the constant "${entry.Value}": every user gets the same Linux user`,
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
      `policy ${policy} fills it with transformation ${entry.TransformationId}, which overrides the SCIM value: check that it reads only per-user attributes`,
    );
  }
  return pass(
    TITLE,
    `policy ${policy} fills it from the ${entry.Source ?? "user"} attribute ${entry.ID}, which overrides the SCIM value`,
  );
}

/** The claim step when the policies cannot be read (the credential lacks Policy.Read.All). */
export function unreadableClaimStep(reason: string): StepResult {
  return check(TITLE, `claims mapping policies not read (${reason}); ${CLAIMS_BY_HAND}`);
}
