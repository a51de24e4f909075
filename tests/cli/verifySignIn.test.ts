// `verify --sign-in`'s pure side: the device-code polling schedule, the permission set, the verdict.
import { expect } from "chai";
import { chooseRole, nextPoll, signInVerdict } from "../../cli/verifySteps";

const error = (name: string, message = name) => Object.assign(new Error(message), { name });
const ACCOUNT = "111122223333";
const IDC_ROLE = "AWSReservedSSO_SSMRunAsEngineer_0123456789abcdef";

describe("cli: verify --sign-in polling schedule", () => {
  it("polls again after the interval on authorization_pending, 5 s more on slow_down", () => {
    expect(nextPoll(error("AuthorizationPendingException"), 5, 0, 600_000)).to.deep.equal({
      wait: true,
      intervalSeconds: 5,
    });
    expect(nextPoll(error("SlowDownException"), 5, 0, 600_000)).to.deep.equal({
      wait: true,
      intervalSeconds: 10,
    });
  });

  it("stops at the device code's expiry, on expired_token, on access_denied and on anything else", () => {
    const late = nextPoll(error("AuthorizationPendingException"), 5, 596_000, 600_000);
    expect(late.wait).to.equal(false);
    expect(!late.wait && late.detail).to.match(/^the device code expired before the sign-in was approved/);
    expect(nextPoll(error("ExpiredTokenException"), 5, 0, 600_000)).to.deep.equal({
      wait: false,
      detail: "the device code expired before the sign-in was approved",
    });
    const denied = nextPoll(error("AccessDeniedException", "denied"), 5, 0, 600_000);
    expect(!denied.wait && denied.detail).to.match(/^the sign-in was refused: /);
    const other = nextPoll(error("InvalidGrantException", "bad grant"), 5, 0, 600_000);
    expect(!other.wait && other.detail).to.match(/^CreateToken: /);
  });
});

describe("cli: verify --sign-in permission set", () => {
  it("takes the one named, else the only one; several or none is a problem listing them", () => {
    expect(chooseRole(["A", "B"], ACCOUNT, "B")).to.deep.equal({ role: "B" });
    expect(chooseRole(["A"], ACCOUNT, undefined)).to.deep.equal({ role: "A" });
    expect(chooseRole(["A", "B"], ACCOUNT, undefined)).to.deep.equal({
      problem: `the signed-in user has several permission sets in ${ACCOUNT}: pass --permission-set (one of A, B)`,
    });
    expect(chooseRole(["A"], ACCOUNT, "C")).to.deep.equal({
      problem: `--permission-set C is not assigned in ${ACCOUNT} (assigned: A)`,
    });
    expect(chooseRole([], ACCOUNT, undefined)).to.deep.equal({
      problem: `the signed-in user has no permission set in ${ACCOUNT}`,
    });
  });
});

describe("cli: verify --sign-in verdict", () => {
  const arn = (account: string, role: string) =>
    `arn:aws:sts::${account}:assumed-role/${role}/alice@example.com`;

  it("passes a session of the permission set's Identity Center role in the target account", () => {
    expect(signInVerdict(arn(ACCOUNT, IDC_ROLE), ACCOUNT, "SSMRunAsEngineer").ok).to.equal(true);
  });

  it("fails another account, another role, another permission set, a non-role caller", () => {
    expect(signInVerdict(arn("999999999999", IDC_ROLE), ACCOUNT, "SSMRunAsEngineer").detail).to.match(
      /^the credentials are for account 999999999999, not 111122223333/,
    );
    expect(signInVerdict(arn(ACCOUNT, "AWSReservedSSO_x"), ACCOUNT, "x").detail).to.match(
      /not an Identity Center role under \/aws-reserved\/sso\.amazonaws\.com\//,
    );
    expect(signInVerdict(arn(ACCOUNT, IDC_ROLE), ACCOUNT, "ReadOnly").detail).to.match(
      /^the credentials are for permission set SSMRunAsEngineer, not ReadOnly/,
    );
    expect(signInVerdict(`arn:aws:iam::${ACCOUNT}:user/alice`, ACCOUNT, "x").ok).to.equal(false);
  });
});
