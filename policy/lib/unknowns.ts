// Reading resource properties during `pulumi preview`, when some of them are still unknown.
//
// The policy server wraps every resource's properties in `unknownCheckingProxy`: touching an unknown
// value throws `UnknownValueError`, and an uncaught one turns the *whole* policy into an advisory
// "can't run policy … during preview". A drill's TestFailover often has a few unknowns in preview (the
// test network id of a VNet that does not exist yet) next to many known facts (the items' compute and
// network settings), so the rules read each fact through a `PreviewReader`: known facts are checked
// now, unknown ones are skipped, and `finish()` rethrows the first unknown at the end so the engine
// still tells the user that part of the policy could not run. During `pulumi up` every input is known
// again before the resource's step runs, and the same rule re-checks everything then.
import { UnknownValueError, unknownCheckingProxy } from "@pulumi/policy";
import type { ResourceValidationArgs } from "@pulumi/policy";

/** A property bag (a resource's props or a nested object of them) as @pulumi/policy hands it: untyped, so
 *  every fact in it is read through a PreviewReader and checked for its shape where it is used. */
export type PropertyBag = ResourceValidationArgs["props"];

export { UnknownValueError, unknownCheckingProxy };

export class PreviewReader {
  private firstUnknown: UnknownValueError | undefined;

  /** Evaluates `read`; an unknown value gives `undefined` (and is remembered for `finish`). */
  read<T>(read: () => T): T | undefined {
    try {
      return read();
    } catch (e) {
      if (e instanceof UnknownValueError) {
        this.firstUnknown ??= e;
        return undefined;
      }
      throw e;
    }
  }

  /**
   * Evaluates `read` without remembering an unknown: for values the rule can do without (an ARM id
   * that is unknown until its resource exists, when the dependency graph says the same thing).
   */
  peek<T>(read: () => T): { known: true; value: T } | { known: false } {
    try {
      return { known: true, value: read() };
    } catch (e) {
      if (e instanceof UnknownValueError) return { known: false };
      throw e;
    }
  }

  /** Runs a block of checks; an unknown value stops only that block. */
  check(block: () => void): void {
    this.read(block);
  }

  /** True when some value could not be read because it is unknown during preview. */
  get sawUnknown(): boolean {
    return this.firstUnknown !== undefined;
  }

  /** Rethrows the first unknown value seen, after every known fact has been checked and reported. */
  finish(): void {
    if (this.firstUnknown) throw this.firstUnknown;
  }
}

/** Array.isArray that works through the policy proxy; non-arrays read as empty. */
// The default stays `any` for callers that index loose preview JSON; PropertyBag's elements are `any` too.
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the element type of @pulumi/policy's untyped props
export function asArray<T = any>(value: unknown): T[] {
  return Array.isArray(value) ? (value as T[]) : [];
}

export function asString(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}
