// ARM error bodies are always {"error":{"code","message"}}; handlers throw ArmError and the server
// renders it, so no handler writes an error response by hand.

export class ArmError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

export const badRequest = (code: string, message: string) => new ArmError(400, code, message);
export const conflict = (code: string, message: string) => new ArmError(409, code, message);

export function notFound(type: string, name: string, rg?: string): ArmError {
  return new ArmError(
    404,
    "ResourceNotFound",
    `The Resource '${type}/${name}'${rg ? ` under resource group '${rg}'` : ""} was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix`,
  );
}

export function rgNotFound(rg: string): ArmError {
  return new ArmError(404, "ResourceGroupNotFound", `Resource group '${rg}' could not be found.`);
}

export function errorBody(code: string, message: string): string {
  return JSON.stringify({ error: { code, message } });
}
