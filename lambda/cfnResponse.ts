//! Answers CloudFormation through the pre-signed ResponseURL. A custom resource that never answers holds its
//! stack for an hour, so every path ends here: success, error, malformed event, and the function's own timeout.
import { logAction } from "./log";

export interface CustomResourceEvent {
  RequestType: string;
  ResponseURL: string;
  StackId: string;
  RequestId: string;
  LogicalResourceId: string;
  ResourceType?: string;
  PhysicalResourceId?: string;
  ResourceProperties?: Record<string, unknown>;
}

export interface Answer {
  Status: "SUCCESS" | "FAILED";
  PhysicalResourceId: string;
  Reason?: string;
}

/** Kept back from the function's timeout for the PUT: 3 attempts of at most 1.5 s, 0.9 s of pauses. */
export const RESPONSE_RESERVE_MS = 6000;
const PUT_ATTEMPTS = 3;
const PUT_TIMEOUT_MS = 1500;

/** PUTs the answer, retrying any failure; throws after the last attempt, so Lambda retries the event. */
async function putAnswer(event: CustomResourceEvent, answer: Answer): Promise<void> {
  const { StackId, RequestId, LogicalResourceId } = event;
  const body = JSON.stringify({ ...answer, StackId, RequestId, LogicalResourceId });
  for (let attempt = 1; ; attempt++) {
    try {
      //! An empty content-type: older pre-signed URLs sign it.
      const response = await fetch(event.ResponseURL, {
        method: "PUT",
        body,
        headers: { "content-type": "" },
        signal: AbortSignal.timeout(PUT_TIMEOUT_MS),
      });
      if (response.ok) return logAction("respond", answer);
      throw new Error(`HTTP ${response.status}`);
    } catch (error) {
      if (attempt === PUT_ATTEMPTS) throw error;
    }
    await new Promise((resolve) => setTimeout(resolve, 300 * attempt));
  }
}

/**
 * Answers with what `work` returns, or FAILED (with `failedPhysicalId`) when it throws or is still running
 * RESPONSE_RESERVE_MS before the function times out — exactly once either way.
 */
export async function answerInTime(
  event: CustomResourceEvent,
  remainingMs: number,
  failedPhysicalId: string,
  work: () => Promise<Answer>,
): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  //! A string is the reason of a failure.
  const result = await Promise.race([
    work().catch((error: Error) => error.message),
    new Promise<string>((resolve) => {
      timer = setTimeout(resolve, remainingMs - RESPONSE_RESERVE_MS, "about to time out");
    }),
  ]);
  clearTimeout(timer);
  const answer: Answer =
    typeof result === "string"
      ? { Status: "FAILED", PhysicalResourceId: failedPhysicalId, Reason: result }
      : result;
  await putAnswer(event, answer);
}
