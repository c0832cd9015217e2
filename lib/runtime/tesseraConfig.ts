// Tessera's JSON config for one node: its constellation-format key pair (the same NaCl files),
// every other node's Tessera as a peer at its fixed address, Q2T for geth on a unix socket in the
// shared volume, and an H2 file database under the volume.
import { TM_KEY, TM_PUB, TRANSACTION_MANAGER_CONFIG_FILES } from "../model/layout";
import { inQdata, TESSERA_DB, TESSERA_SOCKET as SOCKET } from "../model/paths";
import { PORTS } from "../network/ports";

export const TESSERA_CONFIG_PATH = inQdata(TRANSACTION_MANAGER_CONFIG_FILES.tessera);
export const TESSERA_SOCKET = inQdata(SOCKET);

export function tesseraConfig(ownIp: string, allIps: string[]): string {
    const p2p = `http://${ownIp}:${PORTS.transactionManager}`;
    const config = {
        useWhiteList: false,
        jdbc: {
            username: "sa",
            password: "",
            url: `jdbc:h2:${inQdata(TESSERA_DB)};MODE=Oracle;TRACE_LEVEL_SYSTEM_OUT=0`,
            autoCreateTables: true,
        },
        serverConfigs: [
            {
                app: "ThirdParty",
                enabled: true,
                serverAddress: `http://${ownIp}:${PORTS.tesseraThirdParty}`,
                bindingAddress: `http://0.0.0.0:${PORTS.tesseraThirdParty}`,
                communicationType: "REST",
            },
            { app: "Q2T", enabled: true, serverAddress: `unix:${TESSERA_SOCKET}`, communicationType: "REST" },
            {
                app: "P2P",
                enabled: true,
                serverAddress: p2p,
                bindingAddress: `http://0.0.0.0:${PORTS.transactionManager}`,
                sslConfig: { tls: "OFF" },
                communicationType: "REST",
            },
        ],
        peer: allIps.filter((ip) => ip !== ownIp).map((ip) => ({ url: `http://${ip}:${PORTS.transactionManager}` })),
        keys: { passwords: [], keyData: [{ privateKeyPath: inQdata(TM_KEY), publicKeyPath: inQdata(TM_PUB) }] },
        alwaysSendTo: [],
    };
    return JSON.stringify(config, null, 2) + "\n";
}
