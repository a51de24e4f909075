// Mocha root hooks. Before the run: the Python tools (moto, cfn-lint) are found or installed, once; without
// them the run stops with one line saying what to install. After it: whatever a test started on loopback
// is stopped.
import { stopMoto } from "../../testing/moto";
import { MissingPythonTools, pythonTools } from "../../testing/python";

export async function mochaGlobalSetup() {
  try {
    await pythonTools();
  } catch (err) {
    if (!(err instanceof MissingPythonTools)) throw err;
    process.stderr.write(`${err.message}\n`);
    process.exit(1);
  }
}

export const mochaHooks = {
  async afterAll() {
    await stopMoto();
  },
};
