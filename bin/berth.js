#!/usr/bin/env node
// Runs berth from its TypeScript sources through tsx's loader, so a clone works without a build step.
import { register } from "tsx/esm/api";

// berth pins its AWS SDK through package-lock.json; the SDK's notice about future Node.js
// versions is noise on every command.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

register();
await import("../src/cli/main.ts");
