// The expectation each VM of the drill is verified against: every `expectedRules` entry whose pattern
// matches its friendly name, in order (a later rule's size/nicCount replaces an earlier one's, in-guest
// checks add up), then its own `expected` entry on top (its fields win, its checks come last). Rules let a
// 1,000-VM drill expect one check of every VM in a few lines of stack config.
import type { ExpectedRuleConfig } from "./config";
import { problem } from "./config";
import type { ExpectedVmResult } from "./contract";

/** `*` any run of characters, `?` one, everything else literal; case-insensitive, whole name. */
export function patternMatches(pattern: string, name: string): boolean {
  const re = new RegExp(
    `^${pattern
      .replace(/[.+^${}()|[\]\\]/g, "\\$&")
      .replace(/\*/g, ".*")
      .replace(/\?/g, ".")}$`,
    "i",
  );
  return re.test(name);
}

/** The effective expectation of each VM that has one (rules and entries), in the order of `names`. */
export function effectiveExpectations(names: string[], rules: ExpectedRuleConfig[], expected: ExpectedVmResult[]): ExpectedVmResult[] {
  const own = new Map(expected.map((e) => [e.friendlyName.toLowerCase(), e]));
  const out: ExpectedVmResult[] = [];
  for (const friendlyName of names) {
    let e: ExpectedVmResult = { friendlyName };
    let matched = false;
    for (const r of rules) {
      if (!patternMatches(r.match, friendlyName)) continue;
      matched = true;
      const { match: _match, inGuestChecks, ...fields } = r;
      e = { ...e, ...fields, ...(inGuestChecks ? { inGuestChecks: [...(e.inGuestChecks ?? []), ...inGuestChecks] } : {}) };
    }
    const mine = own.get(friendlyName.toLowerCase());
    if (mine) {
      const { friendlyName: _n, inGuestChecks, ...fields } = mine;
      e = { ...e, ...fields, ...(inGuestChecks ? { inGuestChecks: [...(e.inGuestChecks ?? []), ...inGuestChecks] } : {}) };
    }
    if (matched || mine) out.push(e);
  }
  return out;
}

/** Rules whose pattern matches no VM of the drill (a typo would silently expect nothing). */
export function unmatchedRuleProblems(rules: ExpectedRuleConfig[], names: string[]): string[] {
  return rules.flatMap((r, i) =>
    names.some((n) => patternMatches(r.match, n))
      ? []
      : [
          problem(
            ["expectedRules", i, "match"],
            r.match,
            `matches no VM of this drill (${names.length > 8 ? `${names.slice(0, 8).join(", ")}, …` : names.join(", ")})`,
          ),
        ],
  );
}
