// A loopback stand-in for IAM Identity Center's SSO OIDC and access portal APIs (moto has neither) and STS
// GetCallerIdentity, answering with bodies shaped as the AWS API reference's examples.
import * as http from "node:http";
import type { AddressInfo } from "node:net";

export interface PortalScript {
  /** CreateToken answers authorization_pending this many times before it issues the token (Infinity: never). */
  pendingPolls: number;
  expiresIn: number;
  interval: number;
  roles: { accountId: string; roleName: string }[];
  /** The ARN GetCallerIdentity reports for the role credentials. */
  callerArn: string;
}

export interface Portal {
  endpoint: string;
  /** Each request, as "METHOD path". */
  calls: string[];
  /** Environment that points the SDK's SSO OIDC, SSO and STS clients here. */
  env: Record<string, string>;
  close(): Promise<void>;
}

const ACCESS_TOKEN = "aoaAAAAAGTokenExample";

export async function startPortal(script: PortalScript): Promise<Portal> {
  const calls: string[] = [];
  let polls = 0;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const url = new URL(req.url ?? "/", "http://localhost");
      calls.push(`${req.method} ${url.pathname}`);
      const json = (status: number, body: unknown, errorType?: string) => {
        res.writeHead(status, {
          "content-type": "application/json",
          ...(errorType ? { "x-amzn-errortype": errorType } : {}),
        });
        res.end(JSON.stringify(body));
      };
      const body = Buffer.concat(chunks).toString();
      if (req.method === "POST" && url.pathname === "/client/register") {
        return json(200, {
          clientId: "_yzkThXVzLWVhc3QtMQEXAMPLECLIENTID",
          clientIdIssuedAt: 1579725929,
          clientSecret: "VERYLONGSECRETeyJraWQiOiJrZXktMTU2NDAyODA5OSIsImFsZyI6IkhTMzg0In0",
          clientSecretExpiresAt: 1587584729,
        });
      }
      if (req.method === "POST" && url.pathname === "/device_authorization") {
        return json(200, {
          deviceCode: "yJraWQiOiJrZXktMTU2Njk2ODA4OCIsImFsZyI6IkhTMzIn0EXAMPLEDEVICECODE",
          expiresIn: script.expiresIn,
          interval: script.interval,
          userCode: "makdfsk83",
          verificationUri: "https://device.sso.eu-west-1.amazonaws.com",
          verificationUriComplete: "https://device.sso.eu-west-1.amazonaws.com?user_code=makdfsk83",
        });
      }
      if (req.method === "POST" && url.pathname === "/token") {
        const request = JSON.parse(body) as { grantType?: string };
        if (request.grantType !== "urn:ietf:params:oauth:grant-type:device_code") {
          return json(400, { error: "unsupported_grant_type" }, "UnsupportedGrantTypeException");
        }
        if (polls++ < script.pendingPolls) {
          return json(
            400,
            { error: "authorization_pending", error_description: "Authorization is still pending" },
            "AuthorizationPendingException",
          );
        }
        return json(200, {
          accessToken: ACCESS_TOKEN,
          expiresIn: 28800,
          idToken: "",
          refreshToken: "",
          tokenType: "Bearer",
        });
      }
      const bearer = req.headers["x-amz-sso_bearer_token"];
      if (url.pathname.startsWith("/assignment/") || url.pathname.startsWith("/federation/")) {
        if (bearer !== ACCESS_TOKEN) {
          return json(401, { message: "Session token not found or invalid" }, "UnauthorizedException");
        }
      }
      if (req.method === "GET" && url.pathname === "/assignment/roles") {
        const accountId = url.searchParams.get("account_id");
        return json(200, {
          nextToken: null,
          roleList: script.roles.filter((role) => role.accountId === accountId),
        });
      }
      if (req.method === "GET" && url.pathname === "/federation/credentials") {
        return json(200, {
          roleCredentials: {
            accessKeyId: "ASIAIOSFODNN7EXAMPLE",
            expiration: Date.now() + 3_600_000,
            secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
            sessionToken: "AQoDYXdzEJr...<remainder of security token>",
          },
        });
      }
      if (req.method === "POST" && url.pathname === "/" && /Action=GetCallerIdentity/.test(body)) {
        const account = /::(\d{12}):/.exec(script.callerArn)?.[1] ?? "";
        res.writeHead(200, { "content-type": "text/xml" });
        return res.end(
          `<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <GetCallerIdentityResult>
    <Arn>${script.callerArn}</Arn>
    <UserId>AROAJQABLZS4A3QDU576Q:alice</UserId>
    <Account>${account}</Account>
  </GetCallerIdentityResult>
  <ResponseMetadata>
    <RequestId>01234567-89ab-cdef-0123-456789abcdef</RequestId>
  </ResponseMetadata>
</GetCallerIdentityResponse>`,
        );
      }
      json(404, { message: `no such route: ${req.method} ${url.pathname}` }, "ResourceNotFoundException");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    endpoint,
    calls,
    env: {
      AWS_ENDPOINT_URL_SSO_OIDC: endpoint,
      AWS_ENDPOINT_URL_SSO: endpoint,
      AWS_ENDPOINT_URL_STS: endpoint,
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
