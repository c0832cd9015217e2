// Ports fixed by the images (see shared reference: quorum-images.md).
export const PORTS = {
    bootnodeDiscovery: 30301,
    p2p: 30303,
    raft: 50400,
    /** Constellation's port, and Tessera's P2P server. */
    transactionManager: 9000,
    tesseraThirdParty: 9080,
    rpc: 8545,
    ws: 8546,
    racecourse: 3000,
} as const;
