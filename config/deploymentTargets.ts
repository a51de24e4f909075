// Stack instances of one StackSet must not cover an account twice: two instances with different default
// users would leave the document to whichever ran last, and removing one would take the writer away from
// accounts the other still targets. The config schema refuses what the config alone shows (an OU listed
// twice, anything beside the root); this refuses what only the organisation shows (an OU inside another).
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { CONFIG_NAMESPACE } from "../policypack/rules/names";
import { formatConfigIssue, type StackConfig } from "./schema";
import { OU_ID_PATTERN } from "../policypack/rules/values";

/** Every OU below each OU asked about, at any depth. */
export type DescendantOus = ReadonlyMap<string, readonly string[]>;

type Targets = Pick<StackConfig, "deploymentTargets" | "organizationalUnitOverrides">;

/** The OUs whose descendants decide whether `targets` overlap: none when there is only one target. */
function ousToInspect({ deploymentTargets, organizationalUnitOverrides }: Targets): string[] {
  const ous = [...deploymentTargets, ...Object.keys(organizationalUnitOverrides)];
  return ous.length < 2 ? [] : ous.filter((id) => OU_ID_PATTERN.test(id));
}

/** One line per target that lies under another target. Pure. */
export function overlappingTargetErrors(targets: Targets, descendants: DescendantOus): string[] {
  const overrides = targets.organizationalUnitOverrides;
  const describe = (ou: string) =>
    ou in overrides
      ? `organizationalUnitOverrides OU ${ou} (user ${overrides[ou]})`
      : `deploymentTargets OU ${ou}`;
  const keyOf = (ou: string) =>
    ou in overrides
      ? `${CONFIG_NAMESPACE}:organizationalUnitOverrides.${ou}`
      : `${CONFIG_NAMESPACE}:deploymentTargets[${targets.deploymentTargets.indexOf(ou)}]`;
  const listed = new Set([...targets.deploymentTargets, ...Object.keys(overrides)]);
  const errors: string[] = [];
  for (const [ancestor, below] of descendants) {
    if (!listed.has(ancestor)) continue;
    for (const ou of below) {
      if (!listed.has(ou)) continue;
      errors.push(
        formatConfigIssue(
          keyOf(ou),
          ou,
          `lies under ${describe(ancestor)} in the organisation: its accounts would get two stack instances; ` +
            "target the other OUs under it instead (docs/configuration.md: per-OU default users)",
        ),
      );
    }
  }
  return errors;
}

export const DESCENDANT_OUS_INVOKE =
  "aws:organizations/getOrganizationalUnitDescendantOrganizationalUnits:getOrganizationalUnitDescendantOrganizationalUnits";

/** Asks Organizations (through the provider's invoke) for the OUs below each of `ous`. */
async function readDescendantOus(ous: readonly string[]): Promise<DescendantOus> {
  const entries = await Promise.all(
    ous.map(async (parentId) => {
      // `childrens`: the provider's (pluralised) name for the Terraform attribute `children`.
      const { childrens } = await aws.organizations.getOrganizationalUnitDescendantOrganizationalUnits({
        parentId,
      });
      return [parentId, (childrens ?? []).map(({ id }) => id)] as const;
    }),
  );
  return new Map(entries);
}

/** Throws a RunError, one line per overlap, when targets overlap in the organisation. */
export async function refuseOverlappingTargets(targets: Targets): Promise<void> {
  const ous = ousToInspect(targets);
  if (ous.length === 0) return;
  const errors = overlappingTargetErrors(targets, await readDescendantOus(ous));
  if (errors.length > 0) throw new pulumi.RunError(errors.join("\n"));
}
