// Landing Zone Accelerator names OUs by path (`Workloads/Prod`), the stack config by id. When an owner is lza,
// the export needs the path of every OU it targets: given in `organizationalUnitPaths`, or looked up in
// Organizations at preview by walking the tree from the root (which also finds the OUs nested in a StackSet
// target, which LZA must be told about one by one). Offline, `synth` answers those look-ups with an empty
// organisation, so every OU needs its path in the config there.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { OrganizationalUnitPaths } from "../components/lza/lzaConfig";
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

/**
 * The LZA name path of every OU the export needs: the given ones as they are, the others (and, for the writer, the
 * OUs nested in its targets) from Organizations. Nothing is looked up while both owners are pulumi.
 */
export async function lookUpOuPaths(
  config: Owners & Pick<StackConfig, "organizationalUnitPaths">,
): Promise<OrganizationalUnitPaths> {
  const given = config.organizationalUnitPaths;
  const needsWalk = config.runShellOwner === "lza" || missingOuPathErrors(config, given).length > 0;
  if (!needsWalk) return given;
  const root = [...config.deploymentTargets, ...config.scpTargets].find((id) => ROOT_ID_PATTERN.test(id));
  return { ...(await readOrganizationPaths(root)), ...given };
}
