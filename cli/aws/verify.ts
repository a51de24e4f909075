// `verify`'s steps for one account, region and user. Each step reports pass or fail with its reason; an AWS
// error fails the step it happened in, not the whole verification.
import { IdentitystoreClient } from "@aws-sdk/client-identitystore";
import { OrganizationsClient } from "@aws-sdk/client-organizations";
import { IAMClient, TagRoleCommand, UntagRoleCommand } from "@aws-sdk/client-iam";
import {
  CreateDocumentCommand,
  DeleteDocumentCommand,
  GetDocumentCommand,
  SSMClient,
  StartSessionCommand,
  TerminateSessionCommand,
  UpdateDocumentCommand,
} from "@aws-sdk/client-ssm";
import { SSOAdminClient } from "@aws-sdk/client-sso-admin";
import { STSClient } from "@aws-sdk/client-sts";
import { RUN_AS_TAG_KEY, RUN_SHELL_DOCUMENT_NAME } from "../../policypack/rules/names";
import { classifyDocument } from "../auditRows";
import { abacVerdict, documentVerdict, runAsValueVerdict } from "../chainVerdicts";
import { describeError } from "../errors";
import { expectedUserFor, type UserExpectation } from "../expectedUser";
import { attributeValue, sourcePath } from "../userAttributes";
import {
  classifyDenyProbe,
  classifyWriteProbe,
  exemptionMatching,
  fail,
  type StepResult,
} from "../verifySteps";
import { clientConfig, credentialsFor, managementRegion, roleArn, whoAmI, type Credentials } from "./clients";
import { describeAbac, resolveIdentityCenter, ssoAdminClient, type IdentityCenter } from "./identityCenter";
import { findUser, identityStoreClient } from "./identityStore";
import { ancestorsOf } from "./organization";
import { readRunShellDocument } from "./runShellDocument";

export interface VerifyInput {
  accountId: string;
  region: string;
  userName: string;
  roleName: string;
  identityCenter: { instanceArn?: string; identityStoreId?: string };
  identityCenterRegion?: string;
  expectation: UserExpectation;
  /** The SSMSessionRunAs source the stack (or --source) declares; the live ABAC one is checked against it. */
  source?: string;
  /** Role ARN patterns the SCP exempts besides the writer's and the StackSet's own. */
  exemptRolePatterns: string[];
  /** The stack's StackSet execution role pattern; without a stack, the service-managed `stacksets-exec-*`. */
  stackSetExecutionRoleArnPattern?: string;
}

function stepTitles(input: VerifyInput) {
  return {
    abac: `ABAC maps ${RUN_AS_TAG_KEY}`,
    user: `user ${input.userName} has a valid RunAs value`,
    document: `${RUN_SHELL_DOCUMENT_NAME} in ${input.accountId}/${input.region} has RunAs on`,
    probe: `the SCP refuses a document write by ${input.roleName}`,
    session: `the SCP refuses a session on ${PROBE_SESSION_DOCUMENT} by ${input.roleName}`,
    tag: `the SCP refuses tagging a role with ${RUN_AS_TAG_KEY} by ${input.roleName}`,
    create: `the SCP refuses creating a Session document by ${input.roleName}`,
  };
}

/** The probes that must be denied name things that do not exist, or that they remove again. */
export const PROBE_INSTANCE_ID = "i-00000000000000000";
export const PROBE_SESSION_DOCUMENT = "AWS-StartInteractiveCommand";
export const PROBE_ROLE_NAME = "ssm-runas-sync-probe";
export const PROBE_DOCUMENT_NAME = "ssm-runas-sync-probe";
const PROBE_DOCUMENT_CONTENT = JSON.stringify({
  schemaVersion: "1.0",
  description: "ssm-runas verify: a probe the session guardrail must refuse; deleted at once if created",
  sessionType: "Standard_Stream",
  inputs: { runAsEnabled: true, runAsDefaultUser: "nobody" },
});

type Probe = (input: VerifyInput, credentials: Credentials) => Promise<{ ok: boolean; detail: string }>;

