// The fixed clusterIPs: every one an IPv4 address inside the Service CIDR, and all distinct.
import { formatIpv4, isAssignableServiceIp, parseCidr, parseIpv4 } from "./ipv4";
import { ValueReader } from "./values";
import { Addresses } from "../model/addresses";

export function readAddresses(reader: ValueReader, nodeCount: number): Addresses {
    const { problems } = reader;
    const serviceCidr = reader.string("serviceCidr");
    const cidr = parseCidr(serviceCidr);
    if (!cidr) problems.push(`serviceCidr: "${serviceCidr}" must be an IPv4 CIDR such as 10.96.0.0/12`);
    const bootnodeIp = reader.string("bootnodeIp");
    const nodeServiceIp = reader.string("nodeServiceIp");
    const listed = reader.stringList("nodeIps");
    const nodeIps = listed.length > 0 ? listed : defaultNodeIps(bootnodeIp, nodeCount);
    if (listed.length > 0 && listed.length !== nodeCount) {
        problems.push(
            `nodeIps: lists ${listed.length} addresses but nodeCount is ${nodeCount}; give one per node or leave it unset`,
        );
    }
    const named: [string, string][] = [
        ["bootnodeIp", bootnodeIp],
        ["nodeServiceIp", nodeServiceIp],
        ...nodeIps.map((ip, i): [string, string] => [
            listed.length > 0 ? `nodeIps[${i}]` : `nodeIps (derived from bootnodeIp) for node ${i + 1}`,
            ip,
        ]),
    ];
    checkServiceIps(named, cidr, serviceCidr, problems);
    return { serviceCidr, bootnodeIp, nodeServiceIp, nodeIps };
}

function defaultNodeIps(bootnodeIp: string, nodeCount: number): string[] {
    const base = parseIpv4(bootnodeIp);
    if (base === undefined) return [];
    return Array.from({ length: nodeCount }, (_, i) => formatIpv4(base + i + 1));
}

function checkServiceIps(
    named: [string, string][],
    cidr: ReturnType<typeof parseCidr>,
    cidrText: string,
    problems: string[],
): void {
    const seen = new Map<string, string>();
    for (const [key, ip] of named) {
        const value = parseIpv4(ip);
        if (value === undefined) {
            problems.push(`${key}: "${ip}" must be an IPv4 address`);
            continue;
        }
        // 010.96.0.101 and 10.96.0.101 are one address: only the plain form compares as one.
        if (formatIpv4(value) !== ip) {
            problems.push(`${key}: "${ip}" must be written as ${formatIpv4(value)}, without leading zeros`);
            continue;
        }
        if (cidr && !isAssignableServiceIp(value, cidr)) {
            problems.push(
                `${key}: ${ip} must lie inside serviceCidr ${cidrText}, excluding its network, first and last addresses`,
            );
        }
        const other = seen.get(ip);
        if (other) problems.push(`${key}: ${ip} is already used by ${other}; every clusterIP must be distinct`);
        else seen.set(ip, key);
    }
}
