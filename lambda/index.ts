// Entry of the inline code (Lambda's `index.handler`). A plain CommonJS export: an ESM `export` here would
// make esbuild add its interop helpers, some 330 of the 4096 characters CloudFormation allows inline.
import { handler } from "./handler";

module.exports.handler = handler;
