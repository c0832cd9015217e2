// npm run up [-- --stack NAME] [--new] [<pulumi up arguments>]
// Gets a laptop ready for the stack, or says exactly what is missing, before anything starts:
//  - Node.js 22 or later, the Pulumi CLI, and the passphrase that encrypts the stack's secrets.
//  - The stack's file, Pulumi.<stack>.yaml: a mistyped name would silently become a new network on
//    the defaults, so a stack without one takes --new. Its config passes the program's own check:
//    every key declared in Pulumi.yaml (a typo is named with the nearest key), each value valid.
//  - On a file backend, a lock of this stack left by a pulumi that no longer runs on this machine
//    (a crash, a SIGKILL) is named with the recovery instead of pulumi's generic "currently
//    locked" error. It never removes a lock itself.
//  - platform minikube: minikube and kubectl; a profile that is not running is started with the
//    CPUs and memory the stack's pods need and the calico CNI, which enforces NetworkPolicy.
// Then `pulumi stack select --create <stack>` and `pulumi up` with the other arguments.
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { chooseStack, ownArguments, stackLine } from "../lib/cli";
import { stackFileConfig, stackFileKeys, stackFileNames, stackFilePath } from "../lib/config/stackFile";
import { unknownKeyProblems, nearestOf } from "../lib/config/unknownKeys";
import { ConfigError, validateConfig } from "../lib/config/validate";
import { onPath, Refusal, runLaptopCommand, runOnTerminal } from "../lib/laptop";
import { ingressNoticesHere } from "../lib/minikube/ingressRoute";
import { minikubeSize, stackRequests } from "../lib/minikube/sizing";
import { staleLock } from "../lib/pulumiLock";
import { selectedStack } from "../lib/stackOutputs";

const PROJECT_DIR = path.join(__dirname, "..");

const USAGE = `usage: [STACK=<stack>] npm run up [-- --stack NAME] [--new] [<pulumi up arguments>]
Works on --stack NAME, else $STACK, else the stack Pulumi has selected, else dev. Before starting
anything it checks Node.js, the Pulumi CLI, the passphrase, and the stack's config: Pulumi.<stack>.yaml
must exist (--new starts a stack without one, on every default) and pass the program's config check
(each key declared in Pulumi.yaml, each value valid). Then (platform minikube) minikube and kubectl:
a profile that is not running is started sized for the stack. Then it runs
\`pulumi stack select --create <stack>\` and \`pulumi up <arguments>\`.`;

interface Cluster {
    platform: string;
    profile: string;
    cpus: number;
    memoryMib: number;
}

function checkTools(): void {
    const major = Number(process.versions.node.split(".")[0]);
    if (major < 22)
        throw new Refusal(
            `Node.js ${process.version} is too old: @pulumi/pulumi needs Node.js 22 or later (https://nodejs.org/en/download)`,
        );
    if (!onPath("pulumi")) {
        const where =
            "install it from https://www.pulumi.com/docs/install/ (no account needed: state stays in files under ~/.pulumi)";
        throw new Refusal(`the Pulumi CLI is not installed: ${where}`, 2);
    }
}

function checkPassphrase(stack: string): void {
    if (process.env.PULUMI_CONFIG_PASSPHRASE !== undefined || process.env.PULUMI_CONFIG_PASSPHRASE_FILE) return;
    throw new Refusal(
        `PULUMI_CONFIG_PASSPHRASE is not set. The passphrase encrypts the stack's secrets (accountPassword) in Pulumi.${stack}.yaml; ` +
            "pulumi asks for it on every run of this stack, and nothing can recover it: lose it and you must 'pulumi config set --secret' each secret again " +
            `(the network's keys are in .keys/${stack}, not behind it). Choose one and keep it in your password manager: export PULUMI_CONFIG_PASSPHRASE='...'`,
    );
}

