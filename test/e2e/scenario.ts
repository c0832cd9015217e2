// The e2e scenario: the real Pulumi CLI runs this program against the harness's control plane.
// Every check reads the cluster with kubectl or the fake minikube's node folder, never the
// program's own code. Run through `npm run e2e`, which starts and stops the cluster. The steps of
// each stack are in the file named for it; here is their order.
import { bftSteps } from "./bft";
import { clusterPlatformStep } from "./clusterPlatform";
import { E2eFailure, runSteps, stepTable } from "./harness";
import { interruptedUpSteps } from "./interrupts";
import { previewOnlySteps } from "./previews";
import { realGoQuorumPodsStep, realPodsSteps } from "./realPods";
import { scaleSteps } from "./scale";
import { seedDestroyStep, seedNetworkSteps } from "./seedStack";
import { copyProject, Stack, stackFileValues } from "./stack";

async function main(): Promise<void> {
    copyProject();
    const seed = new Stack("e2e");
    const seedConfig = stackFileValues("Pulumi.kaleido.yaml");

    const timings = await runSteps([
        ...seedNetworkSteps(seed, seedConfig),
        ...previewOnlySteps(),
        seedDestroyStep(seed),
        ...realPodsSteps(seedConfig),
        ...bftSteps(),
        realGoQuorumPodsStep(),
        ...interruptedUpSteps(seedConfig),
        clusterPlatformStep(),
        ...scaleSteps(seedConfig),
    ]);
    process.stdout.write(`e2e: step times, slowest first:\n${stepTable(timings)}\n`);
}

main().catch((error: unknown) => {
    process.stdout.write(
        `e2e: ${error instanceof E2eFailure ? "FAILED: " : ""}${error instanceof Error ? error.message : String(error)}\n`,
    );
    process.exit(1);
});
