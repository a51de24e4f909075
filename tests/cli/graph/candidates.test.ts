// Pure weighing of candidate login-name attributes, and resolving --extension names.
import { expect } from "chai";
import { resolveExtensions, weighCandidates } from "../../../cli/graph/candidates";

describe("cli/graph: candidate attributes", () => {
  const users = [
    { id: "1", userPrincipalName: "alice@example.com", employeeId: "alice", mailNickname: "Alice" },
    { id: "2", userPrincipalName: "bob@example.com", employeeId: "bob", mailNickname: "bob" },
    { id: "3", userPrincipalName: "root@example.com", employeeId: "root", mailNickname: "bob" },
    { id: "4", userPrincipalName: "carol@example.com", employeeId: null, mailNickname: "carol" },
  ];

  it("counts OK, MISSING, INVALID (the Linux-user rule, root refused) and DUPLICATE per attribute, best first", () => {
    const { rows, offenders } = weighCandidates(users, [
      "mailNickname",
      "employeeId",
      "onPremisesSamAccountName",
    ]);
    expect(rows).to.deep.equal([
      { attribute: "employeeId", ok: 2, missing: 1, invalid: 1, duplicate: 0, usable: "50.0%" },
      { attribute: "mailNickname", ok: 1, missing: 0, invalid: 1, duplicate: 2, usable: "25.0%" },
      { attribute: "onPremisesSamAccountName", ok: 0, missing: 4, invalid: 0, duplicate: 0, usable: "0.0%" },
    ]);
    expect(offenders.employeeId.map(({ userName, status }) => [userName, status])).to.deep.equal([
      ["root@example.com", "INVALID"],
      ["carol@example.com", "MISSING"],
    ]);
    expect(offenders.mailNickname.map(({ status }) => status)).to.deep.equal([
      "INVALID",
      "DUPLICATE",
      "DUPLICATE",
    ]);
  });

  it("no users: nothing usable, no division by zero", () => {
    expect(weighCandidates([], ["employeeId"]).rows[0].usable).to.equal("-");
  });

  describe("resolveExtensions", () => {
    const a = "extension_0123456789abcdef0123456789abcdef_linuxUser";
    const b = "extension_fedcba9876543210fedcba9876543210_linuxUser";
    const c = "extension_fedcba9876543210fedcba9876543210_badge";

    it("defaults to every discovered directory extension attribute", () => {
      expect(resolveExtensions(undefined, ["employeeId", a, c])).to.deep.equal({ names: [a, c] });
    });

    it("takes full names as given and short names that match exactly one", () => {
      expect(resolveExtensions([b, "badge"], [a, c])).to.deep.equal({ names: [b, c] });
    });

    it("refuses a short name matching none or several, in one line", () => {
      expect(resolveExtensions(["shoe"], [a])).to.deep.equal({
        problem:
          "option '--extension shoe': no directory extension attributes named extension_<appid>_shoe in the provisioning schema; pass the full name extension_<appid>_shoe",
      });
      expect(resolveExtensions(["linuxUser"], [a, b])).to.deep.equal({
        problem: `option '--extension linuxUser': 2 directory extension attributes named extension_<appid>_linuxUser in the provisioning schema (${a}, ${b}); pass the full name extension_<appid>_linuxUser`,
      });
    });
  });
});
