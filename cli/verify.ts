// `verify`'s steps for one account, region and user. Each step reports pass or fail with its reason; an AWS
// error fails the step it happened in, not the whole verification.
import { IdentitystoreClient } from "@aws-sdk/client-identitystore";
import { OrganizationsClient } from "@aws-sdk/client-organizations";
import { GetDocumentCommand, SSMClient, UpdateDocumentCommand } from "@aws-sdk/client-ssm";
import { SSOAdminClient } from "@aws-sdk/client-sso-admin";
import { STSClient } from "@aws-sdk/client-sts";
import {
  RUN_SHELL_DOCUMENT_NAME,
  STACKSET_EXECUTION_ROLE_ARN_PATTERN,
  WRITER_ROLE_ARN_PATTERN,
} from "../policypack/rules/names";
import { RUN_AS_TAG_KEY } from "../policypack/rules/names";
import { arnMatches } from "../policypack/iam";
import { readRunShellDocument } from "./audit";
import { clientConfig, credentialsFor, describeError, roleArn, whoAmI, type Credentials } from "./aws";
import { expectedUserFor, type UserExpectation } from "./expectedUser";
import { describeAbac, resolveIdentityCenter, type IdentityCenter } from "./identityCenter";
import { describeUserByName } from "./identityStore";
import { sessionUserProblem } from "../policypack/rules/values";
import { ancestorsOf } from "./organization";
import { classifyDocument } from "./runShellDocument";
import { attributeValue, sourcePath } from "./userAttributes";

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

export interface StepResult {
  ok: boolean;
  title: string;
  detail: string;
}

const pass = (title: string, detail: string): StepResult => ({ ok: true, title, detail });
const fail = (title: string, detail: string): StepResult => ({ ok: false, title, detail });

export function formatStep({ ok, title, detail }: StepResult): string {
  return `${ok ? "PASS" : "FAIL"}  ${title}: ${detail}\n`;
}

/** The SCP exemption pattern `arn` falls under, if any: probing with such a role proves nothing. */
export function exemptionMatching(
  arn: string,
  extraPatterns: readonly string[],
  stackSetExecutionRoleArnPattern = STACKSET_EXECUTION_ROLE_ARN_PATTERN,
): string | undefined {
  return [WRITER_ROLE_ARN_PATTERN, stackSetExecutionRoleArnPattern, ...extraPatterns].find((pattern) =>
    // ArnLike, as the SCP's condition evaluates it.
    arnMatches(pattern, arn),
  );
}

/** Pure: what the answer to an UpdateDocument with unchanged content says about the SCP. */
export function classifyWriteProbe(error: unknown): { ok: boolean; detail: string } {
  if (error === undefined) {
    return { ok: false, detail: "NOT protected: the write was accepted" };
  }
  const name = (error as Error).name;
  const message = (error as Error).message ?? "";
  if (name === "DuplicateDocumentContent") {
    return {
      ok: false,
      detail:
        "NOT protected: the write reached the document and was turned down only because the content is " +
        "unchanged (DuplicateDocumentContent); no service control policy denied it",
    };
  }
  if (/AccessDenied/.test(name) && /service control polic/i.test(message)) {
    return { ok: true, detail: "refused with an explicit deny in a service control policy" };
  }
  if (/AccessDenied/.test(name)) {
    return { ok: false, detail: `refused, but not by a service control policy: ${describeError(error)}` };
  }
  return { ok: false, detail: `inconclusive: ${describeError(error)}` };
}

function stepTitles(input: VerifyInput) {
  return {
    abac: `ABAC maps ${RUN_AS_TAG_KEY}`,
    user: `user ${input.userName} has a valid RunAs value`,
    document: `${RUN_SHELL_DOCUMENT_NAME} in ${input.accountId}/${input.region} has RunAs on`,
    probe: `the SCP refuses a document write by ${input.roleName}`,
  };
}

async function checkAbac(
  title: string,
  ssoAdmin: SSOAdminClient,
  center: IdentityCenter,
  declared: string | undefined,
): Promise<{ step: StepResult; source?: string }> {
  const abac = await describeAbac(ssoAdmin, center.instanceArn);
  if (!abac.enabled) return { step: fail(title, abac.reason) };
  const source = abac.attributes.find(({ key }) => key === RUN_AS_TAG_KEY)?.source;
  if (!source) return { step: fail(title, `${center.instanceArn} has no ${RUN_AS_TAG_KEY} attribute`) };
  if (declared && declared !== source) {
    return { step: fail(title, `it maps ${source}, but ${declared} is declared`), source };
  }
  return { step: pass(title, `from ${source} on ${center.instanceArn}`), source };
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
  const user = await describeUserByName(identityStore, center.identityStoreId, userName, path);
  const value = attributeValue(user, path);
  if (value === undefined) return fail(title, `${path} is empty: sessions fall back to the default user`);
  const problem = sessionUserProblem(value);
  if (problem) return fail(title, `${path} is ${JSON.stringify(value)}: ${problem}`);
  return pass(title, `${path} is ${JSON.stringify(value)}`);
}

async function checkDocument(
  title: string,
  input: VerifyInput,
  credentials: Credentials | undefined,
  expectedUser: string,
): Promise<StepResult> {
  const read = await readRunShellDocument(input.region, credentials, "JSON");
  const row = classifyDocument(input.accountId, input.region, read, expectedUser);
  return row.status === "COMPLIANT"
    ? pass(title, `runAsDefaultUser is "${expectedUser}" as expected`)
    : fail(title, `${row.status}: ${row.detail}`);
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
  const ssoAdmin = new SSOAdminClient(clientConfig(input.identityCenterRegion));
  const identityStore = new IdentitystoreClient(clientConfig(input.identityCenterRegion));
  const sts = new STSClient(clientConfig());
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
    return [...steps, fail(titles.document, reason), fail(titles.probe, reason)];
  }
  steps.push(
    await guarded(titles.document, async () => {
      const hasOverrides = Object.keys(input.expectation.overrides).length > 0;
      const ouPath = hasOverrides
        ? await ancestorsOf(new OrganizationsClient(clientConfig()), input.accountId)
        : [];
      return checkDocument(titles.document, input, credentials, expectedUserFor(input.expectation, ouPath));
    }),
  );
  const exemption = exemptionMatching(
    roleArn(caller, input.accountId, input.roleName),
    input.exemptRolePatterns,
    input.stackSetExecutionRoleArnPattern,
  );
  if (!credentials) {
    steps.push(
      fail(
        titles.probe,
        `${input.accountId} is the caller's own account: probe a member account through --role ` +
          "(service control policies never apply to the management account)",
      ),
    );
  } else if (exemption) {
    steps.push(
      fail(titles.probe, `${input.roleName} is exempt from the SCP (${exemption}): pass a non-exempt --role`),
    );
  } else {
    const probeCredentials = credentials;
    steps.push(await guarded(titles.probe, () => probeScp(titles.probe, input, probeCredentials)));
  }
  return steps;
}
