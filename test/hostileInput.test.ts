// Hostile config: every value below is refused before anything is created, each problem naming its
// key; and a value with shell syntax that reaches a script stays data there, on this machine and on
// the minikube node (whose shell re-parses what `minikube ssh` is given, as the fake's does).
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { ConfigError, validateConfig } from "../lib/config/validate";
import { RawConfig } from "../lib/config/values";
import { FakeHost } from "./support/fakeHost";

const CONTEXT = { stack: "test", projectDir: "/home/user/kaleido-quorum" };
const SHELL = "x';touch${IFS}/tmp/kq-pwned;'";

const HOSTILE: [string, RawConfig][] = [
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
    ["constellationImage", { runtime: "kaleido", constellationImage: SHELL }],
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
];

describe("hostile config values", () => {
    it(`lists at least 40 of them`, () => assert.ok(HOSTILE.length >= 40, String(HOSTILE.length)));

    for (const [key, raw] of HOSTILE) {
        it(`refuses ${JSON.stringify(raw)}, naming ${key}`, () => {
            let problems: string[] = [];
            try {
                validateConfig(raw, CONTEXT);
            } catch (error) {
                assert.ok(error instanceof ConfigError, String(error));
                problems = error.problems;
            }
            assert.ok(problems.some((problem) => problem.startsWith(`${key}:`)), `no problem names ${key}; got:\n${problems.join("\n")}`);
        });
    }
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
        const result = fake.sh("bash scripts/wipe-qdata.sh", { MINIKUBE_PROFILE: "minikube", SEED_NAME: "qdata-1", SEED_TARGET_DIR: `/data/${payload()}`, KEEP_CHAIN_DATA: "false" });
        assert.match(result.stdout, /wipe-qdata\[qdata-1\]: removed minikube:\/data\/x'/);
        assert.ok(!pwned(), `the payload ran: ${result.stderr}`);
    });

    it("the node's shell does run an unquoted payload (the fake is as strict as minikube)", () => {
        fake.sh(`minikube -p minikube ssh -- echo ${payload()}`);
        assert.ok(pwned(), "the fake minikube did not parse its line as a shell would");
    });
});
