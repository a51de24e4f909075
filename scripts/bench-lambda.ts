// `npm run bench:lambda`: the writer's inline code size, and the SSM API calls (and time) one invocation of the
// bundled writer costs against moto, counted by a proxy in front of it: no-op, change and create.
import { INLINE_CODE_LIMIT, writerInlineCode } from "../lambda/bundle";
import { motoEnvironment, resetMoto, startMoto, stopMoto } from "../tests/support/moto";
import { lzaResetDocument, overwrite, scheduledEvent, ssmAt } from "../tests/support/runShellFixtures";
import { startAwsProxy, type AwsProxy } from "../tests/support/awsProxy";
import { invokeWriter, setEnvironment } from "../tests/support/writerInvocation";

const INLINE_CODE_TARGET = 3500;
const RUNS = 20;

async function main(): Promise<void> {
  const code = writerInlineCode();
  console.log(
    `inline code: ${code.length} characters (limit ${INLINE_CODE_LIMIT}, target ${INLINE_CODE_TARGET})\n`,
  );

  const moto = await startMoto();
  const ssm = ssmAt(moto.endpoint);
  const proxy = await startAwsProxy(moto.endpoint);
  setEnvironment({
    ...motoEnvironment(moto),
    AWS_ENDPOINT_URL: proxy.endpoint,
    RUN_AS_ENABLED: "true",
    RUN_AS_DEFAULT_USER: "ec2-user",
  });

  const scenarios: [string, (run: number) => Promise<void>][] = [
    ["create (document missing)", () => resetMoto()],
    ["no-op (already compliant)", async () => undefined],
    // A new bucket each run: SSM refuses a version whose content an older one holds.
    [
      "change (after an LZA-style reset)",
      (run) => overwrite(ssm, lzaResetDocument(`lza-session-logs-${run}`)),
    ],
  ];

  try {
    await report(scenarios, proxy);
  } finally {
    await proxy.close();
  }
}

async function report(scenarios: [string, (run: number) => Promise<void>][], proxy: AwsProxy): Promise<void> {
  console.log(
    "scenario                            calls  SSM operations                                            median ms",
  );
  for (const [scenario, setUp] of scenarios) {
    const timings: number[] = [];
    let calls: string[] = [];
    for (let run = 0; run < RUNS; run++) {
      await setUp(run);
      proxy.requests = [];
      const started = performance.now();
      const { error } = await invokeWriter(scheduledEvent());
      timings.push(performance.now() - started);
      if (error) throw error;
      calls = proxy.operations();
    }
    const median = timings.sort((a, b) => a - b)[Math.floor(RUNS / 2)];
    console.log(
      `${scenario.padEnd(36)}${String(calls.length).padEnd(7)}${calls.join(", ").padEnd(58)}${median.toFixed(1)}`,
    );
  }
}

main()
  .catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  })
  .finally(() => stopMoto());
