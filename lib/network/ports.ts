// Ports fixed by the images (see shared reference: quorum-images.md), each named once with who
// connects to it: a container's port, the Service port in front of it and the NetworkPolicy rule
// that admits its clients are all made from these.
export const PORTS = {
    bootnodeDiscovery: 30301,
    p2p: 30303,
    raft: 50400,
    /** Constellation's port, and Tessera's P2P server. */
    transactionManager: 9000,
    tesseraThirdParty: 9080,
    rpc: 8545,
    ws: 8546,
    /** geth's stand-alone metrics server (runtime goquorum). */
    metrics: 9545,
    racecourse: 3000,
} as const;

/**
 * Who connects to a port: the network's own members (peer protocols), clients (RPC), metrics
 * scrapers, the ingress controller, or nobody (a port the image opens that the network does not
 * use). A member's Service publishes its pod's ports by it, and the NetworkPolicies admit by it.
 */
export const AUDIENCES = ["members", "clients", "scrapers", "ingress", "nobody"] as const;
export type PortAudience = (typeof AUDIENCES)[number];

export interface NamedPort {
    name: string;
    port: number;
    protocol: "TCP" | "UDP";
    audience: PortAudience;
}

const tcp = (name: string, port: number, audience: PortAudience): NamedPort => ({
    name,
    port,
    protocol: "TCP",
    audience,
});
const udp = (name: string, port: number, audience: PortAudience): NamedPort => ({
    name,
    port,
    protocol: "UDP",
    audience,
});

export const NAMED_PORTS = {
    discovery: udp("discovery", PORTS.bootnodeDiscovery, "members"),
    p2p: tcp("p2p", PORTS.p2p, "members"),
    p2pUdp: udp("p2p-udp", PORTS.p2p, "members"),
    raft: tcp("raft", PORTS.raft, "members"),
    rpc: tcp("rpc", PORTS.rpc, "clients"),
    ws: tcp("ws", PORTS.ws, "clients"),
    metrics: tcp("metrics", PORTS.metrics, "scrapers"),
    http: tcp("http", PORTS.racecourse, "ingress"),
    /** Tessera's API for third parties: nothing of the network calls it. */
    tesseraThirdParty: tcp("tessera-3p", PORTS.tesseraThirdParty, "nobody"),
} satisfies Record<string, NamedPort>;

/** The transaction manager's peer port, named after the manager (constellation or tessera). */
export function transactionManagerPort(manager: string): NamedPort {
    return tcp(manager, PORTS.transactionManager, "members");
}

/** The pod's ports that `audience` connects to, in the pod's order, each name once. */
export function portsFor(podPorts: NamedPort[], audience: PortAudience): NamedPort[] {
    return podPorts.filter(
        (port, i) => port.audience === audience && podPorts.findIndex((other) => other.name === port.name) === i,
    );
}

/** What a member's Service publishes of its pod: every port somebody connects to, peers' first, then clients', then scrapers'. */
export function publishedPorts(podPorts: NamedPort[]): NamedPort[] {
    return AUDIENCES.filter((audience) => audience !== "nobody").flatMap((audience) => portsFor(podPorts, audience));
}

/** As a container declares it (TCP is the default and left out). */
export function containerPort(port: NamedPort) {
    return { name: port.name, containerPort: port.port, ...(port.protocol === "UDP" ? { protocol: "UDP" } : {}) };
}

/** As a Service forwards it, to the same port of the pod. */
export function servicePort(port: NamedPort) {
    return { name: port.name, protocol: port.protocol, port: port.port, targetPort: port.port };
}
