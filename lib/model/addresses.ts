// The network's fixed clusterIPs.

export interface Addresses {
    serviceCidr: string;
    bootnodeIp: string;
    nodeServiceIp: string;
    /** nodeIps[i] is the fixed clusterIP of node i+1. */
    nodeIps: string[];
}
