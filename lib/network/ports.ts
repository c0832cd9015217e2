// Ports fixed by the images (see shared reference: quorum-images.md), each named once: a
// container's port and the Service port in front of it are both made from these.
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

export interface NamedPort {
    name: string;
    port: number;
    protocol: "TCP" | "UDP";
}

const tcp = (name: string, port: number): NamedPort => ({ name, port, protocol: "TCP" });

export const NAMED_PORTS = {
    discovery: { name: "discovery", port: PORTS.bootnodeDiscovery, protocol: "UDP" },
    p2p: tcp("p2p", PORTS.p2p),
    p2pUdp: { name: "p2p-udp", port: PORTS.p2p, protocol: "UDP" },
    raft: tcp("raft", PORTS.raft),
    rpc: tcp("rpc", PORTS.rpc),
    ws: tcp("ws", PORTS.ws),
    metrics: tcp("metrics", PORTS.metrics),
    http: tcp("http", PORTS.racecourse),
} satisfies Record<string, NamedPort>;

/** The transaction manager's peer port, named after the manager (constellation or tessera). */
export function transactionManagerPort(manager: string): NamedPort {
    return tcp(manager, PORTS.transactionManager);
}

/** As a container declares it (TCP is the default and left out). */
export function containerPort(port: NamedPort) {
    return { name: port.name, containerPort: port.port, ...(port.protocol === "UDP" ? { protocol: "UDP" } : {}) };
}

/** As a Service forwards it, to the same port of the pod. */
export function servicePort(port: NamedPort) {
    return { name: port.name, protocol: port.protocol, port: port.port, targetPort: port.port };
}
