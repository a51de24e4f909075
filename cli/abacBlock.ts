// The `accessControlAttributes` block for Pulumi.<stack>.yaml that matches a live ABAC configuration exactly.
import { stringify } from "yaml";
import { CONFIG_NAMESPACE } from "../policypack/rules/names";
import { type AccessControlAttribute } from "../config/schema";

/** Indented to paste under `config:`; the yaml library quotes any source that needs it. */
export function accessControlAttributesBlock(attributes: readonly AccessControlAttribute[]): string {
  const yaml = stringify(
    {
      [`${CONFIG_NAMESPACE}:accessControlAttributes`]: attributes.map(({ key, source }) => ({ key, source })),
    },
    { lineWidth: 0 },
  );
  return yaml
    .trimEnd()
    .split("\n")
    .map((line) => `  ${line}\n`)
    .join("");
}
