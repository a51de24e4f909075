// The audit's I/O shell: list the accounts, and in each account × region read the RunShell document, the
// account's own Session documents, the writer and (when counted) the fallback-user association's reach
// through read-only calls (AssumeRole, then SSM, Lambda and EventBridge reads), the SCPs on each account's path with the caller's own credentials (Organizations, cached
// per target), the account's enabled regions (EC2 DescribeRegions), and once the RunShell StackSet's instances
// (CloudFormation); the pure classifiers (../auditRows, ../auditChecks, ../auditContext, ../stackInstances) turn
// the reads into rows. Accounts outside the stack's scope and suspended ones are reported without a read.
import { DescribeOrganizationCommand, OrganizationsClient } from "@aws-sdk/client-organizations";
import { STSClient } from "@aws-sdk/client-sts";
import { SESSION_GUARDRAIL_POLICY_NAME, WRITER_FUNCTION_NAME } from "../../policypack/rules/names";
import {
  bypassFinding,
  fallbackUserFinding,
  guardrailFinding,
  missingGuardrails,
  unmanagedRegionRow,
  unmanagedRegions,
  withChecks,
  writerFinding,
  type Finding,
} from "../auditChecks";
import { outOfScopeReason, rowContext, suspendedDetail, unreadRows, type StackScope } from "../auditContext";
import {
  ALL_REGIONS,
  classifyDocument,
  errorRow,
  sortRows,
  type AuditReportRow,
  type AuditRow,
  type RowContext,
} from "../auditRows";
import { forEachWithConcurrency, type BackoffPolicy } from "../concurrency";
import { expectedUserFor, type UserExpectation } from "../expectedUser";
import { indexStackInstances, withStackInstance } from "../stackInstances";
import {
  guardrailReader,
  readEnabledRegions,
  readFallbackUser,
  readSessionDocuments,
  readWriter,
} from "./auditChecks";
import { clientConfig, credentialsFor, managementRegion, whoAmI, type Credentials } from "./clients";
import { accountsInScope, type OrganizationAccount } from "./organization";
import { readRunShellDocument } from "./runShellDocument";
import { readStackInstances, type StackSetLocation } from "./stackInstances";

export interface AuditOptions {
  regions: string[];
  roleName: string;
  expectation: UserExpectation;
  concurrency: number;
  /** Root or OU ids; default: the whole organisation. */
  scope?: string[];
  /** Where the stack deploys (--stack): accounts outside it are OUT_OF_SCOPE, not read. Default: every account. */
  stackScope?: StackScope;
  /** Where the RunShell StackSet is read from (default: the SDK's region, as SELF). */
  stackSet?: StackSetLocation;
  /** Session documents besides the RunShell document that sessions may use (the stack's). */
  allowedSessionDocuments?: readonly string[];
  /**
   * The session guardrail denies sessions outside `regions` (the stack's `restrictSessionRegions`): accounts it
   * is attached to get no UNMANAGED_REGION rows.
   */
  restrictSessionRegions?: boolean;
  /** Count the Linux managed nodes the fallback-user association has not reached (FALLBACK_USER_PENDING). */
  fallbackUser?: boolean;
  /** List each account's enabled regions and report those outside `regions` (default true). */
  regionScan?: boolean;
  /** Called as accounts are found, with the number of reads they add (one per region, one for the scan). */
  onReadsFound?: (count: number) => void;
  /** Called once per read. */
  onRowDone?: () => void;
  assumeRoleBackoff?: BackoffPolicy;
}

export interface AuditResult {
  rows: AuditReportRow[];
  /** Accounts listed that are suspended or closing: SUSPENDED rows, not read. */
  inactiveAccounts: string[];
  /** The organisation's management account, which no SCP reaches. */
  managementAccountId?: string;
  organizationId?: string;
  /** Who ran the audit (GetCallerIdentity). */
  callerArn: string;
  /** Why the RunShell StackSet's instances could not be read (every row's stackInstance is then null). */
  stackSetProblem?: string;
}

export interface CellInput {
  accountId: string;
  region: string;
  /** The caller's partition: the writer's ARN, which the reconcile rules must target, is built in it. */
  partition: string;
  /** undefined: the caller's own account. */
  credentials: Credentials | undefined;
  expectedUser: string;
  /** false: break-glass is expected. */
  runAsEnabled: boolean;
  allowedSessionDocuments: readonly string[];
  /** Also read how many Linux nodes the fallback-user association has not yet reached. */
  fallbackUser?: boolean;
}

/** One account × region judged: the RunShell document's row, and what the checks beside it found. */
export interface CellFindings {
  document: AuditRow;
  bypass?: Finding;
  writer?: Finding;
  fallbackUser?: Finding;
}

/** The reads of one account × region (the RunShell document, the other Session documents, the writer, and when
 * asked the fallback-user association), judged. */
