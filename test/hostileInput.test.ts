// Hostile config: every value below is refused before anything is created, each problem naming its
// key, with no stack trace and no hang (each case runs in a child process under a time limit); the
// near misses beside them pass, so each refusal is its value's. And a value with shell syntax that
// reaches a script stays data there, on this machine and on the minikube node (whose shell
// re-parses what `minikube ssh` is given, as the fake's does).
import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { declaredKeys } from "../lib/config/declared";
import { otherStackRoots } from "../lib/config/hostPathRoot";
import { stackFileNames } from "../lib/config/stackFile";
import { ConfigError, validateConfig } from "../lib/config/validate";
import { RawConfig } from "../lib/config/values";
import { overlapOf } from "../lib/model/hostFolders";
import { FakeHost, REPO_ROOT } from "./support/fakeHost";
import { CheckResult, TimedChecks } from "./support/fileChecks";

const SHELL = "x';touch${IFS}/tmp/kq-pwned;'";
const PASSWORD = "kq-password-never-quoted";
/** Each case's limit: validation reads no more than the stack files and a qdata folder. */
const LIMIT_MS = 5000;

/** A key, the hostile values (the stack checked is "hostile", its default folder /data/hostile), and what the refusal must also name. */
type Hostile = [key: string, raw: RawConfig, names?: string];

/** Keys that are read only beside another setting: a control character in them is judged there. */
const COMPANIONS: Record<string, RawConfig> = {
    constellationImage: { runtime: "quorum-tools" },
    constellationCpu: { runtime: "quorum-tools" },
    constellationMemory: { runtime: "quorum-tools" },
    storageClassName: { platform: "kubernetes" },
    serviceMonitorLabels: { monitoring: "serviceMonitor" },
};
const STRING_KEYS = Object.entries(declaredKeys())
    .filter(([, declaration]) => declaration.type === "string")
    .map(([key]) => key);
const CONTROL_CHARACTERS: Hostile[] = STRING_KEYS.map((key, i) => [
    key,
    {
        ...COMPANIONS[key],
        [key]: `a${["\n", "\u001b[2J", "\t", "\u0000", "\r", "\u007f", "\u0085", "\u2028"][i % 8]}b`,
    },
    "control characters",
]);

const HOST_FOLDERS: Hostile[] = [
    ...[
        "/",
        "/etc",
        "/var/lib/kubelet",
        "/var/lib/minikube",
        "/var/lib/docker/quorum",
        "/tmp",
        "/home/user/data",
        "/datax/dev",
    ].map((root): Hostile => ["hostPathRoot", { hostPathRoot: root }, "outside the folders minikube keeps"]),
    ["hostPathRoot", { hostPathRoot: "/data" }, "stack kaleido's /data/qdata_0..N"],
    ["hostPathRoot", { hostPathRoot: "/data/qdata_1" }, "/data/qdata_1 is a member's folder"],
    ["hostPathRoot", { hostPathRoot: "/data/qdata_0/mine" }, "inside /data/qdata_0, a member's folder"],
    ["hostPathRoot", { hostPathRoot: "/data/team" }, "holds stack deep's /data/team/deep"],
    ["hostPathRoot", { hostPathRoot: "/data/dev" }, "is also stack dev's /data/dev"],
    ["hostPathRoot", { hostPathRoot: "/data/dev/mine" }, "lies inside stack dev's /data/dev"],
    ["hostPathRoot", { hostPathRoot: "/data/quorum-ibft" }, "stack ibft's /data/quorum-ibft"],
    ...[
        "data/dev2",
        "./data/dev2",
        "/data/../etc",
        "/data/./dev2",
        "/data/dev2/",
        "/data//dev2",
        "//data/dev2",
        "/data/dev 2",
        "/data/dév2",
    ].map((root): Hostile => ["hostPathRoot", { hostPathRoot: root }, "must be an absolute folder"]),
];

