// --output: the report file is replaced whole or not at all, and nothing is left beside it.
import { expect } from "chai";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { unwritableReason, writeFileAtomically } from "../../cli/outputFile";

describe("cli: writing a report file atomically", () => {
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), "ssm-runas-atomic-"))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("creates the file, then replaces it whole, leaving no temporary file", () => {
    const file = path.join(dir, "report.html");
    writeFileAtomically(file, "first");
    expect(fs.readFileSync(file, "utf8")).to.equal("first");
    const before = fs.statSync(file).ino;
    writeFileAtomically(file, "second, longer");
    expect(fs.readFileSync(file, "utf8")).to.equal("second, longer");
    // A new file renamed over the old one: a reader holding the old one keeps reading it whole.
    expect(fs.statSync(file).ino).not.to.equal(before);
    expect(fs.readdirSync(dir)).to.deep.equal(["report.html"]);
  });

  it("leaves what is there, and no temporary file, when the rename fails", () => {
    const target = path.join(dir, "taken");
    fs.mkdirSync(target);
    fs.writeFileSync(path.join(target, "inside"), "kept");
    expect(() => writeFileAtomically(target, "report")).to.throw();
    expect(fs.readdirSync(dir)).to.deep.equal(["taken"]);
    expect(fs.readFileSync(path.join(target, "inside"), "utf8")).to.equal("kept");
  });

  it("says before any work why a file cannot be written: no such folder, or a file in its place", () => {
    expect(unwritableReason(path.join(dir, "report.html"))).to.equal(undefined);
    expect(unwritableReason(path.join(dir, "missing", "report.html"))).to.equal(
      `folder ${path.join(dir, "missing")} does not exist`,
    );
    fs.writeFileSync(path.join(dir, "file"), "");
    expect(unwritableReason(path.join(dir, "file", "report.html"))).to.equal(
      `${path.join(dir, "file")} is not a folder`,
    );
  });
});
