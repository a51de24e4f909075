// Where the browser tests find Chromium: a variable naming it first, then PATH in a fixed order of names.
import { expect } from "chai";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { findChromium } from "../../testing/chromium";

describe("testing: finding Chromium", () => {
  let dir: string;
  const executable = (name: string) => {
    const file = path.join(dir, name);
    fs.writeFileSync(file, "#!/bin/sh\n", { mode: 0o755 });
    return file;
  };
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), "ssm-runas-chromium-"))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("takes PLAYWRIGHT_CHROMIUM_EXECUTABLE_PATH, then CHROME_PATH, over PATH", () => {
    const onPath = executable("chromium");
    const named = executable("my-chrome");
    expect(findChromium({ PATH: dir, CHROME_PATH: named })).to.equal(named);
    expect(
      findChromium({ PATH: dir, PLAYWRIGHT_CHROMIUM_EXECUTABLE_PATH: named, CHROME_PATH: "/nope" }),
    ).to.equal(named);
    // A variable naming nothing that exists is passed over.
    expect(findChromium({ PATH: dir, CHROME_PATH: path.join(dir, "gone") })).to.equal(onPath);
  });

  it("looks for chromium, chromium-browser, google-chrome on PATH, in that order, executables only", () => {
    fs.writeFileSync(path.join(dir, "chromium"), "not executable", { mode: 0o644 });
    const chrome = executable("google-chrome");
    expect(findChromium({ PATH: dir })).to.equal(chrome);
    const browser = executable("chromium-browser");
    expect(findChromium({ PATH: dir })).to.equal(browser);
    expect(findChromium({ PATH: path.join(dir, "empty") })).to.equal(undefined);
  });
});
