// `ssm-runas audit users`: standard attributes against moto's identity store (the real bin), the enterprise
// extension with aws-sdk-client-mock (moto's identity store has no extensions).
import { expect } from "chai";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { mockClient } from "aws-sdk-client-mock";
import {
  CreateUserCommand,
  IdentitystoreClient,
  ListUsersCommand,
  type ListUsersCommandInput,
} from "@aws-sdk/client-identitystore";
import { ListInstancesCommand, SSOAdminClient } from "@aws-sdk/client-sso-admin";
import { parse, stringify } from "yaml";
import { REPO_ROOT, runCli } from "../../support/cli";
import { runCliInProcess } from "../../support/cliInProcess";
import { motoEnvironment, resetMoto, startMoto } from "../../../testing/moto";

describe("ssm-runas audit users (moto identity store)", function () {
  this.timeout(60_000);
  let env: Record<string, string>;
  let instanceArn: string;
  const userIds: Record<string, string> = {};

  before(async () => {
    const moto = await startMoto();
    await resetMoto();
    env = { ...motoEnvironment(moto), AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" };
    const config = {
      endpoint: moto.endpoint,
      region: "us-east-1",
      credentials: { accessKeyId: "t", secretAccessKey: "t" },
    };
    const instance = (await new SSOAdminClient(config).send(new ListInstancesCommand({}))).Instances![0];
    instanceArn = instance.InstanceArn!;
    const identityStore = new IdentitystoreClient(config);
    const create = async (storeId: string, userName: string, nickName?: string) => {
      const { UserId } = await identityStore.send(
        new CreateUserCommand({
          IdentityStoreId: storeId,
          UserName: userName,
          NickName: nickName,
          DisplayName: userName,
          Name: { GivenName: userName, FamilyName: "Example" },
        }),
      );
      userIds[userName] = UserId!;
    };
    const store = instance.IdentityStoreId!;
    await create(store, "ann", "ann");
    await create(store, "bob");
    await create(store, "cat", "Cat.Smith");
    await create(store, "dan", "shared");
    await create(store, "eve", "shared");
    await create(store, "fay", "root");
    await create(store, "gus", "gus");
    await create(store, "Zed.Jones@example.com", "zed");
    await create("d-1111111111", "kim", "kim");
    await create("d-1111111111", "lee", "lee");
  });

  it("lists the users whose nickName is missing, invalid or shared, with a summary, and exits 1", async () => {
    const result = await runCli(
      ["audit", "users", "--instance-arn", instanceArn, "--source", "${path:nickName}", "--json"],
      { env },
    );
    expect(result.stderr).to.equal("");
    expect(result.code).to.equal(1);
    const row = (userName: string, status: string, value: string | null, detail: string) => ({
      userId: userIds[userName],
      userName,
      status,
      value,
      detail,
    });
    expect(JSON.parse(result.stdout)).to.deep.equal({
      results: [
        row("bob", "MISSING", null, "no nickName: sessions fall back to the default user"),
        row("cat", "INVALID", "Cat.Smith", "not a Linux user name (must match ^[a-z_][a-z0-9_-]{0,31}$)"),
        row("dan", "DUPLICATE", "shared", "also the value of eve"),
        row("eve", "DUPLICATE", "shared", "also the value of dan"),
        row("fay", "INVALID", "root", "root is refused: sessions must not fall back to the superuser"),
      ],
      summary: { OK: 3, MISSING: 1, INVALID: 2, DUPLICATE: 2 },
    });
  });

  it("--all lists every user, OK ones too: what configuration management creates on the nodes", async () => {
    const result = await runCli(
      ["audit", "users", "--instance-arn", instanceArn, "--source", "${path:nickName}", "--json", "--all"],
      { env },
    );
    expect(result.code).to.equal(1);
    const { results } = JSON.parse(result.stdout) as {
      results: { userName: string; status: string; value: string }[];
    };
    expect(
      results.filter(({ status }) => status === "OK").map(({ userName, value }) => [userName, value]),
    ).to.deep.equal([
      ["ann", "ann"],
      ["gus", "gus"],
      ["Zed.Jones@example.com", "zed"],
    ]);
    expect(results).to.have.length(8);
  });

  it("--stack takes the SSMSessionRunAs source, the instance and its region from Pulumi.<stack>.yaml", async () => {
    const projectDir = fs.mkdtempSync(path.join(os.tmpdir(), "ssm-runas-users-"));
    try {
      fs.copyFileSync(path.join(REPO_ROOT, "Pulumi.yaml"), path.join(projectDir, "Pulumi.yaml"));
      const dev = parse(fs.readFileSync(path.join(REPO_ROOT, "Pulumi.dev.yaml"), "utf8"));
      dev.config["aws-native:region"] = "us-east-1";
      dev.config["ssm-runas-sync:identityCenterInstanceArn"] = instanceArn;
      dev.config["ssm-runas-sync:accessControlAttributes"] = [
        { key: "SSMSessionRunAs", source: "${path:userName}" },
      ];
      fs.writeFileSync(path.join(projectDir, "Pulumi.idc.yaml"), stringify(dev));
      const { AWS_REGION: _, AWS_DEFAULT_REGION: __, ...withoutRegion } = env;
      const result = await runCli(
        ["audit", "users", "--stack", "idc", "--project-dir", projectDir, "--format", "csv"],
        {
          env: withoutRegion,
        },
      );
      expect(result.code).to.equal(1);
      expect(result.stdout).to.equal(
        "userName,userId,status,value,detail\r\n" +
          `Zed.Jones@example.com,${userIds["Zed.Jones@example.com"]},INVALID,Zed.Jones@example.com,` +
          '"not a Linux user name (must match ^[a-z_][a-z0-9_-]{0,31}$)"\r\n',
      );
    } finally {
      fs.rmSync(projectDir, { recursive: true, force: true });
    }
  });

  it("exits 0 when every user of --identity-store-id has a valid, unique value", async () => {
    const result = await runCli(
      ["audit", "users", "--identity-store-id", "d-1111111111", "--source", "${path:userName}"],
      { env },
    );
    expect(result.code).to.equal(0);
    expect(result.stdout).to.equal(
      "USER  USER ID  STATUS  VALUE  DETAIL\n\nOK 2  MISSING 0  INVALID 0  DUPLICATE 0\n",
    );
  });
});

describe("ssm-runas audit users: enterprise extension (aws-sdk-client-mock)", () => {
  it("asks for aws:identitystore:enterprise on every page and checks enterprise.employeeNumber", async () => {
    const identityStore = mockClient(IdentitystoreClient);
    const user = (id: string, employeeNumber?: string) => ({
      IdentityStoreId: "d-2222222222",
      UserId: id,
      UserName: `${id}@example.com`,
      Extensions:
        employeeNumber === undefined ? undefined : { "aws:identitystore:enterprise": { employeeNumber } },
    });
    // What each call asked for, copied when it is made (the SDK's paginator reuses one input object).
    const asked: object[] = [];
    try {
      identityStore.on(ListUsersCommand).callsFake((input: ListUsersCommandInput) => {
        const { IdentityStoreId, Extensions, NextToken } = input;
        asked.push({ IdentityStoreId, Extensions, NextToken });
        return NextToken === "page-2"
          ? { Users: [user("u3", "a10001"), user("u4", "A-7")] }
          : { Users: [user("u1", "a10001"), user("u2")], NextToken: "page-2" };
      });
      const result = await runCliInProcess(
        [
          "audit",
          "users",
          "--identity-store-id",
          "d-2222222222",
          "--source",
          "${path:enterprise.employeeNumber}",
          "--json",
        ],
        { AWS_REGION: "eu-west-1", AWS_ACCESS_KEY_ID: "t", AWS_SECRET_ACCESS_KEY: "t" },
      );
      expect(result.code).to.equal(1);
      const report = JSON.parse(result.stdout);
      expect(
        report.results.map(({ userId, status }: { userId: string; status: string }) => `${userId}:${status}`),
      ).to.deep.equal(["u1:DUPLICATE", "u2:MISSING", "u3:DUPLICATE", "u4:INVALID"]);
      expect(report.summary).to.deep.equal({ OK: 0, MISSING: 1, INVALID: 1, DUPLICATE: 2 });
      expect(asked).to.deep.equal([
        {
          IdentityStoreId: "d-2222222222",
          Extensions: ["aws:identitystore:enterprise"],
          NextToken: undefined,
        },
        {
          IdentityStoreId: "d-2222222222",
          Extensions: ["aws:identitystore:enterprise"],
          NextToken: "page-2",
        },
      ]);
    } finally {
      identityStore.restore();
    }
  });
});
