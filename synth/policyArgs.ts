// The argument bags the policy host hands the pack's validations, built from what a program declared on the
// mock runtime.
import type {
  PolicyResource,
  PolicyResourceOptions,
  ResourceValidationArgs,
  StackValidationArgs,
} from "@pulumi/policy";
import type { DeclaredResource } from "./mockRuntime";

/** What `args.notApplicable(reason)` throws, as the policy host's own NotApplicableError. */
export class NotApplicableError extends Error {
  constructor(reason?: string) {
    super(reason ?? "Policy does not apply");
  }
}

function throwNotApplicable(reason?: string): never {
  throw new NotApplicableError(reason);
}

function optionsOf(resource: DeclaredResource): PolicyResourceOptions {
  return {
    protect: resource.protect,
    ignoreChanges: [],
    aliases: [],
    customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
    additionalSecretOutputs: [],
    parent: resource.parent || undefined,
  };
}

type ResourceClass = { new (...rest: never[]): unknown; __pulumiType?: string; isInstance?: unknown };

/** As the policy host does: by the class's Pulumi type token. */
function isTypeOf(type: string, resourceClass: ResourceClass): boolean {
  return typeof resourceClass.__pulumiType === "string" && resourceClass.__pulumiType === type;
}

export function stackTagsFor(project: string, stack: string): ReadonlyMap<string, string> {
  return new Map([
    ["pulumi:project", project],
    ["pulumi:runtime", "nodejs"],
    ["pulumi:stack", stack],
  ]);
}

/** The argument bag the policy host passes a resource validation: the resource's inputs as props. */
export function resourceValidationArgs(
  resource: DeclaredResource,
  getConfig: () => object,
  stackTags: ReadonlyMap<string, string>,
): ResourceValidationArgs {
  const props = resource.inputs;
  return {
    type: resource.type,
    props,
    urn: resource.urn,
    name: resource.name,
    opts: optionsOf(resource),
    stackTags,
    isType: (resourceClass) => isTypeOf(resource.type, resourceClass as unknown as ResourceClass),
    asType: ((resourceClass: ResourceClass) =>
      isTypeOf(resource.type, resourceClass) ? props : undefined) as ResourceValidationArgs["asType"],
    getConfig: getConfig as ResourceValidationArgs["getConfig"],
    notApplicable: throwNotApplicable,
  };
}

/**
 * The resources a stack validation sees. The engine passes outputs; on the mock runtime a resource's
 * outputs are its inputs plus its id, as for a bridged provider's state.
 */
export function policyResources(resources: readonly DeclaredResource[]): PolicyResource[] {
  const byUrn = new Map<string, PolicyResource>();
  const result = resources.map((resource) => {
    const props: Record<string, unknown> = resource.custom
      ? { ...resource.inputs, id: resource.id }
      : { ...resource.inputs };
    const policyResource: PolicyResource = {
      type: resource.type,
      props,
      urn: resource.urn,
      name: resource.name,
      opts: optionsOf(resource),
      dependencies: [],
      propertyDependencies: {},
      isType: (resourceClass) => isTypeOf(resource.type, resourceClass as unknown as ResourceClass),
      asType: ((resourceClass: ResourceClass) =>
        isTypeOf(resource.type, resourceClass) ? props : undefined) as PolicyResource["asType"],
    };
    byUrn.set(resource.urn, policyResource);
    return policyResource;
  });
  resources.forEach((resource, index) => {
    const parent = byUrn.get(resource.parent);
    if (parent) result[index].parent = parent;
  });
  return result;
}

export function stackValidationArgs(
  resources: PolicyResource[],
  getConfig: () => object,
  stackTags: ReadonlyMap<string, string>,
): StackValidationArgs {
  return {
    resources,
    stackTags,
    getConfig: getConfig as StackValidationArgs["getConfig"],
    notApplicable: throwNotApplicable,
  };
}
