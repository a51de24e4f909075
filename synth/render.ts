// Pure renderers: from the resources the program declared to the files a reviewer reads.
import type { OrganizationalUnitPaths } from "../components/lza/lzaConfig";
import { declaredScps, runShellTemplateBodyOf } from "./declared";
import { renderLzaExport } from "./lzaExport";
import type { Plan } from "./plan";
import { renderPlanMarkdown } from "./planMarkdown";
import { TYPES } from "../policypack/rules/types";
import type { DeclaredResource } from "./mockRuntime";
import type { RenderedFile } from "./renderedFile";

interface AbacInputs {
  instanceArn: string;
  accessControlAttributes: { key: string; value: { source: string[] } }[];
}

function json(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

/** `abac.json`: the ABAC singleton in the CloudFormation shape (`AWS::SSO::InstanceAccessControlAttributeConfiguration`). */
export function renderAbac(resources: DeclaredResource[]): RenderedFile {
  const abac = resources.filter((r) => r.type === TYPES.nativeAbac);
  if (abac.length !== 1) throw new Error(`expected exactly one ${TYPES.nativeAbac}, found ${abac.length}`);
  const inputs = abac[0].inputs as unknown as AbacInputs;
  return {
    file: "abac.json",
    content: json({
      InstanceArn: inputs.instanceArn,
      AccessControlAttributes: inputs.accessControlAttributes.map(({ key, value }) => ({
        Key: key,
        Value: { Source: value.source },
      })),
    }),
  };
}

/** `scp/<policy-name>.json`: each SCP's content untouched (minified, no trailing newline), as Organizations stores it. */
export function renderScps(resources: DeclaredResource[]): RenderedFile[] {
  return declaredScps(resources).map(({ name, content }) => ({ file: `scp/${name}.json`, content }));
}

/** `runshell-stackset.template.json`: the writer's template body as deployed, inline writer code included. */
export function renderRunShellTemplate(resources: DeclaredResource[]): RenderedFile {
  return { file: "runshell-stackset.template.json", content: `${runShellTemplateBodyOf(resources)}\n` };
}

/** `plan.md` for the reviewer, `plan.json` (the same plan) for tools. */
export function renderPlan(plan: Plan): RenderedFile[] {
  return [
    { file: "plan.md", content: renderPlanMarkdown(plan) },
    { file: "plan.json", content: json(plan) },
  ];
}

/** Every file; `paths` names OUs in the lza/ files when no LZA export component already did. */
export function renderAll(
  resources: DeclaredResource[],
  plan: Plan,
  paths: OrganizationalUnitPaths = {},
): RenderedFile[] {
  return [
    renderAbac(resources),
    ...renderScps(resources),
    renderRunShellTemplate(resources),
    ...renderLzaExport(resources, paths),
    ...renderPlan(plan),
  ];
}
