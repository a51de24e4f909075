// The runtime policy (advisory): no Lambda function on a deprecated Node.js runtime.
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { isLzaRunShellExport, templateOf } from "./resources";
import { TYPES } from "./rules/types";
import { isDeprecatedRuntime, NEWEST_NODEJS_RUNTIME } from "./rules/values";
import { lambdaRuntimes } from "./template";

export const lambdaRuntimeSupported: ResourceValidationPolicy = {
  name: "ssm-runas-lambda-runtime-supported",
  description:
    "Lambda functions (in StackSet and stack templates, the LZA export's template, or declared directly) use a " +
    "Node.js runtime newer than " +
    "20.x: deprecated runtimes stop receiving patches and later cannot be updated.",
  enforcementLevel: "advisory",
  validateResource: (args, reportViolation) => {
    if (args.type === TYPES.lambdaFunction) {
      if (isDeprecatedRuntime(args.props.runtime)) {
        reportViolation(`runtime ${String(args.props.runtime)} is deprecated: use ${NEWEST_NODEJS_RUNTIME}.`);
      }
      return;
    }
    if (args.type !== TYPES.stackSet && args.type !== TYPES.stack && !isLzaRunShellExport(args.type)) return;
    const template = templateOf(args.props);
    if (!template) return;
    for (const [logicalId, runtime] of lambdaRuntimes(template)) {
      if (isDeprecatedRuntime(runtime)) {
        reportViolation(
          `${logicalId} uses runtime ${String(runtime)}, which is deprecated: use ${NEWEST_NODEJS_RUNTIME}.`,
        );
      }
    }
  },
};
