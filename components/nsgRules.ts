// Pure security-rule logic for the isolated test network's NSGs: the allow-list first (priorities from
// 100 upwards, per direction), then an explicit deny of the Internet in both directions at 4000, so the
// test VMs can neither reach nor be reached from the Internet except through the reviewed allow-list.

export const NSG_FIRST_ALLOW_PRIORITY = 100;
export const NSG_DENY_INTERNET_PRIORITY = 4000;

export type Direction = "Inbound" | "Outbound";

export interface AllowRule {
  name: string;
  direction: Direction;
  protocol: "Tcp" | "Udp" | "Icmp" | "*";
  /** The remote side: an IPv4 address, CIDR or service tag. */
  remoteAddress: string;
  /** "443", "1000-2000" or "*". */
  ports: string;
  priority?: number;
}

/** A security rule in the shape azure-native's `securityRules` takes. */
export interface SecurityRule {
  name: string;
  priority: number;
  direction: Direction;
  access: "Allow" | "Deny";
  protocol: string;
  sourceAddressPrefix: string;
  sourcePortRange: string;
  destinationAddressPrefix: string;
  destinationPortRange: string;
  description: string;
}

export interface PriorityAssignment {
  priorities: number[];
  duplicates: { index: number; other: number; priority: number }[];
  overflow: { index: number; priority: number }[];
}

/**
 * Gives every allow rule a priority: its own when set, else the next free one from 100 in its direction.
 * Reports explicit priorities used twice in a direction and automatic ones that would reach the deny rules.
 */
export function assignNsgPriorities(rules: { direction: Direction; priority?: number }[]): PriorityAssignment {
  const used: Record<Direction, Map<number, number>> = { Inbound: new Map(), Outbound: new Map() };
  const priorities: number[] = new Array(rules.length);
  const duplicates: PriorityAssignment["duplicates"] = [];
  const overflow: PriorityAssignment["overflow"] = [];
  rules.forEach((rule, index) => {
    if (rule.priority === undefined) return;
    const taken = used[rule.direction];
    const other = taken.get(rule.priority);
    if (other !== undefined) duplicates.push({ index, other, priority: rule.priority });
    else taken.set(rule.priority, index);
    priorities[index] = rule.priority;
  });
  const next: Record<Direction, number> = { Inbound: NSG_FIRST_ALLOW_PRIORITY, Outbound: NSG_FIRST_ALLOW_PRIORITY };
  rules.forEach((rule, index) => {
    if (rule.priority !== undefined) return;
    const taken = used[rule.direction];
    while (taken.has(next[rule.direction])) next[rule.direction]++;
    const priority = next[rule.direction]++;
    taken.set(priority, index);
    priorities[index] = priority;
    if (priority >= NSG_DENY_INTERNET_PRIORITY) overflow.push({ index, priority });
  });
  return { priorities, duplicates, overflow };
}

/** The full rule set of one test-network NSG: the allow-list, then deny Internet inbound and outbound. */
export function isolationSecurityRules(allowList: AllowRule[]): SecurityRule[] {
  const { priorities, duplicates, overflow } = assignNsgPriorities(allowList);
  if (duplicates.length > 0 || overflow.length > 0) {
    const d = duplicates[0] ?? overflow[0];
    throw new Error(
      `allow-list rule ${allowList[d.index].name}: priority ${d.priority} is already used or not below ${NSG_DENY_INTERNET_PRIORITY}`,
    );
  }
  const allows: SecurityRule[] = allowList.map((rule, i) => {
    const inbound = rule.direction === "Inbound";
    return {
      name: rule.name,
      priority: priorities[i],
      direction: rule.direction,
      access: "Allow",
      protocol: rule.protocol,
      sourceAddressPrefix: inbound ? rule.remoteAddress : "VirtualNetwork",
      sourcePortRange: "*",
      destinationAddressPrefix: inbound ? "VirtualNetwork" : rule.remoteAddress,
      destinationPortRange: rule.ports,
      description: `Drill allow-list: ${rule.direction.toLowerCase()} ${rule.protocol} ${rule.ports} ${inbound ? "from" : "to"} ${rule.remoteAddress}`,
    };
  });
  const denies: SecurityRule[] = [
    {
      name: "deny-internet-inbound",
      priority: NSG_DENY_INTERNET_PRIORITY,
      direction: "Inbound",
      access: "Deny",
      protocol: "*",
      sourceAddressPrefix: "Internet",
      sourcePortRange: "*",
      destinationAddressPrefix: "*",
      destinationPortRange: "*",
      description: "Isolated test network: no traffic from the Internet",
    },
    {
      name: "deny-internet-outbound",
      priority: NSG_DENY_INTERNET_PRIORITY,
      direction: "Outbound",
      access: "Deny",
      protocol: "*",
      sourceAddressPrefix: "*",
      sourcePortRange: "*",
      destinationAddressPrefix: "Internet",
      destinationPortRange: "*",
      description: "Isolated test network: no traffic to the Internet",
    },
  ];
  return [...allows, ...denies];
}