const NAMES: Hostile[] = [
    ["kubeContext", { kubeContext: "minikube\nprod" }, "U+000A"],
    ["kubeContext", { kubeContext: "k".repeat(300) }, "300 characters"],
    ...["my profile", "Minikube", "mïnikube", "p".repeat(300), "p", "start", "-minikube", "a..b", "mini_kube"].map(
        (minikubeProfile): Hostile => ["minikubeProfile", { minikubeProfile }],
    ),
    ...["my class", "Nginx", "ngïnx", "n".repeat(300), "nginx_", "-nginx", "nginx."].map(
        (ingressClassName): Hostile => ["ingressClassName", { ingressClassName }, "IngressClass name"],
    ),
    ["ingressHost", { ingressHost: "r".repeat(300) }],
    ["imagePullSecrets", { imagePullSecrets: JSON.stringify(["s".repeat(300)]) }],
    [
        "imagePullSecrets",
        { imagePullSecrets: JSON.stringify(["reg\tcred"]) },
        "item 1 must not contain control characters",
    ],
    ["racecourseEnv", { racecourseEnv: JSON.stringify(["A=1\nB=2"]) }, "control characters"],
];

const PASSWORDS: Hostile[] = [
    `${PASSWORD}\nsecond`,
    `${PASSWORD}\r\n`,
    `${PASSWORD}\u0000`,
    `\u001b[2J${PASSWORD}`,
    `${PASSWORD}\u2028x`,
    `pass\t${PASSWORD}`,
].map((accountPassword) => ["accountPassword", { accountPassword }, "geth reads each line of passwords.txt"]);

const QUANTITIES: Hostile[] = [
    ...[
        "0x0",
        "0",
        "-1",
        "0x",
        "0x5207",
        "0x8000000000000000",
        "0xFFFFFFFFFFFFFFFF",
        "0x10000000000000000",
        "1e99",
        "0x-1",
    ].map((gasLimit): Hostile => ["gasLimit", { gasLimit }]),
    ...["0Gi", "0", "-1Gi", "1e99", "0.0Mi", "2Pi", "1m", "1.5.5Gi", "Gi", "1 Gi"].map(
        (volumeSize): Hostile => ["volumeSize", { volumeSize }],
    ),
    ...["0:0", "0m:1", "1:0", "2:1", "-1:1", "1e3:1e4", "1:2:3", "100m:", ":1", "1001:1001", "1Gi:2Gi"].map(
        (quorumCpu): Hostile => ["quorumCpu", { quorumCpu }],
    ),
    ...["0:0", "0Mi:1Gi", "1Gi:0", "2Gi:1Gi", "1m:1Gi", "512Mi:2Pi", "-1Mi:1Gi", "1:1e99"].map(
        (quorumMemory): Hostile => ["quorumMemory", { quorumMemory }],
    ),
    ["tesseraCpu", { tesseraCpu: "0:0" }, "must be above zero"],
    ["racecourseMemory", { racecourseMemory: "256Mi:128Mi" }, "must not exceed"],
    ["bootnodeCpu", { bootnodeCpu: "0m:0m" }, "must be above zero"],
];

