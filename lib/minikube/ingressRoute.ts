// Where this machine reaches the minikube profile's ingress: the node's IP, or 127.0.0.1 through
// `minikube tunnel`. It depends on the profile's driver and on the host's operating system.
import { exec } from "child_process";
import { promisify } from "util";
import { UserError } from "../userError";

export type IngressAddressKind = "minikube-ip" | "127.0.0.1";

export interface IngressRoute {
    address: IngressAddressKind;
    /** True when the ingress answers only while `minikube tunnel` runs. */
    needsTunnel: boolean;
}

/** Where `minikube tunnel` serves every Ingress's ports 80 and 443, through sudo ssh (pkg/minikube/tunnel/kic/ssh_tunnel.go, ssh_conn.go). */
export const TUNNEL_ADDRESS = "127.0.0.1";

/** minikube's container ("kic") drivers: pkg/minikube/driver IsKIC. */
const CONTAINER_DRIVERS = new Set(["docker", "podman"]);
/** Where the container drivers' node runs inside Docker or Podman Desktop's own VM, out of the host's reach. */
const VM_HIDDEN_HOSTS = new Set<NodeJS.Platform>(["darwin", "win32"]);

/**
 * The rule minikube itself applies when it enables the ingress addon (pkg/addons/addons.go,
 * addonSpecificChecks): a container driver on macOS or Windows needs `minikube tunnel` and serves
 * the ingress on 127.0.0.1. On Linux the docker network's node IP is routed from the host; VM
 * drivers have a host-reachable IP; `none` is the host itself.
 */
export function ingressRoute(driver: string, hostOs: NodeJS.Platform): IngressRoute {
    const tunnelled = CONTAINER_DRIVERS.has(driver) && VM_HIDDEN_HOSTS.has(hostOs);
    return tunnelled ? { address: "127.0.0.1", needsTunnel: true } : { address: "minikube-ip", needsTunnel: false };
}

/** The ingress's host address: the node IP `minikube ip` printed, or the tunnel's. */
export function ingressAddressOf(route: IngressRoute, minikubeIp: string): string {
    return route.address === "127.0.0.1" ? TUNNEL_ADDRESS : minikubeIp;
}

export interface ProfileFacts {
    driver: string;
    /** The QEMU driver's network ("builtin" or "socket_vmnet"); empty for other drivers. */
    network: string;
}

/** `--light` reads the profiles' saved configs without probing each one's status (kubernetes/minikube#10380, 2021). */
export const PROFILE_LIST_COMMAND = "minikube profile list -o json --light";

interface ListedProfile {
    Name?: string;
    Config?: { Driver?: string; Network?: string };
}

/** The profile's driver and network, from `minikube profile list -o json`: valid[].Name, valid[].Config.Driver (pkg/minikube/config/types.go). */
export function profileFacts(profileListJson: string, profile: string): ProfileFacts {
    let listed: { valid?: ListedProfile[] };
    try {
        listed = JSON.parse(profileListJson) as { valid?: ListedProfile[] };
    } catch {
        const printed = profileListJson.trim().slice(0, 80) || "nothing";
        throw new UserError(
            `preflight: '${PROFILE_LIST_COMMAND}' printed no JSON (${printed}): does your minikube know --light (added in 2021)?`,
        );
    }
    const config = (listed.valid ?? []).find((entry) => entry.Name === profile)?.Config;
    if (!config?.Driver) {
        throw new UserError(
            `preflight: 'minikube profile list' shows no valid profile ${profile} with a driver: run 'minikube start -p ${profile}'`,
        );
    }
    return { driver: config.Driver, network: config.Network ?? "" };
}

/** Runs a command line as the program's read-only checks do, and returns what it printed. */
export type CommandRunner = (commandLine: string, environment: Record<string, string>) => Promise<{ stdout: string }>;

/** Reads the profile's driver and decides where its ingress is reached from this host. */
export async function readIngressRoute(
    profile: string,
    hostOs: NodeJS.Platform,
    run: CommandRunner,
): Promise<{ facts: ProfileFacts; route: IngressRoute }> {
    const facts = profileFacts((await run(PROFILE_LIST_COMMAND, {})).stdout, profile);
    return { facts, route: ingressRoute(facts.driver, hostOs) };
}

/** What the user must do, or know, to reach the ingress; empty when the node IP simply works. */
export function ingressNotices(profile: string, facts: ProfileFacts, route: IngressRoute): string[] {
    const notices: string[] = [];
    if (route.needsTunnel) {
        notices.push(
            `minikube profile ${profile} runs the ${facts.driver} driver, whose node this machine cannot reach: the ingress (the racecourse) answers on ` +
                `http://${TUNNEL_ADDRESS}/ only while 'minikube tunnel -p ${profile}' runs in another terminal (it binds ports 80 and 443, ` +
                `so it asks for your password on macOS); 'npm run connect' works without it`,
        );
    }
    // minikube's cmd/minikube/cmd/start_flags.go getNetwork: QEMU's builtin network "doesn't support minikube service & minikube tunnel".
    if ((facts.driver === "qemu2" || facts.driver === "qemu") && facts.network === "builtin") {
        notices.push(
            `minikube profile ${profile} runs QEMU on its builtin network, whose node IP this machine cannot reach and which 'minikube tunnel' ` +
                `does not serve: the racecourse URL will not answer. Use 'npm run connect', or recreate the profile with '--network socket_vmnet' (macOS)`,
        );
    }
    return notices;
}

/** Runs a command line in this machine's shell, for callers outside a Pulumi program. */
const runHere: CommandRunner = (commandLine, environment) =>
    promisify(exec)(commandLine, { env: { ...process.env, ...environment } });

/** What `npm run up` says about reaching the profile's ingress from this machine, read with minikube here. */
export async function ingressNoticesHere(profile: string): Promise<string[]> {
    const { facts, route } = await readIngressRoute(profile, process.platform, runHere);
    return ingressNotices(profile, facts, route);
}
