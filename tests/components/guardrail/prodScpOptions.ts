// prod's SCP options, mapped from Pulumi.prod.yaml by the program's and the component's own functions.
import { scpOptionsOf } from "../../../components/guardrail/runShellGuardrail";
import type { ScpOptions } from "../../../components/guardrail/scpDocument";
import { parseStackConfig } from "../../../config/schema";
import { guardrailArgsOf } from "../../../program";
import { exampleRawConfig } from "../../support/exampleStacks";

export function prodScpOptions(): ScpOptions {
  const parsed = parseStackConfig(exampleRawConfig("prod"));
  if (!parsed.ok) throw new Error(parsed.errors.join("\n"));
  return scpOptionsOf(guardrailArgsOf(parsed.config));
}
