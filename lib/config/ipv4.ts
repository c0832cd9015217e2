// Minimal IPv4 arithmetic for checking fixed clusterIPs against the service CIDR.

const IPV4_PATTERN = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

export function parseIpv4(text: string): number | undefined {
    const match = IPV4_PATTERN.exec(text);
    if (!match) return undefined;
    const octets = match.slice(1).map(Number);
    if (octets.some((octet) => octet > 255)) return undefined;
    return octets.reduce((value, octet) => value * 256 + octet, 0);
}

export function formatIpv4(value: number): string {
    return [24, 16, 8, 0].map((shift) => Math.floor(value / 2 ** shift) % 256).join(".");
}

export interface Ipv4Cidr {
    network: number;
    size: number;
}

export function parseCidr(text: string): Ipv4Cidr | undefined {
    const [address, prefixText, ...rest] = text.split("/");
    if (rest.length > 0 || prefixText === undefined || !/^\d{1,2}$/.test(prefixText)) return undefined;
    const prefix = Number(prefixText);
    const base = parseIpv4(address);
    if (base === undefined || prefix > 32) return undefined;
    const size = 2 ** (32 - prefix);
    if (base % size !== 0) return undefined;
    return { network: base, size };
}

/** True when the address is a usable Service IP: inside the range, not the network address, not the apiserver's first address, not broadcast. */
export function isAssignableServiceIp(ip: number, cidr: Ipv4Cidr): boolean {
    return ip > cidr.network + 1 && ip < cidr.network + cidr.size - 1;
}
