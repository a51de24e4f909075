// Mocha root hooks: whatever a test started on loopback is stopped when the run ends.
import { stopMoto } from "../../testing/moto";

export const mochaHooks = {
  async afterAll() {
    await stopMoto();
  },
};