const HOSTILE: Hostile[] = [
    ["nodeCount", { nodeCount: "-1" }],
    ["nodeCount", { nodeCount: "1e3" }],
    ["nodeCount", { nodeCount: "5; rm -rf /" }],
    ["nodeCount", { nodeCount: "51" }],
    ["consensus", { consensus: "raft;id" }],
    ["validators", { consensus: "qbft", validators: "-1" }],
    ["blockPeriod", { consensus: "qbft", blockPeriod: "61" }],
    ["roundChangeTimer", { consensus: "qbft", roundChangeTimer: "-5" }],
    ["serviceCidr", { serviceCidr: "10.96.0.0/33" }],
    ["serviceCidr", { serviceCidr: "10.96.0.1/12" }],
    ["bootnodeIp", { bootnodeIp: "10.96.0.300" }],
    ["bootnodeIp", { bootnodeIp: "010.96.0.100" }],
    ["nodeServiceIp", { nodeServiceIp: "192.168.0.1" }],
    ["nodeIps[1]", { nodeCount: "2", nodeIps: '["10.96.0.101","010.96.0.101"]' }],
    ["nodeIps[1]", { nodeCount: "2", nodeIps: '["10.96.0.101","10.96.0.101"]' }],
    ["hostPathRoot", { hostPathRoot: "/data/../etc" }],
    ["hostPathRoot", { hostPathRoot: "relative/path" }],
    ["hostPathRoot", { hostPathRoot: "/" }],
    ["hostPathRoot", { hostPathRoot: "/data/$(id)" }],
    ["hostPathRoot", { hostPathRoot: SHELL }],
    ["namespace", { namespace: "kube-system" }],
    ["namespace", { namespace: "Quorum" }],
    ["namespace", { namespace: "x".repeat(64) }],
    ["namespace", { namespace: SHELL }],
    ["kubeContext", { kubeContext: " " }],
    ["minikubeProfile", { minikubeProfile: "" }],
    ["quorumImage", { quorumImage: "a;b" }],
    ["quorumImage", { quorumImage: "$(id)" }],
    ["tesseraImage", { tesseraImage: "x y" }],
    ["racecourseImage", { racecourseImage: "test/racecourse;touch${IFS}pwned" }],
    ["racecourseImage", { racecourseImage: "`id`" }],
    ["constellationImage", { runtime: "quorum-tools", constellationImage: SHELL }],
    ["imagePullPolicy", { imagePullPolicy: "Sometimes" }],
    ["imagePullSecrets", { imagePullSecrets: '["Bad_Secret"]' }],
    ["volumeSize", { volumeSize: "1GB" }],
    ["storageClassName", { storageClassName: "standard" }],
    ["ingressHost", { ingressHost: "evil.com/../" }],
    ["ingressHost", { ingressHost: SHELL }],
    ["ingressTlsSecret", { ingressTlsSecret: "TLS!" }],
    ["ingressClassName", { ingressClassName: "" }],
    ["racecourseEnv", { racecourseEnv: '["1X=2"]' }],
    ["racecourseEnv", { racecourseEnv: '["A"]' }],
    ["rpcApis", { rpcApis: "eth,quorum" }],
    ["quorumCpu", { quorumCpu: "2:1" }],
    ["quorumCpu", { quorumCpu: "lots" }],
    ["quorumMemory", { quorumMemory: "1Gi:512Mi" }],
    ["networkId", { networkId: "0" }],
    ["chainId", { chainId: "abc" }],
    ["gasLimit", { gasLimit: "0xZZ" }],
    ["gasLimit", { gasLimit: "1000" }],
    ["monitoring", { monitoring: "prometheus" }],
    ["rpcClients", { rpcClients: '["$(id)"]' }],
    ["metricsScrapers", { metricsScrapers: '["a=b c=d e=f"]' }],
    ["keepChainData", { keepChainData: "yes" }],
    ["restoreFrom", { restoreFrom: "/nowhere/backup" }],
    ["racecourseImage", { racecourse: "false", racecourseImage: "me/app:1" }],
    ...CONTROL_CHARACTERS,
    ...HOST_FOLDERS,
    ...NAMES,
    ...PASSWORDS,
    ...QUANTITIES,
];

/** Each as close to a hostile value above as the rules allow. */
const NEAR_MISSES: RawConfig[] = [
    {},
    ...[
        "/data/dev2",
        "/data/team2",
        "/data/team/deep2",
        "/data/qdata",
        "/data/qdata_1x",
        "/tmp/hostpath_pv",
        "/tmp/hostpath-provisioner/hostile",
    ].map((hostPathRoot) => ({ hostPathRoot })),
    { kubeContext: "my context@cluster" },
    { minikubeProfile: "my-profile.v2" },
    { ingressClassName: "nginx.example.com" },
    { accountPassword: `${PASSWORD} with spaces and ü` },
    { gasLimit: "0x5208", volumeSize: "1Mi", quorumCpu: "1m:1m", quorumMemory: "1Mi:1Mi" },
    { gasLimit: "0x7fffffffffffffff", volumeSize: "1Pi", quorumCpu: "1.5:1000", quorumMemory: "1G:1Pi" },
];

/** The project's stack files, and a stack deep whose folder lies under /data/team. */
function projectWithStacks(): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kq-hostile-"));
    for (const stack of stackFileNames(REPO_ROOT))
        fs.copyFileSync(path.join(REPO_ROOT, `Pulumi.${stack}.yaml`), path.join(dir, `Pulumi.${stack}.yaml`));
    fs.writeFileSync(path.join(dir, "Pulumi.deep.yaml"), "config:\n  kaleido-quorum:hostPathRoot: /data/team/deep\n");
    return dir;
}

