// The audit's I/O shell: list the accounts, and in each account × region read the RunShell document, the
// account's own Session documents and the writer through read-only calls (AssumeRole, then SSM, Lambda and
// EventBridge reads), the SCPs on each account's path with the caller's own credentials (Organizations, cached
// per target), and the account's enabled regions (EC2 DescribeRegions); the pure classifiers (../auditRows,
// ../auditChecks) turn the reads into rows.
import { DescribeOrganizationCommand, OrganizationsClient } from "@aws-sdk/client-organizations";
import { STSClient } from "@aws-sdk/client-sts";
import { SESSION_GUARDRAIL_POLICY_NAME, WRITER_FUNCTION_NAME } from "../../policypack/rules/names";
import {
  bypassFinding,
  guardrailFinding,
  missingGuardrails,
  unmanagedRegionRow,
  unmanagedRegions,
  withChecks,
  writerFinding,
} from "../auditChecks";
import { classifyDocument, errorRow, sortRows, type AuditRow } from "../auditRows";
import { forEachWithConcurrency, type BackoffPolicy } from "../concurrency";
import { expectedUserFor, type UserExpectation } from "../expectedUser";
import { readEnabledRegions, readSessionDocuments, readWriter, guardrailReader } from "./auditChecks";
import { clientConfig, credentialsFor, whoAmI, type Credentials } from "./clients";
import { accountsInScope, type OrganizationAccount } from "./organization";
import { readRunShellDocument } from "./runShellDocument";

/** The row of an account whose enabled regions could not be listed. */
export const ALL_REGIONS = "*";

export interface AuditOptions {
  regions: string[];
  roleName: string;
  expectation: UserExpectation;
  concurrency: number;
  /** Root or OU ids; default: the whole organisation. */
  scope?: string[];
  /** Session documents besides the RunShell document that sessions may use (the stack's). */
  allowedSessionDocuments?: readonly string[];
  /**
   * The session guardrail denies sessions outside `regions` (the stack's `restrictSessionRegions`): accounts it
   * is attached to get no UNMANAGED_REGION rows.
   */
  restrictSessionRegions?: boolean;
  /** List each account's enabled regions and report those outside `regions` (default true). */
  regionScan?: boolean;
  /** Called as accounts are found, with the number of reads they add (one per region, one for the scan). */
  onReadsFound?: (count: number) => void;
  /** Called once per read. */
  onRowDone?: () => void;
  assumeRoleBackoff?: BackoffPolicy;
}

export interface AuditResult {
  rows: AuditRow[];
  /** Accounts in scope that are suspended or closing, left out of the rows. */
  inactiveAccounts: string[];
  /** The organisation's management account, which no SCP reaches. */
  managementAccountId?: string;
}

/** Fails (throws) only when the audit as a whole cannot run, e.g. the accounts cannot be listed. */
export async function runAudit(options: AuditOptions): Promise<AuditResult> {
  const sts = new STSClient(clientConfig());
  const org = new OrganizationsClient(clientConfig());
  const caller = await whoAmI(sts);
  const { Organization } = await org.send(new DescribeOrganizationCommand({}));
  const readGuardrail = guardrailReader(org, Organization?.MasterAccountId);
  const allowed = options.allowedSessionDocuments ?? [];
  const regionScan = options.regionScan ?? true;
  const { runAsEnabled } = options.expectation;
  const rows: AuditRow[] = [];
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
      const functionArn = `arn:${caller.partition}:lambda:${region}:${account.id}:function:${WRITER_FUNCTION_NAME}`;
      // JSON whatever format the document was saved in: one parser then reads them all.
      const [document, sessionDocuments, writer] = await Promise.all([
        readRunShellDocument(region, credentials, "JSON"),
        readSessionDocuments(region, credentials, allowed),
        readWriter(region, credentials, functionArn),
      ]);
      accountRows.push(
        withChecks(classifyDocument(account.id, region, document, expectedUser, runAsEnabled), {
          bypass: bypassFinding(sessionDocuments),
          writer: writerFinding(writer, expectedUser, runAsEnabled),
          guardrail: guardrailCheck,
        }),
      );
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
    if (!account.active) {
      inactiveAccounts.push(account.id);
      return;
    }
    options.onReadsFound?.(options.regions.length + (regionScan ? 1 : 0));
    rows.push(...(await auditAccount(account)));
  });
  return {
    rows: sortRows(rows),
    inactiveAccounts: inactiveAccounts.sort(),
    managementAccountId: Organization?.MasterAccountId,
  };
}