/** The call's error, or undefined when it went through. */
async function attempt(call: () => Promise<void>): Promise<unknown> {
  try {
    await call();
    return undefined;
  } catch (err) {
    return err ?? new Error("unknown error");
  }
}

const probeSession: Probe = async (input, credentials) => {
  const ssm = new SSMClient(clientConfig(input.region, credentials));
  let cleanup = "";
  const error = await attempt(async () => {
    const { SessionId } = await ssm.send(
      new StartSessionCommand({
        Target: PROBE_INSTANCE_ID,
        DocumentName: PROBE_SESSION_DOCUMENT,
        Parameters: { command: ["true"] },
      }),
    );
    if (SessionId) {
      await ssm.send(new TerminateSessionCommand({ SessionId })).then(
        () => (cleanup = ` (session ${SessionId} terminated)`),
        (err) => (cleanup = ` (TerminateSession ${SessionId}: ${describeError(err)})`),
      );
    }
  });
  const verdict = classifyDenyProbe(error);
  return { ...verdict, detail: verdict.detail + cleanup };
};

const probeTagRole: Probe = async (input, credentials) => {
  const iam = new IAMClient(clientConfig(input.region, credentials));
  let cleanup = "";
  const error = await attempt(async () => {
    await iam.send(
      new TagRoleCommand({ RoleName: PROBE_ROLE_NAME, Tags: [{ Key: RUN_AS_TAG_KEY, Value: "probe" }] }),
    );
    await iam.send(new UntagRoleCommand({ RoleName: PROBE_ROLE_NAME, TagKeys: [RUN_AS_TAG_KEY] })).then(
      () => (cleanup = ` (role ${PROBE_ROLE_NAME} exists: the tag was removed again)`),
      (err) => (cleanup = ` (UntagRole ${PROBE_ROLE_NAME}: ${describeError(err)})`),
    );
  });
  const verdict = classifyDenyProbe(error);
  return { ...verdict, detail: verdict.detail + cleanup };
};

const probeCreateDocument: Probe = async (input, credentials) => {
  const ssm = new SSMClient(clientConfig(input.region, credentials));
  let cleanup = "";
  const error = await attempt(async () => {
    await ssm.send(
      new CreateDocumentCommand({
        Name: PROBE_DOCUMENT_NAME,
        DocumentType: "Session",
        DocumentFormat: "JSON",
        Content: PROBE_DOCUMENT_CONTENT,
      }),
    );
    await ssm.send(new DeleteDocumentCommand({ Name: PROBE_DOCUMENT_NAME })).then(
      () => (cleanup = ` (${PROBE_DOCUMENT_NAME} deleted again)`),
      (err) => (cleanup = ` (DeleteDocument ${PROBE_DOCUMENT_NAME}: ${describeError(err)})`),
    );
  });
  const verdict = classifyDenyProbe(error);
  return { ...verdict, detail: verdict.detail + cleanup };
};

async function checkAbac(
  title: string,
  ssoAdmin: SSOAdminClient,
  center: IdentityCenter,
  declared: string | undefined,
): Promise<{ step: StepResult; source?: string }> {
  const { source, ...verdict } = abacVerdict(
    await describeAbac(ssoAdmin, center.instanceArn),
    center.instanceArn,
    declared,
  );
  return { step: { title, ...verdict }, source };
}

async function checkUser(
  title: string,
  identityStore: IdentitystoreClient,
  center: IdentityCenter,
  userName: string,
  source: string | undefined,
): Promise<StepResult> {
  if (!source) return fail(title, `no ${RUN_AS_TAG_KEY} source known: pass --stack or --source`);
  const path = sourcePath(source);
  const user = await findUser(identityStore, center.identityStoreId, userName, path);
  if (!user) return fail(title, `no user ${userName} in identity store ${center.identityStoreId}`);
  return { title, ...runAsValueVerdict(path, attributeValue(user, path)) };
}

async function checkDocument(
  title: string,
  input: VerifyInput,
  credentials: Credentials | undefined,
  expectedUser: string,
): Promise<StepResult> {
  const read = await readRunShellDocument(input.region, credentials, "JSON");
  const row = classifyDocument(input.accountId, input.region, read, expectedUser);
  return { title, ...documentVerdict(row, expectedUser) };
}