/** The case's values for its title: JSON leaves DEL, C1 controls and U+2028 as they are, which a terminal would act on. */
const shown = (raw: RawConfig) =>
    JSON.stringify(raw)
        .replace(/[\u007f-\u009f\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`)
        .slice(0, 120);

function assertRefused({ outcome, messages }: CheckResult, key: string, names?: string): void {
    const said = messages.join("\n");
    assert.equal(outcome, "refused", said);
    const own = messages.filter((message) => message.startsWith(`${key}:`));
    assert.ok(own.length > 0, `no problem names ${key}; got:\n${said}`);
    if (names)
        assert.ok(
            own.some((message) => message.includes(names)),
            `no ${key} problem says ${JSON.stringify(names)}; got:\n${said}`,
        );
    assert.ok(!/\n\s+at /.test(said), `a stack trace:\n${said}`);
    assert.ok(!said.includes(PASSWORD), `the password was quoted:\n${said}`);
}

describe("hostile config values", function () {
    this.timeout(60_000);
    const checks = new TimedChecks();
    let project: string;
    const check = (raw: RawConfig, limitMs = LIMIT_MS) => checks.run("config", { raw, projectDir: project }, limitMs);
    before(() => (project = projectWithStacks()));
    after(() => {
        checks.stop();
        fs.rmSync(project, { recursive: true, force: true });
    });

    it("lists at least 150 of them, a control character in every string key among them", () => {
        assert.ok(HOSTILE.length >= 150, String(HOSTILE.length));
        assert.deepEqual(
            CONTROL_CHARACTERS.map(([key]) => key),
            STRING_KEYS,
        );
    });

    it("accepts each near miss, so that every refusal below is its value's", async () => {
        // The first check loads the program's validation in the child: a limit of its own.
        assert.deepEqual(await check({}, 30_000), { outcome: "accepted", messages: [] });
        for (const raw of NEAR_MISSES)
            assert.deepEqual(await check(raw), { outcome: "accepted", messages: [] }, JSON.stringify(raw));
    });

    for (const [key, raw, names] of HOSTILE) {
        it(`refuses ${shown(raw)}, naming ${key}`, async () => assertRefused(await check(raw), key, names));
    }

    it("refuses the default folder of a stack named like a member's (qdata_1 would land in the seed's node 1)", () => {
        assert.throws(
            () => validateConfig({}, { stack: "qdata_1", projectDir: project }),
            (error: unknown) => {
                assert.ok(error instanceof ConfigError);
                assert.match(
                    error.problems.join("\n"),
                    /^hostPathRoot: empty means \/data\/<stack>, and \/data\/qdata_1 is a member's folder/m,
                );
                return true;
            },
        );
    });

    it("keeps the example stacks' folders apart, the seed's /data/qdata_N beside /data/<stack>", () => {
        for (const stack of stackFileNames(REPO_ROOT)) {
            const others = otherStackRoots(REPO_ROOT, stack, "minikube");
            const own = otherStackRoots(REPO_ROOT, "", "minikube").find((owner) => owner.stack === stack);
            if (!own) continue;
            for (const other of others)
                assert.equal(
                    overlapOf(own.root, other.root),
                    undefined,
                    `${stack} (${own.root}) and ${other.stack} (${other.root})`,
                );
        }
    });
});

describe("a value with shell syntax that reaches a script stays data", function () {
    this.timeout(30_000);
    let fake: FakeHost;
    const pwned = () => fs.existsSync(path.join(fake.state, "pwned"));
    /** Would create $FAKE_STATE/pwned wherever a shell parsed it as code. */
    const payload = () => `x';touch "${fake.state}/pwned";'`;
    beforeEach(() => {
        fake = new FakeHost();
    });
    afterEach(() => fake.dispose());

    it("image.sh: the image name reaches crictl on the node as one word", () => {
        const result = fake.sh("bash scripts/image.sh load", { IMAGE: payload(), MINIKUBE_PROFILE: "minikube" });
        assert.equal(result.status, 1, result.stderr);
        assert.ok(!pwned(), "the payload ran");
    });

    it("wipe-qdata.sh: the host folder reaches rm on the node as one word", () => {
        const result = fake.sh("bash scripts/wipe-qdata.sh", {
            MINIKUBE_PROFILE: "minikube",
            SEED_NAME: "qdata-1",
            SEED_TARGET_DIR: `/data/${payload()}`,
            KEEP_CHAIN_DATA: "false",
        });
        assert.match(result.stdout, /wipe-qdata\[qdata-1\]: removed minikube:\/data\/x'/);
        assert.ok(!pwned(), `the payload ran: ${result.stderr}`);
    });

    it("the node's shell does run an unquoted payload (the fake is as strict as minikube)", () => {
        fake.sh(`minikube -p minikube ssh -- echo ${payload()}`);
        assert.ok(pwned(), "the fake minikube did not parse its line as a shell would");
    });
});
