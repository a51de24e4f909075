//! Entry of the inline code (Lambda's `index.handler`). A plain CommonJS export: an ESM `export` here would
//! make esbuild add its interop helpers, code a reviewer would have to read past in the template.
import { handler } from "./handler";

module.exports.handler = handler;
