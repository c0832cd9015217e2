import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import {
    CommandRunner,
    ingressAddressOf,
    ingressNotices,
    ingressNoticesHere,
    ingressRoute,
    IngressRoute,
    profileFacts,
    readIngressRoute,
} from "../lib/minikube/ingressRoute";
import { FakeHost } from "./support/fakeHost";
import { makeWorkspace, PROJECT, ProgramRun, runProgram, stackConfig, Workspace } from "./support/program";
import { pregenerateKeys } from "./support/workspace";

const TUNNEL: IngressRoute = { address: "127.0.0.1", needsTunnel: true };
const NODE_IP: IngressRoute = { address: "minikube-ip", needsTunnel: false };

describe("where the host reaches the minikube profile's ingress (lib/minikube/ingressRoute.ts)", () => {
    describe("the driver matrix (driver, host OS)", () => {
        const matrix: [string, NodeJS.Platform, IngressRoute][] = [
            ["docker", "darwin", TUNNEL],
            ["docker", "win32", TUNNEL],
            ["podman", "darwin", TUNNEL],
            ["podman", "win32", TUNNEL],
            ["docker", "linux", NODE_IP],
            ["podman", "linux", NODE_IP],
            ["kvm2", "linux", NODE_IP],
            ["hyperkit", "darwin", NODE_IP],
            ["qemu2", "darwin", NODE_IP],
            ["vfkit", "darwin", NODE_IP],
            ["hyperv", "win32", NODE_IP],
            ["virtualbox", "win32", NODE_IP],
            ["none", "linux", NODE_IP],
            ["ssh", "linux", NODE_IP],
        ];
        for (const [driver, hostOs, expected] of matrix) {
            it(`${driver} on ${hostOs}: ${expected.needsTunnel ? "127.0.0.1 through minikube tunnel" : "the minikube IP"}`, () => {
                assert.deepEqual(ingressRoute(driver, hostOs), expected);
            });
        }

        it("gives the tunnel's address or the node IP minikube printed", () => {
            assert.equal(ingressAddressOf(TUNNEL, "192.168.49.2"), "127.0.0.1");
            assert.equal(ingressAddressOf(NODE_IP, "192.168.49.2"), "192.168.49.2");
        });
    });

    describe("reading the profile's driver from 'minikube profile list -o json'", () => {
        // As minikube 1.3x prints it (fields trimmed): the ClusterConfig has no JSON tags.
        const listed = JSON.stringify({
            invalid: [],
            valid: [
                {
                    Name: "minikube",
                    Status: "Skipped",
                    Config: { Name: "minikube", Driver: "kvm2", Network: "", Memory: 8192 },
                    Active: true,
                },
                {
                    Name: "dev",
                    Status: "Skipped",
                    Config: { Name: "dev", Driver: "qemu2", Network: "socket_vmnet", Memory: 8192 },
                    Active: false,
                },
            ],
        });

        it("picks the named profile's driver and network", () => {
            assert.deepEqual(profileFacts(listed, "dev"), { driver: "qemu2", network: "socket_vmnet" });
            assert.deepEqual(profileFacts(listed, "minikube"), { driver: "kvm2", network: "" });
        });

        it("refuses a profile minikube does not list, saying what to run", () => {
            const refusal =
                /'minikube profile list' shows no valid profile other with a driver: run 'minikube start -p other'/;
            assert.throws(() => profileFacts(listed, "other"), refusal);
        });

        it("refuses output that is not JSON, quoting it", () => {
            assert.throws(
                () => profileFacts("Error: unknown flag: --light", "dev"),
                /printed no JSON \(Error: unknown flag: --light\)/,
            );
        });
    });

    describe("against the fake minikube", () => {
        let fake: FakeHost;
        beforeEach(() => {
            fake = new FakeHost();
            fs.writeFileSync(path.join(fake.state, "last-profile"), "dev");
        });
        afterEach(() => fake.dispose());

        const run: CommandRunner = async (commandLine, environment) => {
            const result = await fake.shAsync(commandLine, environment);
            assert.equal(result.status, 0, result.stderr);
            return result;
        };
        const withDriver = (driver: string, network = "") => {
            fs.writeFileSync(path.join(fake.state, "driver"), driver);
            fs.writeFileSync(path.join(fake.state, "network"), network);
        };

        it("docker on macOS: 127.0.0.1, and says to keep 'minikube tunnel -p dev' running", async () => {
            withDriver("docker");
            const { facts, route } = await readIngressRoute("dev", "darwin", run);
            assert.deepEqual(route, TUNNEL);
            assert.equal(ingressAddressOf(route, "192.168.49.2"), "127.0.0.1");
            const notices = ingressNotices("dev", facts, route);
            assert.equal(notices.length, 1);
            assert.match(
                notices[0],
                /runs the docker driver, .*http:\/\/127\.0\.0\.1\/ only while 'minikube tunnel -p dev' runs in another terminal/,
            );
            assert.deepEqual(fake.calls(), ["minikube profile list -o json --light"]);
        });

        it("kvm2 on Linux: the minikube IP, nothing to do", async () => {
            withDriver("kvm2");
            const { facts, route } = await readIngressRoute("dev", "linux", run);
            assert.deepEqual(route, NODE_IP);
            assert.deepEqual(ingressNotices("dev", facts, route), []);
        });

        it("none (the host itself): the minikube IP, nothing to do", async () => {
            withDriver("none");
            const { facts, route } = await readIngressRoute("dev", "linux", run);
            assert.deepEqual(route, NODE_IP);
            assert.deepEqual(ingressNotices("dev", facts, route), []);
        });

        it("QEMU on its builtin network: warns that nothing on this host reaches the ingress", async () => {
            withDriver("qemu2", "builtin");
            const { facts, route } = await readIngressRoute("dev", "darwin", run);
            assert.deepEqual(route, NODE_IP);
            const notices = ingressNotices("dev", facts, route).join("\n");
            assert.match(
                notices,
                /builtin network, .*'npm run connect', or recreate the profile with '--network socket_vmnet'/,
            );
        });
    });

    describe("what 'npm run up' says (ingressNoticesHere), read with the minikube on PATH", () => {
        let fake: FakeHost;
        beforeEach(() => {
            fake = new FakeHost();
            fs.writeFileSync(path.join(fake.state, "last-profile"), "dev");
        });
        afterEach(() => fake.dispose());

        it("nothing on a kvm2 profile", async () => {
            fs.writeFileSync(path.join(fake.state, "driver"), "kvm2");
            assert.deepEqual(await fake.withFakesOnPath(() => ingressNoticesHere("dev")), []);
        });

        it("QEMU's builtin network warns on any host", async () => {
            fs.writeFileSync(path.join(fake.state, "driver"), "qemu2");
            fs.writeFileSync(path.join(fake.state, "network"), "builtin");
            const notices = await fake.withFakesOnPath(() => ingressNoticesHere("dev"));
            assert.equal(notices.length, 1);
            assert.match(notices[0], /^minikube profile dev runs QEMU on its builtin network/);
        });

        it("refuses, in one line, a profile minikube does not list", async () => {
            fake.setHost("Nonexistent");
            await assert.rejects(
                fake.withFakesOnPath(() => ingressNoticesHere("dev")),
                /^UserError: preflight: 'minikube profile list' shows no valid profile dev/,
            );
        });
    });

    describe("the stack program on a kvm2 profile (any host OS)", () => {
        let workspace: Workspace;
        let run: ProgramRun;
        before(async () => {
            workspace = makeWorkspace();
            fs.writeFileSync(path.join(workspace.fake.state, "driver"), "kvm2");
            await pregenerateKeys(workspace.projectDir, "dev", Number(stackConfig("dev")[`${PROJECT}:nodeCount`]));
            run = await runProgram({ stack: "dev", fake: workspace.fake, projectDir: workspace.projectDir });
        });
        after(() => workspace.dispose());

        it("reads the driver after the preflight and exports the minikube IP as the ingress address", () => {
            assert.equal(run.outputs.ingressAddress, "192.168.49.2");
            assert.equal(run.outputs.racecourseUrl, "http://192.168.49.2/");
            const calls = workspace.fake.calls();
            assert.ok(
                calls.indexOf("minikube profile list -o json --light") >
                    calls.findIndex((call) => call.includes(" status ")),
                calls.join("\n"),
            );
        });
    });
});
