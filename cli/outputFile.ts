// Writes a report file atomically: into a temporary file beside it, flushed, then renamed over it, so a reader (a
// CI step uploading it, a browser reloading it) sees the old file or the whole new one, never half of it.
import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";

export function writeFileAtomically(file: string, content: string): void {
  const target = path.resolve(file);
  const temporary = path.join(
    path.dirname(target),
    `.${path.basename(target)}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`,
  );
  const descriptor = fs.openSync(temporary, "wx", 0o644);
  try {
    try {
      fs.writeFileSync(descriptor, content);
      fs.fsyncSync(descriptor);
    } finally {
      fs.closeSync(descriptor);
    }
    fs.renameSync(temporary, target);
  } catch (err) {
    fs.rmSync(temporary, { force: true });
    throw err;
  }
}

/** Why `file` cannot be written (its folder missing or read-only), or undefined: checked before long work, not after. */
export function unwritableReason(file: string): string | undefined {
  const folder = path.dirname(path.resolve(file));
  try {
    if (!fs.statSync(folder).isDirectory()) return `${folder} is not a folder`;
    fs.accessSync(folder, fs.constants.W_OK);
    return undefined;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return code === "ENOENT" ? `folder ${folder} does not exist` : `folder ${folder} is not writable`;
  }
}
