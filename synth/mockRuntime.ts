// Runs the Pulumi program in-process on Pulumi's own mock runtime (no CLI, backend or cloud) and records what
// the engine would have received for each resource. Serves `synth` and the tests alike.
import * as pulumi from "@pulumi/pulumi";

export interface DeclaredResource {
  urn: string;
  type: string;
  name: string;
  custom: boolean;
  parent: string;
  inputs: Record<string, unknown>;
  /** The id the mock runtime gave the resource (newResource below): its import id, or `<name>-id`. */
  id?: string;
  /** The explicit provider a resource names, as the engine references it: `<provider urn>::<provider id>`. */
  provider?: string;
  /** The id passed with Pulumi's `import` option, if any. */
  importId?: string;
  protect: boolean;
  retainOnDelete: boolean;
}

export interface MockRun {
  resources: DeclaredResource[];
  outputs: Record<string, unknown>;
}

export interface MockRunOptions {
  stack: string;
  project?: string;
  /** Fully qualified keys (`namespace:key`) to string values, as the Pulumi CLI hands them to a program. */
  config: Record<string, string>;
  /** The keys of `config` whose values are secrets (`pulumi config set --secret`). */
  secretKeys?: string[];
  /** Answers for provider functions (invokes), by token; anything else answers with its own arguments. */
  invokes?: Record<string, (args: Record<string, unknown>) => Record<string, unknown>>;
}

interface RegisterResourceRequest {
  getType(): string;
  getName(): string;
  getParent(): string;
  getCustom(): boolean;
  getImportid(): string;
  getProvider(): string;
  getProtect(): boolean | undefined;
  getRetainondelete(): boolean | undefined;
}

type Callback = (err: Error | null, response?: { getUrn(): string; getId(): string }) => void;

interface RecordingMonitor {
  registerResource(req: RegisterResourceRequest, callback: Callback): void;
}

function captureRegistrations(
  monitor: RecordingMonitor,
  sink: DeclaredResource[],
  inputsByUrn: Map<string, unknown>,
) {
  const register = monitor.registerResource.bind(monitor);
  monitor.registerResource = (req, callback) => {
    register(req, (err, response) => {
      if (!err && response) {
        const urn = response.getUrn();
        sink.push({
          urn,
          type: req.getType(),
          name: req.getName(),
          custom: req.getCustom(),
          parent: req.getParent(),
          inputs: (inputsByUrn.get(`${req.getType()}::${req.getName()}`) ?? {}) as Record<string, unknown>,
          id: response.getId() || undefined,
          provider: req.getProvider() || undefined,
          importId: req.getImportid() || undefined,
          protect: req.getProtect() === true,
          retainOnDelete: req.getRetainondelete() === true,
        });
      }
      callback(err, response);
    });
  };
}

// When the program throws, the root Stack's outputs promise rejects for the caller and a second, internal
// promise of the same Stack rejects with the same error unobserved. That echo is dropped here; any other
// unhandled rejection keeps Node's default behaviour.
const reportedProgramErrors = new WeakSet<object>();
let echoGuardInstalled = false;
function installEchoGuard() {
  if (echoGuardInstalled) return;
  echoGuardInstalled = true;
  process.on("unhandledRejection", (reason) => {
    if (reason !== null && typeof reason === "object" && reportedProgramErrors.has(reason)) return;
    throw reason;
  });
}

/**
 * Runs `program` as the body of a stack on the mock runtime and returns every resource it declared, in
 * registration order, plus the stack outputs. Rejects with whatever the program threw.
 */
export async function runOnMocks(
  program: () => Record<string, unknown> | Promise<Record<string, unknown>>,
  options: MockRunOptions,
): Promise<MockRun> {
  const resources: DeclaredResource[] = [];
  const inputsByName = new Map<string, unknown>();
  await pulumi.runtime.setMocks(
    {
      newResource(args) {
        inputsByName.set(`${args.type}::${args.name}`, args.inputs);
        return { id: args.id || `${args.name}-id`, state: args.inputs };
      },
      call(args) {
        const answer = options.invokes?.[args.token];
        return answer ? answer(args.inputs) : args.inputs;
      },
    },
    options.project ?? "ssm-runas-sync",
    options.stack,
    true,
  );
  pulumi.runtime.setAllConfig(options.config, options.secretKeys);
  captureRegistrations(pulumi.runtime.getMonitor() as unknown as RecordingMonitor, resources, inputsByName);
  installEchoGuard();
  let outputs: Record<string, unknown>;
  try {
    outputs = (await pulumi.runtime.runInPulumiStack(async () => program())) ?? {};
  } catch (err) {
    if (err !== null && typeof err === "object") reportedProgramErrors.add(err);
    throw err;
  } finally {
    // The stack's outputs can settle before its components' last RPCs (registerOutputs); drained here, they
    // cannot land on the next run's monitor.
    await pulumi.runtime.disconnect();
  }
  return { resources: resources.filter((r) => r.type !== "pulumi:pulumi:Stack"), outputs };
}
