// Regenerates scripts/report/drill-report.schema.json from the zod schema (reportSchema.ts):
//   npm run report:schema
// tests/scripts/report/reportSchema.test.ts fails while the committed file differs from the generated one.
import * as fs from "fs";
import * as path from "path";
import { reportJsonSchema } from "./reportSchema";

export const SCHEMA_FILE = "drill-report.schema.json";

export function reportSchemaText(): string {
  return JSON.stringify(reportJsonSchema(), null, 2) + "\n";
}

if (require.main === module) {
  // From dist/scripts/report or scripts/report: the committed file sits beside the TypeScript source.
  const root = path.resolve(__dirname, __dirname.includes(`${path.sep}dist${path.sep}`) ? "../../.." : "../..");
  const file = path.join(root, "scripts", "report", SCHEMA_FILE);
  fs.writeFileSync(file, reportSchemaText());
  process.stdout.write(`wrote ${path.relative(root, file)}\n`);
}
