// Ports fixed by the quorum and constellation images (see shared reference: quorum-images.md).
export const PORTS = {
    bootnodeDiscovery: 30301,
    p2p: 30303,
    raft: 50400,
    constellation: 9000,
    rpc: 8545,
    ws: 8546,
    racecourse: 3000,
} as const;
