import { expect } from "chai";
import { renderProgressBar } from "../../cli/progress";

describe("cli: progress", () => {
  it("draws a progress bar", () => {
    expect(renderProgressBar(0, 4, 8)).to.equal("[--------] 0/4");
    expect(renderProgressBar(3, 4, 8)).to.equal("[######--] 3/4");
    expect(renderProgressBar(0, 0, 4)).to.equal("[####] 0/0");
  });
});
