// `npm run bench:lambda`: the size of the StackSet template with the writer's readable inline code, and the SSM
// API calls (and time) one invocation of the bundled writer costs against moto, counted by a proxy in front of
// it: no-op, change and create.
import {
  runShellTemplateBody,
  TEMPLATE_BODY_LIMIT,
  TEMPLATE_BUDGET_BYTES,
} from "../components/runShell/template";
import { writerInlineCode } from "../lambda/bundle";
import { NEWEST_NODEJS_RUNTIME } from "../policypack/rules/values";
import { motoEnvironment, resetMoto, startMoto, stopMoto } from "../testing/moto";
import {
  lzaResetDocument,
  overwrite,
  scheduledEvent,
  ssmAt,
  writeLatestOnly,
} from "../testing/runShellFixtures";
import { startAwsProxy, type AwsProxy } from "../testing/awsProxy";
import { invokeWriter, setEnvironment } from "../testing/writerInvocation";

const RUNS = 20;

async function main(): Promise<void> {
  const code = writerInlineCode();
  const templateBytes = Buffer.byteLength(runShellTemplateBody({ code, runtime: NEWEST_NODEJS_RUNTIME }));
  console.log(`inline code: ${code.length} characters, ${code.split("\n").length} lines (not minified)`);
  console.log(
    `StackSet template: ${templateBytes} bytes (budget ${TEMPLATE_BUDGET_BYTES}, ` +
      `TemplateBody limit ${TEMPLATE_BODY_LIMIT}): ${templateBytes <= TEMPLATE_BUDGET_BYTES ? "within" : "OVER"} budget\n`,
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
    // LZA's own write: a new version as $LATEST only, the default left behind.
    [
      "heal (after a $LATEST-only write)",
      async (run) => void (await writeLatestOnly(ssm, lzaResetDocument(`lza-latest-only-${run}`))),
    ],
  ];

  try {
    await report(scenarios, proxy);
  } finally {
    await proxy.close();
  }
}

async function report(scenarios: [string, (run: number) => Promise<void>][], proxy: AwsProxy): Promise<void> {
  console.log("scenario                            calls  median ms  SSM operations");
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
      `${scenario.padEnd(36)}${String(calls.length).padEnd(7)}${median.toFixed(1).padEnd(11)}${calls.join(", ")}`,
    );
  }
}

main()
  .catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  })
  .finally(() => stopMoto());
