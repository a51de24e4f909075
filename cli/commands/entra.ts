// `ssm-runas entra`: the Entra ID side of the chain (layer 1), read-only through Microsoft Graph v1.0.
import type { Command } from "commander";
import { exitTwoOnUsageErrors } from "../options";
import { registerEntraCandidatesCommand } from "./entraCandidates";
import { registerEntraCheckCommand } from "./entraCheck";

export function registerEntraCommand(program: Command) {
  const entra = exitTwoOnUsageErrors(program.command("entra")).description(
    "Entra ID (layer 1), read-only through Microsoft Graph: check the IAM Identity Center application's " +
      "provisioning, weigh candidate login-name attributes, and prepare the attribute mapping",
  );
  registerEntraCandidatesCommand(entra);
  registerEntraCheckCommand(entra);
}