// The probe writes the document's latest content back unchanged, so it changes nothing even where no SCP
// stops it: SSM then answers DuplicateDocumentContent.
async function probeScp(title: string, input: VerifyInput, credentials: Credentials): Promise<StepResult> {
  const ssm = new SSMClient(clientConfig(input.region, credentials));
  let latest;
  try {
    latest = await ssm.send(
      new GetDocumentCommand({ Name: RUN_SHELL_DOCUMENT_NAME, DocumentVersion: "$LATEST" }),
    );
  } catch (err) {
    return fail(title, `cannot probe: GetDocument: ${describeError(err)}`);
  }
  let error: unknown;
  try {
    await ssm.send(
      new UpdateDocumentCommand({
        Name: RUN_SHELL_DOCUMENT_NAME,
        Content: latest.Content,
        DocumentFormat: latest.DocumentFormat,
        DocumentVersion: "$LATEST",
      }),
    );
  } catch (err) {
    error = err;
  }
  const { ok, detail } = classifyWriteProbe(error);
  return { ok, title, detail };
}

async function guarded(title: string, step: () => Promise<StepResult>): Promise<StepResult> {
  try {
    return await step();
  } catch (err) {
    return fail(title, describeError(err));
  }
}

export async function verify(input: VerifyInput): Promise<StepResult[]> {
  const titles = stepTitles(input);
  const ssoAdmin = ssoAdminClient(input.identityCenterRegion);
  const identityStore = identityStoreClient(input.identityCenterRegion);
  const region = await managementRegion(input.region);
  const sts = new STSClient(clientConfig(region));
  const steps: StepResult[] = [];

  let center: IdentityCenter | undefined;
  let liveSource: string | undefined;
  steps.push(
    await guarded(titles.abac, async () => {
      center = await resolveIdentityCenter(ssoAdmin, input.identityCenter);
      const abac = await checkAbac(titles.abac, ssoAdmin, center, input.source);
      liveSource = abac.source;
      return abac.step;
    }),
  );
  steps.push(
    await guarded(titles.user, async () => {
      if (!center) throw new Error("the Identity Center instance is unknown (see above)");
      return checkUser(titles.user, identityStore, center, input.userName, liveSource ?? input.source);
    }),
  );

  let caller;
  let credentials: Credentials | undefined;
  try {
    caller = await whoAmI(sts);
    credentials = await credentialsFor(sts, caller, input.accountId, input.roleName);
  } catch (err) {
    const reason = describeError(err);
    return [
      ...steps,
      ...[titles.document, titles.probe, titles.session, titles.tag, titles.create].map((title) =>
        fail(title, reason),
      ),
    ];
  }
  steps.push(
    await guarded(titles.document, async () => {
      const hasOverrides = Object.keys(input.expectation.overrides).length > 0;
      const ouPath = hasOverrides
        ? await ancestorsOf(new OrganizationsClient(clientConfig(region)), input.accountId)
        : [];
      return checkDocument(titles.document, input, credentials, expectedUserFor(input.expectation, ouPath));
    }),
  );
  const exemption = exemptionMatching(
    roleArn(caller, input.accountId, input.roleName),
    input.exemptRolePatterns,
    input.stackSetExecutionRoleArnPattern,
  );
  const probes: [string, Probe][] = [
    [titles.probe, async (_, probeCredentials) => probeScp(titles.probe, input, probeCredentials)],
    [titles.session, probeSession],
    [titles.tag, probeTagRole],
    [titles.create, probeCreateDocument],
  ];
  for (const [title, probe] of probes) {
    if (!credentials) {
      steps.push(
        fail(
          title,
          `${input.accountId} is the caller's own account: probe a member account through --role ` +
            "(service control policies never apply to the management account)",
        ),
      );
    } else if (exemption) {
      steps.push(
        fail(title, `${input.roleName} is exempt from the SCP (${exemption}): pass a non-exempt --role`),
      );
    } else {
      const probeCredentials = credentials;
      steps.push(await guarded(title, async () => ({ title, ...(await probe(input, probeCredentials)) })));
    }
  }
  return steps;
}
