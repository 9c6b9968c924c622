// The module the dynamic-provider host loads (components/testFailover.ts requires its compiled copy,
// dist/components/asr/providerEntry.js). Only here: if `pulumi` dies, exit instead of spinning on
// broken pipes (engineGone.ts). Scripts import provider.ts, which has no such side effect.
import { exitWhenEngineGone } from "./engineGone";

exitWhenEngineGone();

export { check, create, delete, diff, read, update } from "./provider";
