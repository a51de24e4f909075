// The audit's I/O shell: list the accounts, read the RunShell document in each account × region through
// read-only calls (AssumeRole, DescribeDocument, GetDocument), and hand each read to the pure classifier.
import { OrganizationsClient } from "@aws-sdk/client-organizations";
import { STSClient } from "@aws-sdk/client-sts";
import { classifyDocument, errorRow, sortRows, type AuditRow } from "../auditRows";
import { forEachWithConcurrency, type BackoffPolicy } from "../concurrency";
import { expectedUserFor, type UserExpectation } from "../expectedUser";
import { clientConfig, credentialsFor, whoAmI, type Credentials } from "./clients";
import { accountsInScope, type OrganizationAccount } from "./organization";
import { readRunShellDocument } from "./runShellDocument";

export interface AuditOptions {
  regions: string[];
  roleName: string;
  expectation: UserExpectation;
  concurrency: number;
  /** Root or OU ids; default: the whole organisation. */
  scope?: string[];
  /** Called as accounts are found, with the number of account × region reads they add. */
  onReadsFound?: (count: number) => void;
  /** Called once per account × region read. */
  onRowDone?: () => void;
  assumeRoleBackoff?: BackoffPolicy;
}

export interface AuditResult {
  rows: AuditRow[];
  /** Accounts in scope that are suspended or closing, left out of the rows. */
  inactiveAccounts: string[];
}

/** Fails (throws) only when the audit as a whole cannot run, e.g. the accounts cannot be listed. */
export async function runAudit(options: AuditOptions): Promise<AuditResult> {
  const sts = new STSClient(clientConfig());
  const org = new OrganizationsClient(clientConfig());
  const caller = await whoAmI(sts);
  const rows: AuditRow[] = [];
  const inactiveAccounts: string[] = [];

  const auditAccount = async (account: OrganizationAccount): Promise<AuditRow[]> => {
    const expectedUser = expectedUserFor(options.expectation, account.ouPath);
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
      return options.regions.map((region) => {
        options.onRowDone?.();
        return errorRow(account.id, region, (err as Error).message);
      });
    }
    const accountRows: AuditRow[] = [];
    for (const region of options.regions) {
      // JSON whatever format the document was saved in: one parser then reads them all.
      const read = await readRunShellDocument(region, credentials, "JSON");
      accountRows.push(classifyDocument(account.id, region, read, expectedUser));
      options.onRowDone?.();
    }
    return accountRows;
  };

  await forEachWithConcurrency(accountsInScope(org, options.scope), options.concurrency, async (account) => {
    if (!account.active) {
      inactiveAccounts.push(account.id);
      return;
    }
    options.onReadsFound?.(options.regions.length);
    rows.push(...(await auditAccount(account)));
  });
  return { rows: sortRows(rows), inactiveAccounts: inactiveAccounts.sort() };
}