export async function readCell(cell: CellInput): Promise<CellFindings> {
  const { accountId, region, credentials, expectedUser, runAsEnabled } = cell;
  const functionArn = `arn:${cell.partition}:lambda:${region}:${accountId}:function:${WRITER_FUNCTION_NAME}`;
  // JSON whatever format the document was saved in: one parser then reads them all.
  const [document, sessionDocuments, writer, fallbackUser] = await Promise.all([
    readRunShellDocument(region, credentials, "JSON"),
    readSessionDocuments(region, credentials, cell.allowedSessionDocuments),
    readWriter(region, credentials, functionArn),
    cell.fallbackUser ? readFallbackUser(region, credentials) : undefined,
  ]);
  return {
    document: classifyDocument(accountId, region, document, expectedUser, runAsEnabled),
    bypass: bypassFinding(sessionDocuments),
    writer: writerFinding(writer, expectedUser, runAsEnabled),
    fallbackUser: fallbackUser && fallbackUserFinding(fallbackUser, expectedUser),
  };
}

/** Fails (throws) only when the audit as a whole cannot run, e.g. the accounts cannot be listed. */
export async function runAudit(options: AuditOptions): Promise<AuditResult> {
  const region = await managementRegion(options.stackSet?.region ?? options.regions[0]);
  const sts = new STSClient(clientConfig(region));
  const org = new OrganizationsClient(clientConfig(region));
  const caller = await whoAmI(sts);
  const { Organization } = await org.send(new DescribeOrganizationCommand({}));
  const managementAccountId = Organization?.MasterAccountId;
  // One read for the whole audit, meanwhile the accounts are read.
  const stackInstances = readStackInstances(options.stackSet ?? { callAs: "SELF" });
  const readGuardrail = guardrailReader(org, managementAccountId);
  const allowed = options.allowedSessionDocuments ?? [];
  const regionScan = options.regionScan ?? true;
  const { runAsEnabled } = options.expectation;
  const rows: (AuditRow & RowContext)[] = [];
  const inactiveAccounts: string[] = [];

  const auditAccount = async (account: OrganizationAccount): Promise<AuditRow[]> => {
    const expectedUser = expectedUserFor(options.expectation, account.ouPath);
    // Management-side, so started at once, meanwhile the role is assumed.
    const guardrail = readGuardrail(account.id, account.ouPath);
    let credentials: Credentials | undefined;
    try {
      credentials = await credentialsFor(
        sts,
        caller,
        account.id,
        options.roleName,
        options.assumeRoleBackoff,
      );
    } catch (err) {
      await guardrail;
      if (regionScan) options.onRowDone?.();
      return options.regions.map((region) => {
        options.onRowDone?.();
        return errorRow(account.id, region, (err as Error).message);
      });
    }
    const guardrailRead = await guardrail;
    const guardrailCheck = guardrailFinding(guardrailRead);
    const accountRows: AuditRow[] = [];
    for (const region of options.regions) {
      const cell = await readCell({
        accountId: account.id,
        region,
        partition: caller.partition,
        credentials,
        expectedUser,
        runAsEnabled,
        allowedSessionDocuments: allowed,
        fallbackUser: options.fallbackUser,
      });
      const { document, ...checks } = cell;
      accountRows.push(withChecks(document, { ...checks, guardrail: guardrailCheck }));
      options.onRowDone?.();
    }
    if (regionScan) {
      // Where the session guardrail holds, restrictSessionRegions denies sessions in every other region.
      const regionsDenied =
        options.restrictSessionRegions === true &&
        guardrailRead.kind === "read" &&
        !missingGuardrails(guardrailRead.value).includes(SESSION_GUARDRAIL_POLICY_NAME);
      if (!regionsDenied) {
        const enabled = await readEnabledRegions(options.regions[0], credentials);
        if (enabled.kind === "failed") {
          accountRows.push(
            errorRow(
              account.id,
              ALL_REGIONS,
              `${enabled.reason} (the account's other regions were not listed)`,
            ),
          );
        } else {
          for (const region of unmanagedRegions(enabled.value, options.regions, caller.partition)) {
            accountRows.push(unmanagedRegionRow(account.id, region));
          }
        }
      }
      options.onRowDone?.();
    }
    return accountRows;
  };

  await forEachWithConcurrency(accountsInScope(org, options.scope), options.concurrency, async (account) => {
    const outOfScope = outOfScopeReason(options.stackScope, account, managementAccountId);
    const context = rowContext(account, options.expectation, managementAccountId, outOfScope === undefined);
    let accountRows: AuditRow[];
    if (!account.active) {
      inactiveAccounts.push(account.id);
      accountRows = unreadRows(account.id, options.regions, "SUSPENDED", suspendedDetail(account.state));
    } else if (outOfScope !== undefined) {
      accountRows = unreadRows(account.id, options.regions, "OUT_OF_SCOPE", outOfScope);
    } else {
      options.onReadsFound?.(options.regions.length + (regionScan ? 1 : 0));
      accountRows = await auditAccount(account);
    }
    rows.push(...accountRows.map((row) => ({ ...row, ...context })));
  });
  const instances = await stackInstances;
  const index = instances.kind === "read" ? indexStackInstances(instances.value) : undefined;
  return {
    rows: sortRows(rows.map((row) => withStackInstance(row, index))),
    inactiveAccounts: inactiveAccounts.sort(),
    managementAccountId,
    organizationId: Organization?.Id,
    callerArn: caller.arn,
    stackSetProblem: instances.kind === "failed" ? instances.reason : undefined,
  };
}
