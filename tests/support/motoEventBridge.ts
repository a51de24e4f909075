// EventBridge rule matching as moto's events backend does it (moto implements no TestEventPattern, but a rule
// on the default bus forwards matching PutEvents to a CloudWatch Logs group), through moto's JSON API with
// plain fetch: the repository holds no EventBridge or Logs SDK client.
import { randomUUID } from "node:crypto";
import { startMoto } from "../../testing/moto";

async function call(
  service: "events" | "logs",
  operation: string,
  body: object,
): Promise<Record<string, unknown>> {
  const { endpoint } = await startMoto();
  const prefix = service === "events" ? "AWSEvents" : "Logs_20140328";
  const response = await fetch(endpoint, {
    method: "POST",
    headers: {
      "content-type": "application/x-amz-json-1.1",
      "x-amz-target": `${prefix}.${operation}`,
      // moto routes by the signing scope; it checks no signature.
      authorization: `AWS4-HMAC-SHA256 Credential=testing/20260101/us-east-1/${service}/aws4_request, SignedHeaders=host, Signature=0`,
    },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${service} ${operation}: HTTP ${response.status} ${text}`);
  return text ? (JSON.parse(text) as Record<string, unknown>) : {};
}

/** The events (EventBridge envelope: source, detail-type, detail) that moto's rule with `pattern` forwards. */
export async function matchingEvents(
  pattern: object,
  events: { source: string; "detail-type": string; detail: object }[],
): Promise<Record<string, unknown>[]> {
  const name = `pattern-${randomUUID()}`;
  await call("logs", "CreateLogGroup", { logGroupName: name });
  await call("events", "PutRule", { Name: name, EventPattern: JSON.stringify(pattern), State: "ENABLED" });
  await call("events", "PutTargets", {
    Rule: name,
    Targets: [{ Id: "log", Arn: `arn:aws:logs:us-east-1:123456789012:log-group:${name}` }],
  });
  try {
    for (const event of events) {
      const { FailedEntryCount } = await call("events", "PutEvents", {
        Entries: [
          { Source: event.source, DetailType: event["detail-type"], Detail: JSON.stringify(event.detail) },
        ],
      });
      if (FailedEntryCount) throw new Error("PutEvents refused the event");
    }
    const { events: logged } = (await call("logs", "FilterLogEvents", { logGroupName: name })) as {
      events?: { message: string }[];
    };
    return (logged ?? []).map(({ message }) => JSON.parse(message) as Record<string, unknown>);
  } finally {
    await call("events", "RemoveTargets", { Rule: name, Ids: ["log"] });
    await call("events", "DeleteRule", { Name: name });
    await call("logs", "DeleteLogGroup", { logGroupName: name });
  }
}
