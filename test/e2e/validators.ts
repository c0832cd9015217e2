// e2e: changing the validators of the goquorum QBFT stack (4 of 5 nodes) by vote with pulumi up,
// 4 → 5 → 4. kwok pods run no geth, so the vote step's and the preview check's geth console calls
// reach fake GoQuorum nodes (test/e2e/shims/kubectl routes each pod to its own) that know the
// network's real node keys and tally votes with GoQuorum's majority rule.
import { isDeepStrictEqual } from "util";
import { computeAddress } from "ethers";
import { FakeQuorum } from "../support/fakeQuorum";
import { expect } from "./harness";
import { withKubectlShim } from "./shim";
import { Stack } from "./stack";

/** The address a node signs BFT blocks with, from its enode's public key, by ethers. */
const signer = (enode: string) =>
    computeAddress(`0x04${enode.slice("enode://".length, "enode://".length + 128)}`).toLowerCase();

async function withFakeVotingNodes(
    enodes: string[],
    validators: number,
    body: (quorum: FakeQuorum) => Promise<void>,
): Promise<void> {
    const quorum = new FakeQuorum(enodes.length, { stillChain: true }, validators);
    await quorum.start();
    quorum.useNodeKeys(
        enodes.map((enode) => enode.slice("enode://".length, "enode://".length + 128)),
        enodes.map(signer),
    );
    quorum.useValidators(enodes.slice(0, validators).map(signer));
    try {
        await withKubectlShim({ E2E_FAKE_RPC_PORTS: quorum.rpcPorts.join(" ") }, () => body(quorum));
    } finally {
        quorum.close();
    }
}

/** The operations a preview plans, by resource name. */
type Plan = (stack: Stack) => Promise<Map<string, string>>;

export async function changeValidatorsByVote(stack: Stack, plannedSteps: Plan, podUids: () => string[]): Promise<void> {
    const enodes = ((await stack.outputs()) as { nodes: { enode: string }[] }).nodes.map((node) => node.enode);
    await withFakeVotingNodes(enodes, 4, async (quorum) => {
        const before = podUids();
        const fifth = signer(enodes[4]);
        await stack.setConfig("validators", "5");
        const planned = [...(await plannedSteps(stack))].filter(([, op]) => op !== "same");
        const allowed = new Set(["quorum-validators", "quorum-node-5-service"]);
        expect(
            planned.some(([name, op]) => name === "quorum-validators" && op === "update") &&
                planned.every(([name, op]) => allowed.has(name) && op === "update"),
            "the preview of validators 4 → 5 updates the vote step and node 5's Service label, nothing else",
            planned,
        );
        await stack.up();
        expect(
            isDeepStrictEqual(quorum.validatorSet, [...enodes.slice(0, 4).map(signer), fifth]),
            "the vote made node 5 a validator on every node",
            quorum.validatorSet,
        );
        const voters = [...new Set(quorum.proposeCalls.map((call) => call.split(" ")[0]))].sort();
        expect(
            isDeepStrictEqual(voters, ["1", "2", "3", "4"]),
            "each of the 4 validators voted, node 5 not",
            quorum.proposeCalls,
        );
        await stack.cli("preview", "--expect-no-changes");

        await stack.setConfig("validators", "4");
        await stack.up();
        expect(
            isDeepStrictEqual(quorum.validatorSet, enodes.slice(0, 4).map(signer)),
            "the vote removed node 5 again",
            quorum.validatorSet,
        );
        expect(isDeepStrictEqual(podUids(), before), "every node pod is the one it was before the votes");
        await stack.cli("preview", "--expect-no-changes");
    });
}
