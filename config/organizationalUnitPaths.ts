// Landing Zone Accelerator names OUs by path (`Workloads/Prod`), the stack config by id. When an owner is lza,
// the export needs the path of every OU it targets: given in `organizationalUnitPaths`, or looked up in
// Organizations at preview by walking the tree from the root. The walk also checks the config: a given path must
// be the organisation's, and each OU nested in a StackSet target (which LZA must be told about one by one) must
// be given, so that the offline `synth`, which answers those look-ups with an empty organisation and so trusts
// the config, exports what the preview does.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { ousBelow, type OrganizationalUnitPaths } from "../components/lza/lzaConfig";
import { CONFIG_NAMESPACE } from "../policypack/rules/names";
import { OU_ID_PATTERN, ROOT_ID_PATTERN } from "../policypack/rules/values";
import { formatConfigIssue, type StackConfig } from "./schema";

type Owners = Pick<
  StackConfig,
  "runShellOwner" | "guardrailOwner" | "deploymentTargets" | "organizationalUnitOverrides" | "scpTargets"
>;

export const CHILD_OUS_INVOKE = "aws:organizations/getOrganizationalUnits:getOrganizationalUnits";

/** The OUs whose LZA name path the export needs, with the setting that names each. Pure. */
function ousNeedingPaths(config: Owners): { ou: string; setting: string }[] {
  const needed: { ou: string; setting: string }[] = [];
  if (config.runShellOwner === "lza") {
    for (const ou of config.deploymentTargets) needed.push({ ou, setting: "deploymentTargets" });
    for (const ou of Object.keys(config.organizationalUnitOverrides))
      needed.push({ ou, setting: "organizationalUnitOverrides" });
  }
  if (config.guardrailOwner === "lza") {
    for (const ou of config.scpTargets) needed.push({ ou, setting: "scpTargets" });
  }
  return needed.filter(
    ({ ou }, index) => OU_ID_PATTERN.test(ou) && needed.findIndex((n) => n.ou === ou) === index,
  );
}

/** One line per OU the export needs but has no path for, naming the config key and the OU. Pure. */
export function missingOuPathErrors(config: Owners, paths: OrganizationalUnitPaths): string[] {
  return ousNeedingPaths(config)
    .filter(({ ou }) => paths[ou] === undefined)
    .map(({ ou, setting }) =>
      formatConfigIssue(
        `${CONFIG_NAMESPACE}:organizationalUnitPaths.${ou}`,
        undefined,
        `LZA names OUs by path and the ${setting} OU ${ou} has none: give its LZA name (e.g. Workloads/Prod); ` +
          "synth is offline and cannot look it up, pulumi preview did not find it in the organisation",
      ),
    );
}

/** Throws a RunError, one line per OU, when the export needs a path it does not have. */
export function requireOuPaths(config: Owners, paths: OrganizationalUnitPaths): void {
  const errors = missingOuPathErrors(config, paths);
  if (errors.length > 0) throw new pulumi.RunError(errors.join("\n"));
}

/** Every OU of the organisation → its path of OU names, walking Organizations down from the root. */
async function readOrganizationPaths(rootHint: string | undefined): Promise<Record<string, string>> {
  const root = rootHint ?? (await aws.organizations.getOrganization()).roots?.[0]?.id;
  const paths: Record<string, string> = {};
  let level = root === undefined ? [] : [{ id: root, path: "" }];
  while (level.length > 0) {
    const below = await Promise.all(
      level.map(async (parent) => {
        const { children } = await aws.organizations.getOrganizationalUnits({ parentId: parent.id });
        return (children ?? []).map(({ id, name }) => ({
          id,
          path: parent.path ? `${parent.path}/${name}` : name,
        }));
      }),
    );
    level = below.flat();
    for (const { id, path } of level) paths[id] = path;
  }
  return paths;
}

/** The writer's OU targets, whose nested OUs each LZA StackSet entry must name too. Pure. */
function writerOuTargets(config: Owners): { ou: string; setting: string }[] {
  return ousNeedingPaths(config).filter(({ setting }) => setting !== "scpTargets");
}

/**
 * Where the config and the organisation disagree, one line per OU. A given path must be the organisation's: LZA
 * deploys by name, so a wrong one sends the writer or the SCPs to whatever OU has that name. And every OU nested
 * in a writer OU target needs its path in the config: offline, `synth` only knows the config, and would leave the
 * OU out of the export without a word. Pure.
 */
export function ouPathConflicts(
  config: Owners,
  given: OrganizationalUnitPaths,
  organisation: OrganizationalUnitPaths,
): string[] {
  const key = (ou: string) => `${CONFIG_NAMESPACE}:organizationalUnitPaths.${ou}`;
  const wrong = Object.keys(given)
    .filter((ou) => organisation[ou] !== undefined && organisation[ou] !== given[ou])
    .map((ou) =>
      formatConfigIssue(
        key(ou),
        given[ou],
        `the organisation names OU ${ou} ${JSON.stringify(organisation[ou])}, and LZA would deploy to the OU ` +
          `named ${JSON.stringify(given[ou])}: set ${JSON.stringify(organisation[ou])}`,
      ),
    );
  const reported = new Set<string>();
  const nested = writerOuTargets(config).flatMap(({ ou: target, setting }) =>
    ousBelow(target, organisation)
      .filter((ou) => given[ou] === undefined && !reported.has(ou))
      .sort((a, b) => organisation[a].localeCompare(organisation[b]))
      .map((ou) => {
        reported.add(ou);
        return formatConfigIssue(
          key(ou),
          undefined,
          `OU ${ou} lies in the ${setting} OU ${target} and LZA deploys a StackSet only to the OUs it names: add ` +
            `${ou}: ${organisation[ou]}, so that synth, which knows only the config, exports it too`,
        );
      }),
  );
  return [...wrong, ...nested];
}

/**
 * The LZA name path of every OU the export needs: the given ones, checked against Organizations (ouPathConflicts),
 * and the other targets' from Organizations. Nothing is looked up while both owners are pulumi, or while the export
 * names no OU but the root. Offline, `synth` answers the look-ups with an empty organisation: the config is all
 * there is, and is taken as it is.
 */
export async function lookUpOuPaths(
  config: Owners & Pick<StackConfig, "organizationalUnitPaths">,
): Promise<OrganizationalUnitPaths> {
  const given = config.organizationalUnitPaths;
  if (ousNeedingPaths(config).length === 0) return given;
  const root = [...config.deploymentTargets, ...config.scpTargets].find((id) => ROOT_ID_PATTERN.test(id));
  const organisation = await readOrganizationPaths(root);
  const conflicts = ouPathConflicts(config, given, organisation);
  if (conflicts.length > 0) throw new pulumi.RunError(conflicts.join("\n"));
  return { ...organisation, ...given };
}