/** A stack without a file is a typo unless --new says it is on purpose. */
function checkStackFile(stack: string, fresh: boolean): void {
    const file = stackFilePath(PROJECT_DIR, stack);
    if (fresh || fs.existsSync(file)) return;
    const existing = stackFileNames(PROJECT_DIR);
    const nearest = nearestOf(stack, existing);
    throw new Refusal(
        `there is no ${path.basename(file)}: stack ${stack} would be a new network on every default. ` +
            `${nearest ? `Did you mean ${nearest}? ` : ""}The stack files here: ${existing.join(", ") || "none"}. ` +
            `A new stack on purpose: npm run up -- --stack ${stack} --new`,
        2,
    );
}

/** The stack's config as the program checks it at preview, and the minikube it needs. */
function checkConfig(stack: string): Cluster {
    try {
        // The file's own keys, secrets included: a mistyped secret key is as much a typo as any.
        const unknown = unknownKeyProblems(stackFileKeys(PROJECT_DIR, stack));
        if (unknown.length > 0) throw new ConfigError(unknown);
        const config = validateConfig(stackFileConfig(PROJECT_DIR, stack), { stack, projectDir: PROJECT_DIR });
        const { cpus, memoryMib } = minikubeSize(stackRequests(config));
        return { platform: config.platform, profile: config.minikubeProfile, cpus, memoryMib };
    } catch (error) {
        if (!(error instanceof ConfigError)) throw error;
        throw new Refusal(`${path.basename(stackFilePath(PROJECT_DIR, stack))}: ${error.message}`, 2);
    }
}

function checkLock(stack: string): void {
    const lock = staleLock(PROJECT_DIR, stack);
    if (!lock) return;
    throw new Refusal(
        `stack ${stack} is locked by pulumi pid ${lock.pid} (since ${lock.timestamp}), which no longer runs: an interrupted run left it. ` +
            `Recover with: pulumi cancel --yes --stack ${stack} && pulumi refresh --clear-pending-creates --yes --stack ${stack} ` +
            `&& npm run up -- --stack ${stack}   (README: Interrupted runs)`,
    );
}

function ensureMinikube({ profile, cpus, memoryMib }: Cluster): void {
    if (!onPath("minikube"))
        throw new Refusal("minikube is not installed: install it from https://minikube.sigs.k8s.io/docs/start/");
    if (!onPath("kubectl"))
        throw new Refusal("kubectl is not installed: install it from https://kubernetes.io/docs/tasks/tools/");
    const status = spawnSync(
        "minikube",
        ["-p", profile, "status", "--format", "{{.Host}}/{{.Kubelet}}/{{.APIServer}}"],
        { encoding: "utf8" },
    );
    const state = status.stdout?.trim() ?? "";
    if (state === "Running/Running/Running") return;
    console.error(
        `up: minikube profile ${profile} is not running (${state || "not created"}); starting it with ${cpus} CPUs, ${memoryMib} MiB ` +
            "and the calico CNI, which enforces NetworkPolicy (a few minutes the first time)",
    );
    const start = ["start", "-p", profile, "--cpus", String(cpus), "--memory", String(memoryMib), "--cni", "calico"];
    const started = spawnSync("minikube", start, { stdio: "inherit" });
    if (started.status !== 0)
        throw new Refusal(`minikube start -p ${profile} failed (exit ${started.status}); its output above says why`);
}

async function up(argv: string[]): Promise<number> {
    const own = ownArguments(argv, ["new"]);
    checkTools();
    const choice = chooseStack(own.stack, process.env.STACK, () => selectedStack("up"));
    console.log(stackLine("up", choice));
    checkPassphrase(choice.name);
    checkStackFile(choice.name, own.flags.has("new"));
    const cluster = checkConfig(choice.name);
    checkLock(choice.name);
    if (cluster.platform === "minikube") {
        ensureMinikube(cluster);
        for (const notice of await ingressNoticesHere(cluster.profile)) console.error(`up: ${notice}`);
    }
    const selected = spawnSync("pulumi", ["stack", "select", "--create", choice.name], { stdio: "inherit" });
    if (selected.status !== 0) return selected.status ?? 1;
    return runOnTerminal("pulumi", ["up", ...own.rest]);
}

runLaptopCommand("up", USAGE, PROJECT_DIR, up);
