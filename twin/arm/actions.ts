// Completion of ARM POST actions once their virtual duration has passed.
import type { Twin } from "../twin";
import type { Json } from "../store";
import { evaluateRunCommand } from "../runCommand";

export function completeAction(twin: Twin, action: string, resourceId: string, params: Json): Json {
  const meta = (twin.state.meta[resourceId.toLowerCase()] ??= {});
  switch (action) {
    case "start":
    case "restart":
      meta.powerState = "running";
      return undefined;
    case "powerOff":
      meta.powerState = "stopped";
      return undefined;
    case "deallocate":
      meta.powerState = "deallocated";
      return undefined;
    case "runCommand":
      return evaluateRunCommand(twin, resourceId, params?.script ?? []);
    default:
      return undefined;
  }
}
