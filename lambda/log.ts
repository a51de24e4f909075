/** One JSON line per action, for CloudWatch Logs Insights. */
export function logAction(action: string, fields: object = {}): void {
  console.log(JSON.stringify({ action, ...fields }));
}
